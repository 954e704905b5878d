"""Per-child version tags and the key tag every per-child Redis key carries.

Writes never delete cache keys one by one: they bump ver:{tenant}:{user}, and every
cached entry is keyed by the version it was computed at.

Every per-child key carries `user_tag(tenant, user)`: the tenant as created (restricted
to [a-z0-9_-], no separator) and a hash of the user id, so no user id can forge a
separator and reach another child's or another tenant's keys.
"""
from __future__ import annotations

import hashlib

from pika_mem.redis_client import get_redis


def user_tag(tenant: str, user_id: str) -> str:
    """"{tenant}:{hex}" — the user part is hex only, so even a legacy tenant id with a
    ':' cannot make two (tenant, user) pairs share a key."""
    digest = hashlib.blake2b(user_id.encode("utf-8"), digest_size=16).hexdigest()
    return f"{tenant}:{digest}"


def version_key(tenant: str, user_id: str) -> str:
    return f"ver:{user_tag(tenant, user_id)}"


def get_version(tenant: str, user_id: str) -> int:
    raw = get_redis().get(version_key(tenant, user_id))
    return int(raw) if raw is not None else 0


def bump_version(tenant: str, user_id: str) -> int:
    """Make every cached answer for this user stale; returns the new version."""
    return int(get_redis().incr(version_key(tenant, user_id)))
