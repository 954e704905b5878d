"""Queue favorites: the materialized summary."""
from __future__ import annotations

from pika_mem.read import favorites

from .app import app


@app.task(name="favorites.refresh_summary", acks_late=True, autoretry_for=(OSError,),
          retry_backoff=True, max_retries=5)
def refresh_summary(tenant: str, user_id: str) -> int:
    return favorites.refresh_summary(tenant, user_id)["version"]


@app.task(name="favorites.refresh_many", acks_late=True, autoretry_for=(OSError,),
          retry_backoff=True, max_retries=5)
def refresh_many(pairs: list[list[str]]) -> int:
    """One chunk of a beat fan-out: a few hundred users per task, never 100k."""
    return len(favorites.refresh_users([(t, u) for t, u in pairs]))


@app.task(name="favorites.refresh_stale", acks_late=True)
def refresh_stale(chunk: int = 200) -> int:
    """Beat: users whose summary is missing or older than their newest fact change,
    fanned out in chunks. A refresh that runs twice is harmless (same result)."""
    users = favorites.stale_users()
    for i in range(0, len(users), chunk):
        refresh_many.apply_async(args=[[list(p) for p in users[i:i + chunk]]])
    return len(users)
