"""Queue invalidation: version tags (old cache keys go stale, none are deleted)."""
from __future__ import annotations

from pika_mem import cache

from .app import app


@app.task(name="invalidation.bump_version", acks_late=True, autoretry_for=(OSError,),
          retry_backoff=True, max_retries=5)
def bump_version(tenant: str, user_id: str) -> int:
    return cache.bump_version(tenant, user_id)
