"""Rebuild the derived stores (vector index, graph) from the Postgres ledger.

Per user: the active facts are upserted into the vector store (point id = fact id)
and merged into the graph; points and relationships whose fact is no longer active
(superseded, deleted) are removed; then the user's version tag is bumped (cached
answers go stale) and the favourites summary is recomputed for the new version.

With the embedded Qdrant Edge store this process opens the store itself, which
only one process may do: it refuses while worker-memory holds the lock.
"""
from __future__ import annotations

from pika_mem.index.vectorstores import StoreLockedError
from pika_mem.read import favorites, versions

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
    from pika_mem.index import graph, vectors
    try:
        vectors.get_memory()
    except Exception as exc:
        if _locked(exc):
            raise StoreBusy(f"{LOCKED_HINT} ({exc})") from exc
        raise
    return graph.enabled()


def close_stores() -> None:
    from pika_mem.index import graph, vectors
    vectors.close()  # flushes the store and releases its lock
    graph.close()


def flush() -> None:
    from pika_mem.index import vectors
    vectors.flush()


def reindex_user(tenant: str, user_id: str, use_graph: bool) -> dict:
    """Rebuild one child's derived stores from the ledger, then stale its caches."""
    from pika_mem.index import sync
    result = sync.reindex_user(tenant, user_id, use_graph)
    versions.bump_version(tenant, user_id)
    favorites.refresh_summary(tenant, user_id)
    return result
