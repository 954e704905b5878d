"""The one seam that writes the derived stores (vector index and graph).

Given fact ids, it makes both stores agree with the Postgres ledger: what is active is
upserted, what is superseded, deleted or expired is removed. Nothing else calls the
vector or graph writers; the pipeline, deletes, forgetting and reindex come through here.
Runs where the stores live (worker-memory, or an admin process holding the store).
"""
from __future__ import annotations

import logging
from typing import Iterable

from pika_mem.ledger import facts as ledger

log = logging.getLogger(__name__)


def store_view(row: dict) -> dict:
    """A ledger row as the stores hold it."""
    return {"id": str(row["id"]), "text": row["text"], "category": row["category"],
            "predicate": row["predicate"], "object": row["object"],
            "polarity": row["polarity"], "importance": row["importance"],
            "created_at": row["created_at"].isoformat()}


def _stores():
    from pika_mem.index import graph, vectors
    return vectors, graph


def sync_facts(tenant: str, user_id: str, fact_ids: Iterable[str]) -> dict:
    """These facts of one child, in both stores exactly as the ledger has them now."""
    vectors, graph = _stores()
    ids = sorted({str(i) for i in fact_ids})
    rows = [r for r in ledger.get_facts(ids)
            if r["tenant_id"] == tenant and r["user_id"] == user_id]
    active = [store_view(r) for r in rows if ledger.is_active(r)]
    gone = sorted(set(ids) - {a["id"] for a in active})
    if active:
        vectors.add_facts(tenant, user_id, active)
    if gone:
        vectors.delete_facts(tenant, user_id, gone)
    if graph.enabled():
        graph.upsert_facts(tenant, user_id, active)
        for fid in gone:
            graph.delete_fact(tenant, user_id, fid)
    log.info("derived stores synced", extra={"active": len(active), "removed": len(gone)})
    return {"active": len(active), "removed": len(gone)}


def forget_user(tenant: str, user_id: str) -> int:
    """Every vector, mem0 history row and graph node of a child leaves the stores."""
    vectors, graph = _stores()
    n = vectors.delete_user(tenant, user_id)
    if graph.enabled():
        graph.delete_user(tenant, user_id)
    return n


def reindex_user(tenant: str, user_id: str, use_graph: bool = True) -> dict:
    """Rebuild one child from the ledger: every active fact written, and every point or
    relationship the stores hold whose fact is no longer active removed."""
    vectors, graph = _stores()
    active = [store_view(r) for r in ledger.active_facts(tenant, user_id)]
    active_ids = {f["id"] for f in active}
    if active:
        vectors.add_facts(tenant, user_id, active)
    stale_points = _not_active_now(vectors.fact_ids(tenant, user_id) - active_ids)
    if stale_points:
        vectors.delete_facts(tenant, user_id, stale_points)
    stale_rels: list[str] = []
    if use_graph and graph.enabled():
        graph.upsert_facts(tenant, user_id, active)
        stale_rels = _not_active_now(graph.fact_ids(tenant, user_id) - active_ids)
        for fid in stale_rels:
            graph.delete_fact(tenant, user_id, fid)
    return {"active": len(active), "removed_points": len(stale_points),
            "removed_relations": len(stale_rels)}


def _not_active_now(ids: set[str]) -> list[str]:
    """Of these ids, those whose ledger row is gone or closed (re-read: a fact that
    became active since this child's facts were read is kept)."""
    if not ids:
        return []
    active = {str(r["id"]) for r in ledger.get_facts(sorted(ids)) if ledger.is_active(r)}
    return sorted(ids - active)
