"""Operator statistics: users, facts, summaries, jobs by status, broker queue lengths.

pika_mem knows no Celery: queue lengths are read from the broker's Redis with redis-py
(a kombu Redis queue is a list named after the queue; unacked messages sit in the
`unacked` hash).
"""
from __future__ import annotations

import redis
from sqlalchemy import text

from pika_mem.config import get_settings
from pika_mem.db import get_engine
from pika_mem.ledger.jobs import ACTIVE, STATUSES
from pika_mem.queues import QUEUES


def unfinished_jobs() -> dict[str, int]:
    """Jobs not yet completed or failed, by status: through the (status, updated_at)
    index, so it reads only unfinished rows however many jobs have finished."""
    with get_engine().connect() as conn:
        counts = dict(conn.execute(text(
            "SELECT status, count(*) FROM jobs WHERE status = ANY(:active) GROUP BY status"),
            {"active": list(ACTIVE)}).all())
    return {status: counts.get(status, 0) for status in ACTIVE}


def ledger_stats(tenant: str | None = None) -> dict:
    where = "WHERE tenant_id = :t" if tenant else ""
    params = {"t": tenant} if tenant else {}
    with get_engine().connect() as conn:
        users, total, active = conn.execute(text(
            "SELECT count(DISTINCT (tenant_id, user_id)), count(*), "
            f"count(*) FILTER (WHERE valid_to IS NULL) FROM memories {where}"), params).one()
        summaries = conn.execute(text(
            f"SELECT count(*) FROM user_favorite_summary {where}"), params).scalar_one()
        by_status = dict.fromkeys(STATUSES, 0)
        for status, n in conn.execute(text(
                f"SELECT status, count(*) FROM jobs {where} GROUP BY status"), params):
            by_status[status] = n
    return {"users": users,
            "facts": {"active": active, "total": total, "superseded": total - active},
            "summaries": summaries,
            "jobs": by_status}


def queue_stats(broker_url: str | None = None) -> dict:
    """{"queues": {name: length}, "unacked": n}; {"error": ...} when the broker is down."""
    url = broker_url or get_settings().celery_broker_url
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return {"error": f"not a Redis broker: {url.split('://')[0]}"}
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        with client.pipeline(transaction=False) as pipe:
            for q in QUEUES:
                pipe.llen(q)
            pipe.hlen("unacked")
            values = pipe.execute()
    except redis.RedisError as exc:
        return {"error": f"broker unreachable: {type(exc).__name__}: {exc}"}
    finally:
        client.close()
    return {"queues": dict(zip(QUEUES, values[:-1])), "unacked": values[-1]}


def collect(tenant: str | None = None) -> dict:
    out = ledger_stats(tenant)
    if tenant:
        out["tenant"] = tenant
    out["broker"] = queue_stats()  # queues are shared by every tenant
    return out
