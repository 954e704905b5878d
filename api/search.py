"""Search: the read path the companion calls before every reply."""
from __future__ import annotations

import time

from celery.exceptions import TimeoutError as CeleryTimeout
from flask import Blueprint, g

from pika_mem.config import get_settings
from tasks.app import app as celery_app

from .auth import require
from .errors import ApiError
from .openapi import documented
from .requests import parse_json
from .schemas import ErrorEnvelope, SearchRequest, SearchResponse

bp = Blueprint("search", __name__)


@bp.post("/v1/search")
@require("memories:read")
@documented(json=SearchRequest, resp={"HTTP_200": SearchResponse, "HTTP_422": ErrorEnvelope,
                                      "HTTP_503": ErrorEnvelope}, tags=["search"])
def search():
    """Semantic search over a user's active facts (RPC to worker-memory)."""
    req = parse_json(SearchRequest)
    started = time.perf_counter()
    deadline = get_settings().search_timeout_seconds
    result = celery_app.send_task(
        "search.search_memories",
        args=[g.tenant, req.user_id, req.query, req.limit, req.categories],
        expires=deadline)
    try:
        hits = result.get(timeout=deadline, propagate=True)
    except CeleryTimeout:
        result.forget()
        raise ApiError(503, "search_unavailable",
                       f"The search worker did not answer within {deadline:g} s.",
                       {"dependency": "worker-memory"}, {"Retry-After": "2"})
    took = round((time.perf_counter() - started) * 1000, 2)
    return {"results": hits, "layer": "L4", "took_ms": took}, 200, {"X-Cache-Layer": "L4"}
