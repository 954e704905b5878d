"""API keys → tenant. The tenant comes from the key and only from the key."""
from __future__ import annotations

import time
from functools import wraps

from flask import g, request

from pika_mem import api_keys

from .errors import ApiError

_TOUCH_EVERY_SECONDS = 60
_last_touch: dict[str, float] = {}


def presented_key() -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.headers.get("X-API-Key") or None


def authenticate() -> dict:
    """Resolve the caller's key (every request: a revoked key stops at once)."""
    key = presented_key()
    if not key:
        raise ApiError(401, "unauthorized", "An API key is required (Authorization: Bearer or X-API-Key).")
    row = api_keys.lookup(key)
    if row is None:
        raise ApiError(401, "unauthorized", "The API key is unknown or revoked.")
    now = time.monotonic()
    if now - _last_touch.get(row["id"], 0) > _TOUCH_EVERY_SECONDS:
        _last_touch[row["id"]] = now
        api_keys.touch(row["id"])
    g.api_key = row
    g.tenant = row["tenant_id"]
    return row


def require(scope: str):
    """Decorator: a valid key carrying `scope` (admin implies every scope)."""
    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            row = authenticate()
            if scope not in row["scopes"] and "admin" not in row["scopes"]:
                raise ApiError(403, "forbidden", f"This API key lacks the '{scope}' scope.")
            return view(*args, **kwargs)
        inner.required_scope = scope
        return inner
    return wrap
