"""Per-user views: the favourites summary."""
from __future__ import annotations

import time

from flask import Blueprint, g

from pika_mem.db import get_engine
from pika_mem.ledger import audit
from pika_mem.ledger import facts as ledger
from pika_mem.read import favorites, versions

from .broker import enqueue
from .auth import require
from .openapi import documented
from .requests import parse_query, path_user_id
from .schemas import ErrorEnvelope, FavoritesQuery, FavoritesResponse, UserDeleted

bp = Blueprint("users", __name__)


@bp.get("/v1/users/<user_id>/favorites")
@require("memories:read")
@documented(query=FavoritesQuery, resp={"HTTP_200": FavoritesResponse, "HTTP_401": ErrorEnvelope,
                                         "HTTP_422": ErrorEnvelope}, tags=["users"])
def get_favorites(user_id: str):
    """The materialized summary: Redis, then Postgres, else computed from the ledger
    (and a refresh is queued so the next read is warm). ?categories=pet,food narrows it."""
    started = time.perf_counter()
    user_id = path_user_id(user_id)
    wanted = parse_query(FavoritesQuery).category_list()
    record, layer = favorites.read_summary(g.tenant, user_id)
    if record is None:
        record = {"summary": favorites.compute_summary(ledger.active_facts(g.tenant, user_id)),
                  "version": versions.get_version(g.tenant, user_id), "last_updated": None}
        layer = "computed"
        enqueue("favorites.refresh_summary", [g.tenant, user_id])
    body = record["summary"]

    def narrow(group: dict) -> dict:
        return {c: v for c, v in group.items() if not wanted or c in wanted}
    return {"user_id": user_id, "summary": narrow(body["summary"]),
            "dislikes": narrow(body["dislikes"]), "profile": narrow(body["profile"]),
            "version": record["version"],
            "last_updated": record["last_updated"], "layer": layer,
            "took_ms": round((time.perf_counter() - started) * 1000, 2)}


@bp.delete("/v1/users/<user_id>")
@require("admin")
@documented(resp={"HTTP_200": UserDeleted, "HTTP_401": ErrorEnvelope, "HTTP_403": ErrorEnvelope,
                  "HTTP_422": ErrorEnvelope}, tags=["users"])
def delete_user(user_id: str):
    """Forget a child: facts, summary and jobs now (Postgres), vectors, graph and mem0
    history through worker-memory, caches by a version bump. Idempotent."""
    user_id = path_user_id(user_id)
    with get_engine().begin() as conn:
        counts = ledger.delete_user(g.tenant, user_id, conn)
        audit.record(g.tenant, g.api_key["id"], "user.delete", user_id, conn)
    versions.bump_version(g.tenant, user_id)
    enqueue("embedding.delete_user", [g.tenant, user_id])
    return {"user_id": user_id, "deleted": counts}
