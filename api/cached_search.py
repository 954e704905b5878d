"""POST /v1/search below Flask, for the case the companion hits most: a repeat question.

A request whose key this process knows (at the current revocation epoch), whose body is
a valid search and whose answer L0 or L1 holds at the user's current version is answered
straight from the WSGI environ: one Redis round trip (the preflight), no Flask request
context. Everything else — unknown key, bad body, rate limit, a cache miss — goes on to
Flask unchanged, carrying the preflight it already made so nothing is counted twice.
Flask's view (api/search.py) and this path share the same lookups and response body.
"""
from __future__ import annotations

import io
import time

from pika_mem.access import admission, api_keys, ratelimit
from pika_mem.config import get_settings

from . import search
from .auth import ADMITTED, Admitted, allows, key_in, touch
from .metrics import REQUEST_SECONDS


class CachedSearch:
    """WSGI middleware: answers a cached search, hands everything else to Flask."""

    def __init__(self, app, max_body: int, request_id):
        self.app, self.max_body, self.request_id = app, max_body, request_id

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != "/v1/search" or environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        started = time.perf_counter()
        answered = self._answer(environ, started)
        if answered is None:
            return self.app(environ, start_response)
        layer, body = answered
        rid = self.request_id(environ.get("HTTP_X_REQUEST_ID", ""))
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body))),
                                  ("X-Cache-Layer", layer), ("X-Request-ID", rid)])
        REQUEST_SECONDS.labels("/v1/search", "POST", "200").observe(time.perf_counter() - started)
        return [body]

    def _answer(self, environ, started) -> tuple[str, bytes] | None:
        key = key_in(environ)
        if not key or environ.get("CONTENT_TYPE", "").split(";")[0].strip() != "application/json":
            return None
        digest = api_keys.hash_key(key)
        known = api_keys.cached_row(digest)
        if known is None or not allows(known, "memories:read"):
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            return None
        if not 0 <= length <= self.max_body:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # Flask may still need to read it
        prepared = search.prepare(known["tenant_id"], body)
        limit = ratelimit.parse(get_settings().rate_limit)
        pre = admission.run(digest[:32], limit, prepared.probe if prepared else None)
        environ[ADMITTED] = Admitted(digest, pre, prepared)
        row = api_keys.cached_row(digest, pre.epoch) if pre.epoch is not None else None
        if prepared is None or row is None or pre.hits > limit.amount or pre.version is None:
            return None
        hit = search.cached_answer(prepared, pre)
        if hit is None:
            return None
        touch(row)
        return hit[0], search.answer_body(hit[1], hit[0], started)
