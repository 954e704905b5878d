"""Search: the read path the companion calls before every reply.

version tag → L0 (this process) → L1 (Redis) → L2 (favourites summary, when the
query asks for favourites) → L3/L4 (RPC to worker-memory: embedding cache, then
mem0/Qdrant) → written back to L1 and L0.

For a key this process already knows, the version tag and the L1 entry come back in
the same Redis round trip as the key's revocation epoch and rate limit (preflight),
and a cache hit is answered below Flask (api/fastpath.py).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from celery.exceptions import TimeoutError as CeleryTimeout
from flask import Blueprint, Response, g, request
from pydantic import ValidationError

from pika_mem import cache, favorites, preflight, query_intent, search_cache
from pika_mem.config import get_settings
from tasks.app import app as celery_app

from .auth import require
from .errors import ApiError
from .metrics import CACHE_LOOKUPS, LAYER_SECONDS
from .openapi import documented
from .requests import loads_bounded, parse_json
from .schemas import ErrorEnvelope, SearchRequest, SearchResponse

bp = Blueprint("search", __name__)
# (tenant, user, query hash) → (version, answer bytes); only served at the current version.
_local = search_cache.LocalLRU(get_settings().search_l0_entries)


@dataclass(frozen=True)
class Prepared:
    """A valid search request and the cache lookups it needs."""
    req: SearchRequest
    qhash: str
    probe: preflight.SearchProbe


def prepare(tenant: str, body: bytes) -> Prepared | None:
    """Parse a body for the preflight; None when invalid (the view reports why)."""
    try:
        data = loads_bounded(body)
        if not isinstance(data, dict):
            return None
        req = SearchRequest.model_validate(data)
    except (ValueError, ValidationError, RecursionError):
        return None  # the view answers 400/422 with the reason
    qhash = search_cache.query_hash(req.query, req.limit, req.categories)
    held = _local.get((tenant, req.user_id, qhash))
    return Prepared(req, qhash, preflight.SearchProbe(tenant, req.user_id, qhash,
                                                      held[0] if held else None))


def cached_answer(tenant: str, prepared: Prepared, pre: preflight.Preflight) -> tuple[str, bytes] | None:
    """("L0" | "L1", answer) when a cache holds the answer at the current version."""
    l0_key = (tenant, prepared.req.user_id, prepared.qhash)
    held = _local.get(l0_key)
    if held is not None and held[0] == pre.version:
        return "L0", held[1]
    if pre.cached is not None:
        CACHE_LOOKUPS.labels("L0", "miss").inc()
        _local.put(l0_key, (pre.version, pre.cached))
        return "L1", pre.cached
    return None


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


def _probe(tenant: str) -> preflight.SearchProbe | None:
    g.prepared = _prepared_body(tenant)
    return g.prepared.probe if g.prepared else None


def _rpc(tenant: str, req: SearchRequest) -> list[dict]:
    deadline = get_settings().search_timeout_seconds
    result = celery_app.send_task(
        "search.search_memories", args=[tenant, req.user_id, req.query, req.limit, req.categories],
        expires=deadline)  # never run late for a caller who gave up
    try:
        return result.get(timeout=deadline, propagate=True)
    except CeleryTimeout:
        result.forget()
        raise ApiError(503, "search_unavailable",
                       f"The search worker did not answer within {deadline:g} s.",
                       {"dependency": "worker-memory"}, {"Retry-After": "2"})


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
    tenant = g.tenant
    pre, prepared = g.get("preflight"), g.get("prepared")
    if prepared is None:
        prepared = _prepared_body(tenant)
        if prepared is None:
            parse_json(SearchRequest)  # raises the precise 400/415/422
    if pre is None or pre.version is None:
        # A key new to this process or Redis trouble: the lookups one at a time.
        user_id = prepared.req.user_id
        version = cache.get_version(tenant, user_id)
        pre = preflight.Preflight(None, 0, 0, version, search_cache.l1_get(
            search_cache.l1_key(tenant, user_id, version, prepared.qhash)))
    hit = cached_answer(tenant, prepared, pre)
    if hit is not None:
        return _respond(hit[1], hit[0], started)
    CACHE_LOOKUPS.labels("L0", "miss").inc()
    CACHE_LOOKUPS.labels("L1", "miss").inc()

    req, user_id = prepared.req, prepared.req.user_id
    intent = query_intent.parse(req.query)
    results, layer = None, "L4"
    if intent.favorites:
        record, _ = favorites.read_summary(tenant, user_id)
        if record is not None:
            results = search_cache.favorites_answer(record, intent, req.limit, req.categories)
            layer = "L2" if results is not None else "L4"
        if results is None:
            CACHE_LOOKUPS.labels("L2", "miss").inc()
    if results is None:
        results = _rpc(tenant, req)
    answer = search_cache.encode(results)
    search_cache.l1_put(search_cache.l1_key(tenant, user_id, pre.version, prepared.qhash), answer,
                        get_settings().search_cache_ttl)
    _local.put((tenant, user_id, prepared.qhash), (pre.version, answer))
    return _respond(answer, layer, started)
