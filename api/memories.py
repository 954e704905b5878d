"""Memories: extraction jobs, given facts, listing and deletion."""
from __future__ import annotations

import hashlib
import uuid

from flask import Blueprint, g, request, url_for

from pika_mem.facts.pii import mask_pii
from pika_mem.ledger import audit, jobs
from pika_mem.ledger import facts as ledger
from pika_mem.read import versions

from .auth import require
from .broker import enqueue
from .errors import ApiError
from .openapi import documented
from .requests import parse_json, parse_query, path_user_id
from .schemas import (Deleted, ErrorEnvelope, ExtractRequest, FactsPage, FactsRequest, JobAccepted,
                      ListQuery, map_strings)

bp = Blueprint("memories", __name__)
_ERRORS = {"HTTP_400": ErrorEnvelope, "HTTP_401": ErrorEnvelope, "HTTP_403": ErrorEnvelope,
           "HTTP_413": ErrorEnvelope, "HTTP_422": ErrorEnvelope, "HTTP_503": ErrorEnvelope}


def _fingerprint(kind: str, req) -> str:
    """What an Idempotency-Key promises: this endpoint, this child, this body."""
    return hashlib.sha256(f"{kind}\n{req.model_dump_json()}".encode()).hexdigest()


def _accept(kind: str, req, payload: dict, count: int, session_id=None, metadata=None):
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (1 <= len(key) <= 255 and key.isprintable()):
        raise ApiError(422, "invalid_fields", "Idempotency-Key must be 1-255 printable characters.",
                       {"fields": [{"field": "Idempotency-Key", "message": "1-255 printable characters"}]})
    try:
        job, created = jobs.create_job(
            tenant=g.tenant, user_id=req.user_id, kind=kind, payload=payload, session_id=session_id,
            metadata=metadata, idempotency_key=key, request_id=g.get("request_id"),
            messages_count=count, fingerprint=_fingerprint(kind, req) if key else None)
    except jobs.IdempotencyConflict as exc:
        raise ApiError(409, "idempotency_key_reused",
                       "This Idempotency-Key was already used for a different request.",
                       {"job_id": exc.job_id})
    if created:
        enqueue("extraction.extract_facts", [str(job["id"])])
    body = {"job_id": str(job["id"]), "status": job["status"],
            "status_url": url_for("jobs.get_job", job_id=str(job["id"]))}
    return body, 202, {"Location": body["status_url"]}


@bp.post("/v1/memories/extract")
@require("memories:write")
@documented(json=ExtractRequest, resp={"HTTP_202": JobAccepted, "HTTP_409": ErrorEnvelope, **_ERRORS},
            tags=["memories"])
def extract():
    """Accept a conversation; facts are extracted asynchronously (202 + job)."""
    req = parse_json(ExtractRequest)
    # PII never reaches a store, not even the job row: messages, session id, metadata.
    messages = [{"role": m.role, "content": mask_pii(m.content)} for m in req.messages]
    return _accept("extract", req, {"messages": messages}, len(messages),
                   mask_pii(req.session_id) if req.session_id else None,
                   map_strings(mask_pii, req.metadata))


@bp.post("/v1/memories")
@require("memories:write")
@documented(json=FactsRequest, resp={"HTTP_202": JobAccepted, "HTTP_409": ErrorEnvelope, **_ERRORS},
            tags=["memories"])
def add_facts():
    """Store facts the caller already has, through the pipeline without extraction."""
    req = parse_json(FactsRequest)
    facts = []
    for f in req.facts:
        item = f.model_dump(exclude_none=True)
        item["text"] = mask_pii(item["text"])
        if "object" in item:
            item["object"] = mask_pii(item["object"])
        facts.append(item)
    return _accept("facts", req, {"facts": facts}, 0)


def _fact_out(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        out[k] = v.isoformat() if hasattr(v, "isoformat") else (str(v) if k in (
            "id", "superseded_by", "source_job") and v is not None else v)
    return out


@bp.get("/v1/users/<user_id>/memories")
@require("memories:read")
@documented(query=ListQuery, resp={"HTTP_200": FactsPage, **_ERRORS}, tags=["memories"])
def list_memories(user_id: str):
    """A user's active facts, newest first; ?include=history adds superseded ones."""
    user_id = path_user_id(user_id)
    q = parse_query(ListQuery)
    try:
        rows, cursor = ledger.list_facts(g.tenant, user_id, include_history=q.include == "history",
                                         limit=q.limit, cursor=q.cursor)
    except ledger.BadCursor:
        raise ApiError(400, "bad_cursor", "cursor is not a next_cursor this service returned.",
                       {"field": "cursor"})
    return {"user_id": user_id, "memories": [_fact_out(r) for r in rows], "next_cursor": cursor}


@bp.delete("/v1/memories/<memory_id>")
@require("memories:write")
@documented(resp={"HTTP_200": Deleted, "HTTP_404": ErrorEnvelope, **_ERRORS}, tags=["memories"])
def delete_memory(memory_id: str):
    """Remove one fact from Postgres now, then from Qdrant, the graph and caches."""
    try:
        memory_id = str(uuid.UUID(memory_id))
    except ValueError:
        raise ApiError(404, "not_found", "No such memory.")
    row = ledger.delete_fact(g.tenant, memory_id)
    if row is None:
        raise ApiError(404, "not_found", "No such memory.")
    audit.record(g.tenant, g.api_key["id"], "memory.delete", memory_id)
    # Caches go stale now; the vector follows through worker-memory.
    versions.bump_version(g.tenant, row["user_id"])
    enqueue("embedding.delete_facts", [g.tenant, row["user_id"], [memory_id]])
    return {"id": memory_id, "deleted": True}
