"""Liveness, readiness, metrics and the OpenAPI document (no key needed)."""
from __future__ import annotations

import threading
import time

from flask import Blueprint, jsonify
from sqlalchemy import text

from pika_mem.config import get_settings
from pika_mem.db import get_engine
from pika_mem.queues import QUEUES
from pika_mem.redis_client import get_redis
from tasks.app import app as celery_app

from .openapi import spec

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Postgres, Redis, the broker, and a started worker consuming every queue (so a
    search never waits on a worker still loading its model), each within a deadline.
    The worker check is a broadcast every worker answers: it is reused for
    READYZ_CACHE_SECONDS, so frequent probes do not become a broadcast each."""
    checks = {}
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["postgres"] = "ok"
    except Exception as e:
        checks["postgres"] = f"down: {type(e).__name__}"
    try:
        get_redis().ping()
        checks["redis"] = "ok"
    except Exception as e:
        checks["redis"] = f"down: {type(e).__name__}"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        checks["broker"] = "ok"
        checks["workers"] = _workers_check()
    except Exception as e:
        checks.setdefault("broker", f"down: {type(e).__name__}")
        checks.setdefault("workers", "unknown")
    ready = all(v == "ok" for v in checks.values())
    resp = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
    resp.status_code = 200 if ready else 503
    return resp


_workers_lock = threading.Lock()
_workers_seen: tuple[float, str] = (0.0, "")  # (valid until, outcome)


def _workers_check() -> str:
    """"ok", or which queues no started worker consumes; one broadcast per cache period
    in this process (concurrent probes wait for the one in flight)."""
    global _workers_seen
    ttl = get_settings().readyz_cache_seconds
    with _workers_lock:
        until, outcome = _workers_seen
        if ttl > 0 and time.monotonic() < until:
            return outcome
        replies = celery_app.control.inspect(timeout=1.0).active_queues() or {}
        consumed = {q["name"] for queues in replies.values() for q in queues}
        missing = [q for q in QUEUES if q not in consumed]
        outcome = "ok" if not missing else f"down: no worker consumes {', '.join(missing)}"
        _workers_seen = (time.monotonic() + ttl, outcome)
        return outcome


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec.spec)


@bp.get("/metrics")
def metrics():
    from .metrics import render
    return render()
