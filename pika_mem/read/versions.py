"""Per-child version tags and the key tag every per-child Redis key carries.

Writes never delete cache keys one by one: they bump ver:{tenant}:{user}, and every
cached entry is keyed by the version it was computed at.

Every per-child key carries `user_tag(tenant, user)`: the tenant as created (restricted
to [a-z0-9_-], no separator) and a hash of the user id, so no user id can forge a
separator and reach another child's or another tenant's keys.
"""
from __future__ import annotations

import hashlib
import time

from pika_mem.redis_client import get_redis


def user_tag(tenant: str, user_id: str) -> str:
    """"{tenant}:{hex}" — the user part is hex only, so even a legacy tenant id with a
    ':' cannot make two (tenant, user) pairs share a key."""
    digest = hashlib.blake2b(user_id.encode("utf-8"), digest_size=16).hexdigest()
    return f"{tenant}:{digest}"


def version_key(tenant: str, user_id: str) -> str:
    return f"ver:{user_tag(tenant, user_id)}"


# Redis keeps nothing on disk. After a restart a counter starting again at 1 would reach
# versions that L0 entries and Postgres summaries of the old state still carry, and serve
# them as current. So a missing tag is seeded from the clock in milliseconds — above every
# version handed out before (a child gets far fewer than 1,000 writes a second) — and
# counts on from there.
_SEEDED = """
local v = redis.call('GET', KEYS[1])
if not v then v = ARGV[1]; redis.call('SET', KEYS[1], v) end
if ARGV[2] == '1' then v = redis.call('INCR', KEYS[1]) end
return v
"""


def seed() -> int:
    """The value a lost or new version tag starts from."""
    return int(time.time() * 1000)


def get_version(tenant: str, user_id: str) -> int:
    r = get_redis()
    raw = r.get(version_key(tenant, user_id))
    if raw is not None:
        return int(raw)
    return int(r.eval(_SEEDED, 1, version_key(tenant, user_id), seed(), 0))


def bump_version(tenant: str, user_id: str) -> int:
    """Make every cached answer for this user stale; returns the new version."""
    return int(get_redis().eval(_SEEDED, 1, version_key(tenant, user_id), seed(), 1))
