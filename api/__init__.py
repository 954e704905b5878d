"""Flask app factory: thin HTTP over pika_mem (validate → commit → enqueue)."""
from __future__ import annotations

import uuid

import pika_mem  # noqa: F401  (environment flags first)
from flask import Flask, g, request

from . import errors

MAX_BODY_BYTES = 256 * 1024


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, JSON_SORT_KEYS=False)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if test_config:
        app.config.update(test_config)

    @app.before_request
    def _request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(resp):
        resp.headers["X-Request-ID"] = g.get("request_id", "")
        return resp

    errors.init_app(app)
    from . import metrics
    metrics.init_app(app)
    from . import health, jobs, memories, search, users
    for module in (health, memories, jobs, search, users):
        app.register_blueprint(module.bp)
    from .openapi import spec
    spec.register(app)
    from . import limits
    limits.init_app(app)
    return app
