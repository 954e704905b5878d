"""API keys → tenant, and the per-key rate limit. The tenant comes from the key and
only from the key."""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Callable

from flask import g, request

from pika_mem.access import admission, api_keys, auth_failures, ratelimit
from pika_mem.config import get_settings

from .errors import ApiError

if TYPE_CHECKING:
    from .search import Prepared

_TOUCH_EVERY_SECONDS = 60
_last_touch: dict[str, float] = {}

# The WSGI environ entry where the fast path leaves what it learnt (api/cached_search.py).
ADMITTED = "pika.admitted"

# Given the tenant of a key this process already knows, a view may name the search it
# is about to make, so that its cache lookups ride on the same Redis round trip.
Probe = Callable[[str], "admission.SearchProbe | None"]


@dataclass(frozen=True)
class Admitted:
    """A request the fast path authenticated and counted, then handed on to Flask."""
    digest: str
    preflight: admission.Preflight
    prepared: "Prepared | None" = None  # when the body is a valid search


def key_in(environ) -> str | None:
    """The API key a request presents (Authorization: Bearer, else X-API-Key)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return environ.get("HTTP_X_API_KEY") or None


def presented_key() -> str | None:
    return key_in(request.environ)


def authenticate(probe: Probe | None = None) -> dict:
    """Resolve the caller's key (every request: a revoked key stops at once) and count
    the request against the key's rate limit — one Redis round trip for both. A key
    that does not authenticate counts against the client address's failure limit; an
    address past it is refused before any lookup, unless its key is one this process
    has seen valid."""
    address = request.remote_addr or "unknown"
    key = presented_key()
    if not key:
        _failed(address, "An API key is required (Authorization: Bearer or X-API-Key).")
    digest = api_keys.hash_key(key)
    limit = ratelimit.parse(get_settings().rate_limit)
    admitted = request.environ.get(ADMITTED)
    if admitted is not None and admitted.digest == digest:
        pre = admitted.preflight  # the fast path already asked Redis
        g.prepared = admitted.prepared
        search = admitted.prepared.probe if admitted.prepared is not None else None
    else:
        if api_keys.known_unknown(digest):  # refused moments ago: no Redis, no Postgres
            _failed(address, "The API key is unknown or revoked.")
        if not api_keys.seen_valid(digest):
            _refuse_if_blocked(address)
        known = api_keys.cached_row(digest)
        search = probe(known["tenant_id"]) if probe is not None and known is not None else None
        pre = admission.run(digest[:32], limit, search)
    if pre.hits > limit.amount:
        raise ApiError(429, "rate_limited",
                       f"Rate limit exceeded ({limit.amount} per {limit.seconds} s); retry later.",
                       headers={"Retry-After": str(pre.retry_after)})
    row = api_keys.resolve(digest, pre.epoch)
    if row is None:
        _failed(address, "The API key is unknown or revoked.")
    touch(row)
    g.api_key = row
    g.tenant = row["tenant_id"]
    g.preflight = pre if search is not None and search.tenant == g.tenant else None
    return row


def _refuse_if_blocked(address: str) -> None:
    retry_after = auth_failures.blocked(address)
    if retry_after is not None:
        raise _too_many_failures(retry_after)


def _failed(address: str, message: str):
    """A failed authentication: 401, or 429 once the address has failed too often."""
    retry_after = auth_failures.record(address)
    if retry_after is not None:
        raise _too_many_failures(retry_after)
    raise ApiError(401, "unauthorized", message)


def _too_many_failures(retry_after: int) -> ApiError:
    limit = ratelimit.parse(get_settings().auth_failure_limit, "AUTH_FAILURE_LIMIT")
    return ApiError(429, "rate_limited",
                    f"Too many failed authentications from this address ({limit.amount} per "
                    f"{limit.seconds} s); retry later.",
                    details={"reason": "failed_authentications"},
                    headers={"Retry-After": str(retry_after)})


def touch(row: dict) -> None:
    """Record that a key is in use, at most once a minute per process."""
    now = time.monotonic()
    if now - _last_touch.get(row["id"], 0) > _TOUCH_EVERY_SECONDS:
        _last_touch[row["id"]] = now
        api_keys.touch(row["id"])


def allows(row: dict, scope: str) -> bool:
    return scope in row["scopes"] or "admin" in row["scopes"]


def require(scope: str, probe: Probe | None = None):
    """Decorator: a valid key carrying `scope` (admin implies every scope)."""
    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            row = authenticate(probe)
            if not allows(row, scope):
                raise ApiError(403, "forbidden", f"This API key lacks the '{scope}' scope.")
            return view(*args, **kwargs)
        inner.required_scope = scope
        return inner
    return wrap
