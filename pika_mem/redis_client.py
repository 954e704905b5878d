"""The process-wide Redis client for caches, version tags and rate limits."""
from __future__ import annotations

import redis

from pika_mem.config import get_settings
from pika_mem.lazy import Lazy

_client: Lazy[redis.Redis] = Lazy(lambda: redis.Redis.from_url(
    get_settings().redis_url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30))


def get_redis() -> redis.Redis:
    """The process-wide Redis client for caches, version tags and rate limits."""
    return _client.get()


def reset_redis() -> None:
    """Forget the client (after fork, or in tests that change settings)."""
    _client.reset()
