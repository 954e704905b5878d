"""Search: the read path the companion calls before every reply.

version tag → L0 (this process) → L1 (Redis) → L2 (favourites summary, when the
query asks for favourites) → L3/L4 (RPC to worker-memory: embedding cache, then
mem0/Qdrant) → written back to L1 and L0.
"""
from __future__ import annotations

import time

from celery.exceptions import TimeoutError as CeleryTimeout
from flask import Blueprint, g

from pika_mem import cache, favorites, query_intent, search_cache
from pika_mem.config import get_settings
from tasks.app import app as celery_app

from .auth import require
from .errors import ApiError
from .metrics import CACHE_LOOKUPS, LAYER_SECONDS
from .openapi import documented
from .requests import parse_json
from .schemas import ErrorEnvelope, SearchRequest, SearchResponse

bp = Blueprint("search", __name__)
_local = search_cache.LocalLRU(get_settings().search_l0_entries)


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


def _answer(results: list[dict], layer: str, started: float):
    took = time.perf_counter() - started
    CACHE_LOOKUPS.labels(layer, "hit").inc()
    LAYER_SECONDS.labels(layer).observe(took)
    return ({"results": results, "layer": layer, "took_ms": round(took * 1000, 3)}, 200,
            {"X-Cache-Layer": layer})


@bp.post("/v1/search")
@require("memories:read")
@documented(json=SearchRequest, resp={"HTTP_200": SearchResponse, "HTTP_401": ErrorEnvelope,
                                      "HTTP_422": ErrorEnvelope, "HTTP_503": ErrorEnvelope},
            tags=["search"])
def search():
    """A user's active facts for a query, from the fastest layer that has the answer."""
    started = time.perf_counter()
    req = parse_json(SearchRequest)
    tenant, user_id = g.tenant, req.user_id
    version = cache.get_version(tenant, user_id)
    qhash = search_cache.query_hash(req.query, req.limit, req.categories)
    l0_key = (tenant, user_id, version, qhash)
    hit = _local.get(l0_key)
    if hit is not None:
        return _answer(hit, "L0", started)
    CACHE_LOOKUPS.labels("L0", "miss").inc()
    l1_key = search_cache.l1_key(tenant, user_id, version, qhash)
    hit = search_cache.l1_get(l1_key)
    if hit is not None:
        _local.put(l0_key, hit)
        return _answer(hit, "L1", started)
    CACHE_LOOKUPS.labels("L1", "miss").inc()

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
    search_cache.l1_put(l1_key, results, get_settings().search_cache_ttl)
    _local.put(l0_key, results)
    return _answer(results, layer, started)
