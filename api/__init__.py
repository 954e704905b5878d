"""Flask app factory: thin HTTP over pika_mem (validate → commit → enqueue)."""
from __future__ import annotations

import logging
import random
import re

import pika_mem  # noqa: F401  (environment flags first)
from flask import Flask, g, request

from . import errors

MAX_BODY_BYTES = 256 * 1024
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id(presented: str) -> str:
    """The caller's X-Request-ID when it is sane, else a new one."""
    return presented if _REQUEST_ID.fullmatch(presented) else f"{random.getrandbits(128):032x}"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, JSON_SORT_KEYS=False)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if test_config:
        app.config.update(test_config)

    from pika_mem import logs
    from pika_mem.config import get_settings
    logs.configure(get_settings().log_level)
    access = logging.getLogger("pika.http")

    @app.before_request
    def _request_id():
        g.request_id = request_id(request.headers.get("X-Request-ID", ""))
        logs.request_id.set(g.request_id)

    @app.after_request
    def _echo_request_id(resp):
        resp.headers["X-Request-ID"] = g.get("request_id", "")
        if resp.status_code >= 400 or access.isEnabledFor(logging.DEBUG):
            access.info("request", extra={"method": request.method, "route": str(request.url_rule),
                                          "status": resp.status_code})
        return resp

    errors.init_app(app)
    from . import metrics
    metrics.init_app(app)
    from . import health, jobs, memories, search, users
    for module in (health, memories, jobs, search, users):
        app.register_blueprint(module.bp)
    from .openapi import spec
    spec.register(app)
    from .cached_search import CachedSearch
    app.wsgi_app = CachedSearch(app.wsgi_app, MAX_BODY_BYTES, request_id)
    return app
