"""Sending tasks by name, after the commit; a dead broker never loses the job."""
from __future__ import annotations

import logging

from tasks.app import app as celery_app

log = logging.getLogger(__name__)


def enqueue(task_name: str, args: list, **options) -> bool:
    """Publish a task; False when the broker refused (the row is committed, the reaper
    re-enqueues it once the broker is back)."""
    try:
        celery_app.send_task(task_name, args=args, **options)
        return True
    except Exception as e:  # kombu/redis errors vary by transport
        log.error("enqueue failed", extra={"task": task_name, "error": type(e).__name__})
        return False
