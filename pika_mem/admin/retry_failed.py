"""Give failed jobs another go: back to `queued`, error cleared.

Nothing is enqueued here (pika_mem knows no Celery): the reaper on beat
(extraction.requeue_stuck_jobs) re-enqueues jobs queued for longer than
REAPER_STUCK_SECONDS. Every stage is idempotent, so a retried job that had written
part of its facts finishes them without duplicates.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from pika_mem.db import get_engine

_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str) -> datetime:
    """'30m', '2h', '7d' (ago) or an ISO-8601 time (UTC when no offset is given)."""
    m = _DURATION.match(value.strip().lower())
    if m:
        return datetime.now(timezone.utc) - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    when = datetime.fromisoformat(value.strip())
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def retry_failed(*, since: datetime | None = None, tenant: str | None = None,
                 dry_run: bool = False) -> list[str]:
    """Failed jobs (updated at or after `since`) → queued; returns their ids.

    The stage timestamps are cleared so the job's timings describe the new attempt, and
    the reaper's attempts start again from 0; `updated_at` is now, so the reaper picks
    them up REAPER_STUCK_SECONDS later.
    """
    cond, params = ["status = 'failed'"], {}
    if since is not None:
        cond.append("updated_at >= :since")
        params["since"] = since
    if tenant is not None:
        cond.append("tenant_id = :tenant")
        params["tenant"] = tenant
    where = " AND ".join(cond)
    with get_engine().begin() as conn:
        if dry_run:
            rows = conn.execute(text(f"SELECT id FROM jobs WHERE {where} ORDER BY created_at"),
                                params).scalars().all()
        else:
            rows = conn.execute(text(
                f"UPDATE jobs SET status = 'queued', error = NULL, updated_at = now(), enqueue_attempts = 0, "
                "extracting_at = NULL, embedding_at = NULL, finishing_at = NULL, "
                f"completed_at = NULL WHERE {where} RETURNING id"), params).scalars().all()
    return [str(r) for r in rows]
