"""Failed authentications per client address (AUTH_FAILURE_LIMIT), counted in Redis.

A client that keeps presenting keys that do not authenticate is refused (429) once its
address has failed that often in the current window, before any key lookup — so a flood
of made-up keys costs one Redis round trip each, not a Postgres query. Shared by every
API process. An unavailable Redis refuses nobody (keys are then checked in Postgres).
"""
from __future__ import annotations

import logging
import time

import redis

from pika_mem.access import ratelimit
from pika_mem.config import get_settings
from pika_mem.redis_client import get_redis

log = logging.getLogger(__name__)


def _limit() -> ratelimit.Limit:
    return ratelimit.parse(get_settings().auth_failure_limit, "AUTH_FAILURE_LIMIT")


def _key(address: str, limit: ratelimit.Limit, start: int) -> str:
    # The address last: an IPv6 address has colons of its own.
    return f"authfail:{limit.seconds}:{start}:{address}"


def blocked(address: str) -> int | None:
    """Seconds to wait when this address has used up its failures, else None."""
    limit = _limit()
    start, retry_after = limit.window(time.time())
    try:
        failures = get_redis().get(_key(address, limit, start))
    except redis.RedisError as e:
        log.warning("failed-auth limit not checked: %s", type(e).__name__)
        return None
    return retry_after if failures is not None and int(failures) >= limit.amount else None


def record(address: str) -> int | None:
    """Count one failed authentication; seconds to wait when that was one too many."""
    limit = _limit()
    start, retry_after = limit.window(time.time())
    key = _key(address, limit, start)
    try:
        with get_redis().pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, limit.seconds)
            failures = pipe.execute()[0]
    except redis.RedisError as e:
        log.warning("failed auth not counted: %s", type(e).__name__)
        return None
    return retry_after if int(failures) > limit.amount else None
