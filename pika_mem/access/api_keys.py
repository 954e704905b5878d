"""Per-tenant API keys: shown once, stored as a SHA-256 hash, revocable."""
from __future__ import annotations

import hashlib
import re
import secrets
import time
import uuid

from sqlalchemy import select, update
from sqlalchemy.sql import func

from pika_mem.config import get_settings
from pika_mem.db import get_engine
from pika_mem.ledger import audit
from pika_mem.ledger.tables import api_keys
from pika_mem.redis_client import get_redis

SCOPES = ("memories:write", "memories:read", "admin")
_PREFIX = "pk_"
EPOCH_KEY = "apikeys:revocations"
_CACHE_SECONDS = 5.0
_CACHE_MAX = 10_000
_cache: dict[str, tuple[int | None, float, dict]] = {}
# Key hashes Postgres did not know (unknown or revoked), until when this process believes it.
_unknown: dict[str, float] = {}


# Tenant ids become part of Redis keys and file names: no separator, no case games.
TENANT_RX = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class InvalidTenant(ValueError):
    pass


def check_tenant(tenant: str) -> str:
    """The tenant id, or InvalidTenant saying what an id may be."""
    if not isinstance(tenant, str) or not TENANT_RX.fullmatch(tenant):
        raise InvalidTenant(f"invalid tenant id {tenant!r}: 1-64 characters of a-z, 0-9, '_' "
                            "and '-', starting with a letter or digit")
    return tenant


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(tenant: str, name: str, scopes: tuple[str, ...] = SCOPES) -> tuple[str, str]:
    """Create a key; returns (key id, the key itself — the only time it is seen)."""
    check_tenant(tenant)
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    key = _PREFIX + secrets.token_urlsafe(32)
    key_id = str(uuid.uuid4())
    with get_engine().begin() as conn:
        conn.execute(api_keys.insert().values(id=key_id, tenant_id=tenant, name=name,
                                              key_hash=hash_key(key), scopes=list(scopes)))
        audit.record(tenant, None, "key.create", key_id, conn)
    return key_id, key


def lookup(key: str) -> dict | None:
    """The active key row for a presented key, or None (unknown or revoked)."""
    return resolve(hash_key(key), _revocation_epoch())


def cached_row(digest: str, epoch: int | None = None) -> dict | None:
    """The row this process remembers for a key hash, without asking anyone. With an
    epoch, only if it was remembered at that revocation epoch (then it may be served);
    without, the caller must still `resolve` before serving anything."""
    hit = _cache.get(digest)
    if not hit or hit[1] <= time.monotonic():
        return None
    if epoch is not None and hit[0] != epoch:
        return None
    return hit[2]


def known_unknown(digest: str) -> bool:
    """Postgres said moments ago that no active key has this hash (see `resolve`)."""
    until = _unknown.get(digest)
    return until is not None and until > time.monotonic()


def seen_valid(digest: str) -> bool:
    """This process has resolved this hash to an active key (and not since found it
    unknown or revoked): the failed-authentication limit does not stop it."""
    return digest in _cache


def resolve(digest: str, epoch: int | None) -> dict | None:
    """The active key row for a key hash, given the current revocation epoch.

    Valid keys are remembered in-process for a few seconds; a revocation bumps a
    Redis epoch that every request reads, so it takes effect at once. With no epoch
    (Redis down) every call asks Postgres for a valid key. Unknown (or revoked) hashes
    are remembered for UNKNOWN_KEY_CACHE_SECONDS, so a flood of one bad key asks Postgres
    once per that period per process; a key created meanwhile under that very hash (it
    cannot be guessed: only a key restored or inserted by hand) works after it at most.
    """
    hit = _cache.get(digest)
    now = time.monotonic()
    if hit and epoch is not None and hit[0] == epoch and hit[1] > now:
        return hit[2]
    if known_unknown(digest):
        return None
    row = _lookup_db(digest)
    if row is None:
        _cache.pop(digest, None)
        ttl = get_settings().unknown_key_cache_seconds
        if ttl > 0:
            if len(_unknown) > _CACHE_MAX:
                _unknown.clear()
            _unknown[digest] = now + ttl
    elif epoch is not None:
        if len(_cache) > _CACHE_MAX:
            _cache.clear()
        _cache[digest] = (epoch, now + _CACHE_SECONDS, row)
    return row


def _revocation_epoch() -> int | None:
    try:
        raw = get_redis().get(EPOCH_KEY)
    except Exception:  # Redis down: no caching, ask Postgres every time
        return None
    return int(raw) if raw else 0


def _lookup_db(digest: str) -> dict | None:
    with get_engine().connect() as conn:
        row = conn.execute(select(api_keys).where(
            api_keys.c.key_hash == digest, api_keys.c.revoked_at.is_(None))).mappings().first()
    return dict(row) if row else None


def touch(key_id: str) -> None:
    with get_engine().begin() as conn:
        conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=func.now()))


def revoke(key_id: str) -> bool:
    """Revoke in Postgres, then bump the epoch so no process keeps serving the key."""
    with get_engine().begin() as conn:
        tenant = conn.execute(update(api_keys).where(
            api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None)).values(
            revoked_at=func.now()).returning(api_keys.c.tenant_id)).scalar()
        if tenant is not None:
            audit.record(tenant, None, "key.revoke", key_id, conn)
    get_redis().incr(EPOCH_KEY)
    return tenant is not None


def list_keys(tenant: str | None = None) -> list[dict]:
    q = select(api_keys.c.id, api_keys.c.tenant_id, api_keys.c.name, api_keys.c.scopes,
               api_keys.c.created_at, api_keys.c.revoked_at, api_keys.c.last_used_at)
    if tenant:
        q = q.where(api_keys.c.tenant_id == tenant)
    with get_engine().connect() as conn:
        return [dict(r) for r in conn.execute(q.order_by(api_keys.c.created_at)).mappings()]
