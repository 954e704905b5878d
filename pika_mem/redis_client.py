"""The process-wide Redis client for caches, version tags and rate limits."""
from __future__ import annotations

import threading

import redis

from pika_mem.config import get_settings

_client: redis.Redis | None = None
_lock = threading.Lock()


def get_redis() -> redis.Redis:
    """The process-wide Redis client for caches and version tags."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                _client = redis.Redis.from_url(
                    get_settings().redis_url, socket_timeout=2, socket_connect_timeout=2,
                    health_check_interval=30,
                )
    return _client


def reset_redis() -> None:
    """Forget the client (after fork, or in tests that change settings)."""
    global _client
    _client = None
