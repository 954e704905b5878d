"""Rebuild the derived stores (vector index, graph) from the Postgres ledger.

Per user: the active facts are upserted into the vector store (point id = fact id)
and merged into the graph; points and relationships whose fact is no longer active
(superseded, deleted) are removed; then the user's version tag is bumped (cached
answers go stale) and the favourites summary is recomputed for the new version.

With the embedded Qdrant Edge store this process opens the store itself, which
only one process may do: it refuses while worker-memory holds the lock.
"""
from __future__ import annotations

from . import cache, favorites, ledger
from .config import get_settings
from .vectorstores import StoreLockedError

LOCKED_HINT = ("the embedded vector store is open in another process (worker-memory): "
               "stop worker-memory or set QDRANT_URL to a Qdrant server, then rerun")


class StoreBusy(RuntimeError):
    """The embedded store's lock is held elsewhere."""


def _locked(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, StoreLockedError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def open_stores() -> bool:
    """Open the vector store (and check the graph) before any work; True if graph on."""
    from . import graph, memory_store
    try:
        memory_store.get_memory()
    except Exception as exc:
        if _locked(exc):
            raise StoreBusy(f"{LOCKED_HINT} ({exc})") from exc
        raise
    return graph.enabled()


def close_stores() -> None:
    from . import graph, memory_store
    memory_store.close()  # flushes the store and releases its lock
    graph.close()


def flush() -> None:
    from . import memory_store
    memory_store.flush()


def _store_view(row: dict) -> dict:
    return {"id": str(row["id"]), "text": row["text"], "category": row["category"],
            "predicate": row["predicate"], "object": row["object"],
            "polarity": row["polarity"], "importance": row["importance"],
            "created_at": row["created_at"].isoformat()}


def _not_active_now(ids: set[str]) -> list[str]:
    """Of these ids, those whose ledger row is gone or closed (re-read: a fact that
    became active since this user's facts were read is kept)."""
    if not ids:
        return []
    active = {str(r["id"]) for r in ledger.get_facts(sorted(ids)) if ledger.is_active(r)}
    return sorted(ids - active)


def _graph_fact_ids(tenant: str, user_id: str) -> set[str]:
    from . import graph
    with graph.get_driver().session(database=get_settings().graph_database) as session:
        def work(tx):
            return [r["fid"] for r in tx.run(
                "MATCH (:Child {tenant_id: $tenant, user_id: $user_id})-[r]->(:Thing) "
                "RETURN r.fact_id AS fid", tenant=tenant, user_id=user_id)]
        return {str(f) for f in session.execute_read(work) if f}


def reindex_user(tenant: str, user_id: str, use_graph: bool) -> dict:
    from . import graph, memory_store
    active = [_store_view(r) for r in ledger.active_facts(tenant, user_id)]
    active_ids = {f["id"] for f in active}
    memory_store.add_facts(tenant, user_id, active)
    scope = {"user_id": memory_store.scope_user_id(user_id), "tenant_id": tenant}
    points = set(memory_store.get_memory().vector_store.ids(scope))
    stale_points = _not_active_now(points - active_ids)
    if stale_points:
        memory_store.delete_facts(tenant, user_id, stale_points)
    stale_rels: list[str] = []
    if use_graph:
        graph.upsert_facts(tenant, user_id, active)
        stale_rels = _not_active_now(_graph_fact_ids(tenant, user_id) - active_ids)
        for fid in stale_rels:
            graph.delete_fact(tenant, user_id, fid)
    cache.bump_version(tenant, user_id)
    favorites.refresh_summary(tenant, user_id)
    return {"active": len(active), "removed_points": len(stale_points),
            "removed_relations": len(stale_rels)}
