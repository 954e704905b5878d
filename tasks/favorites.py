"""Queue favorites: the materialized summary."""
from __future__ import annotations

from pika_mem import favorites

from .app import app


@app.task(name="favorites.refresh_summary", acks_late=True, autoretry_for=(OSError,),
          retry_backoff=True, max_retries=5)
def refresh_summary(tenant: str, user_id: str) -> int:
    return favorites.refresh_summary(tenant, user_id)["version"]


@app.task(name="favorites.refresh_stale", acks_late=True)
def refresh_stale(chunk: int = 500) -> int:
    """Beat: refresh users whose summary is older than their newest fact, in chunks."""
    users = favorites.stale_users()
    for i in range(0, len(users), chunk):
        for tenant, user_id in users[i:i + chunk]:
            refresh_summary.apply_async(args=[tenant, user_id])
    return len(users)
