"""Rate limiting per API key, counted in Redis so every gunicorn worker shares it."""
from __future__ import annotations

import hashlib

from flask import request
from flask_limiter import Limiter

from pika_mem.config import get_settings

from .auth import presented_key


def _caller() -> str:
    """The presented key (hashed), else the client address."""
    key = presented_key()
    if key:
        return "key:" + hashlib.sha256(key.encode()).hexdigest()[:32]
    return "ip:" + (request.remote_addr or "unknown")


def init_app(app) -> Limiter:
    s = get_settings()
    limiter = Limiter(
        key_func=_caller,
        app=app,
        default_limits=[s.rate_limit],
        storage_uri=s.redis_url,
        storage_options={"socket_connect_timeout": 2, "socket_timeout": 2},
        strategy="fixed-window",
        # No X-RateLimit headers on every response (a Redis round trip each);
        # a refused request still gets Retry-After (api/errors.py).
        headers_enabled=False,
        key_prefix="ratelimit",
        # Redis down: serve rather than refuse every request.
        swallow_errors=True,
    )
    from .health import bp as health_bp
    limiter.exempt(health_bp)  # probes and scrapes are never limited
    return limiter
