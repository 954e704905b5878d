"""POST /v1/search over HTTP: parsing, the RPC to worker-memory, the response.

Which layer answers (L0 → L1 → L2 → L3/L4) is decided in pika_mem/read/ladder.py. For a
key this process already knows, the version tag and the L1 entry come back in the same
Redis round trip as the key's revocation epoch and rate limit (admission), and a cache
hit is answered below Flask (api/cached_search.py).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from celery.exceptions import TimeoutError as CeleryTimeout
from flask import Blueprint, Response, g, request
from pydantic import ValidationError

from pika_mem.access import admission
from pika_mem.config import get_settings
from pika_mem.read import ladder
from tasks.app import app as celery_app

from .auth import require
from .errors import ApiError
from .metrics import CACHE_LOOKUPS, LAYER_SECONDS
from .openapi import documented
from .requests import loads_bounded, parse_json
from .schemas import ErrorEnvelope, SearchRequest, SearchResponse

bp = Blueprint("search", __name__)


@dataclass(frozen=True)
class Prepared:
    """A valid search request, the ladder's question and what admission should fetch."""
    req: SearchRequest
    question: ladder.Question
    probe: admission.SearchProbe


def prepare(tenant: str, body: bytes) -> Prepared | None:
    """Parse a body for admission; None when invalid (the view reports why)."""
    try:
        data = loads_bounded(body)
        if not isinstance(data, dict):
            return None
        req = SearchRequest.model_validate(data)
    except (ValueError, ValidationError, RecursionError):
        return None  # the view answers 400/422 with the reason
    q = ladder.question(tenant, req.user_id, req.query, req.limit, req.categories)
    return Prepared(req, q, ladder.probe(q))


def cached_answer(prepared: Prepared, pre: admission.Preflight) -> tuple[str, bytes] | None:
    """("L0" | "L1", answer) when a cache holds the answer at the current version."""
    hit = ladder.cached(prepared.question, pre)
    if hit is not None and hit[0] == "L1":
        CACHE_LOOKUPS.labels("L0", "miss").inc()
    return hit


def answer_body(answer: bytes, layer: str, started: float) -> bytes:
    """The response body, with the cached JSON spliced in as it is (no decode/encode);
    counts the answering layer."""
    took = time.perf_counter() - started
    CACHE_LOOKUPS.labels(layer, "hit").inc()
    LAYER_SECONDS.labels(layer).observe(took)
    return b'{"results":%s,"layer":"%s","took_ms":%.3f}' % (answer, layer.encode(), took * 1000)


def _prepared_body(tenant: str) -> Prepared | None:
    ok = request.mimetype == "application/json"  # as parse_json demands
    return prepare(tenant, request.get_data(cache=True)) if ok else None


def _probe(tenant: str) -> admission.SearchProbe | None:
    g.prepared = _prepared_body(tenant)
    return g.prepared.probe if g.prepared else None


def _rpc(q: ladder.Question) -> list[dict]:
    deadline = get_settings().search_timeout_seconds
    result = celery_app.send_task(
        "search.search_memories", args=[q.tenant, q.user_id, q.query, q.limit, q.categories],
        expires=deadline)  # never run late for a caller who gave up
    try:
        return result.get(timeout=deadline, propagate=True)
    except CeleryTimeout:
        raise ApiError(503, "search_unavailable",
                       f"The search worker did not answer within {deadline:g} s.",
                       {"dependency": "worker-memory"}, {"Retry-After": "2"})
    finally:
        result.forget()  # the answer holds the child's facts: it never waits in Redis


def _respond(answer: bytes, layer: str, started: float) -> Response:
    return Response(answer_body(answer, layer, started), 200, {"X-Cache-Layer": layer},
                    mimetype="application/json")


@bp.post("/v1/search")
@require("memories:read", probe=_probe)
@documented(json=SearchRequest, resp={"HTTP_200": SearchResponse, "HTTP_401": ErrorEnvelope,
                                      "HTTP_422": ErrorEnvelope, "HTTP_503": ErrorEnvelope},
            tags=["search"])
def search():
    """A user's active facts for a query, from the fastest layer that has the answer."""
    started = time.perf_counter()
    pre, prepared = g.get("preflight"), g.get("prepared")
    if prepared is None:
        prepared = _prepared_body(g.tenant)
        if prepared is None:
            parse_json(SearchRequest)  # raises the precise 400/415/422
    if pre is None or pre.version is None:
        pre = ladder.lookups(prepared.question)  # a key new to this process, or Redis trouble
    hit = cached_answer(prepared, pre)
    if hit is not None:
        return _respond(hit[1], hit[0], started)
    CACHE_LOOKUPS.labels("L0", "miss").inc()
    CACHE_LOOKUPS.labels("L1", "miss").inc()
    layer, answer, tried_l2 = ladder.answer_miss(prepared.question, pre.version, _rpc)
    if tried_l2 and layer != "L2":
        CACHE_LOOKUPS.labels("L2", "miss").inc()
    return _respond(answer, layer, started)
