"""The semantic index: mem0 (`Memory`, infer=False) over Qdrant Edge or a Qdrant server.

One `PikaMemory` per process (worker-memory), built from settings by `get_memory()`:
- embedder: our `Embedder` (local MiniLM, L3 cache in Redis) replaces mem0's;
- LLM: a placeholder openai config mem0 insists on; never called (infer=False);
- vector store: provider "pika_edge" (default, `<data_dir>/qdrant-edge/<collection>`)
  or "pika_qdrant" (settings.qdrant_url), registered in mem0's VectorStoreFactory;
- history: mem0's SQLite at `<data_dir>/mem0/history.db`.

Point id = the fact id (deterministic uuid5), so adding a fact twice upserts one point.
Every point carries tenant_id and user_id; every read and delete filters on both.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Iterable, Optional

from pika_mem.config import get_settings, Settings
from pika_mem.index.embedder import get_embedder, Embedder
from pika_mem.index.mem0_adapter import (PikaMemory, build_config, disable_mem0_nlp, scope_filter,
                                         scope_user_id)
from pika_mem.index.vectorstores import register_with_mem0

log = logging.getLogger(__name__)

__all__ = ["PikaMemory", "build_config", "scope_user_id", "get_memory", "open_memory",
           "add_facts", "search", "delete_facts", "delete_user", "count", "flush", "close"]


def open_memory(settings: Optional[Settings] = None, embedder: Optional[Embedder] = None) -> PikaMemory:
    """A new PikaMemory (takes the Edge lock). Most callers want `get_memory()`."""
    settings = settings or get_settings()
    register_with_mem0()
    disable_mem0_nlp()
    if embedder is None:
        embedder = get_embedder() if settings is get_settings() else Embedder(settings)
    memory = PikaMemory(build_config(settings), embedder)
    # mem0's history is derived from the Postgres ledger: WAL without an fsync per add.
    with memory.db._lock:
        memory.db.connection.execute("PRAGMA journal_mode=WAL")
        memory.db.connection.execute("PRAGMA synchronous=NORMAL")
    return memory


_memory: Optional[PikaMemory] = None
_memory_lock = threading.Lock()


def get_memory(settings: Optional[Settings] = None, embedder: Optional[Embedder] = None) -> PikaMemory:
    """The process-wide PikaMemory; the arguments only matter on the first call (after close())."""
    global _memory
    if _memory is None:
        with _memory_lock:
            if _memory is None:
                _memory = open_memory(settings, embedder)
    return _memory


def close() -> None:
    """Flush the store, release its lock and close mem0's SQLite; the next call reopens."""
    global _memory
    with _memory_lock:
        mem, _memory = _memory, None
    if mem is not None:
        mem.close()


# ---------------------------------------------------------------------- API
def _fact_text(fact: dict) -> str:
    return (fact.get("text") or fact.get("object") or "").strip()


def add_facts(tenant: str, user_id: str, facts: list[dict]) -> list[str]:
    """Upsert facts as points (id = fact id). Returns the ids written."""
    facts = [f for f in facts if _fact_text(f)]
    if not facts:
        return []
    mem = get_memory()
    texts = [_fact_text(f) for f in facts]
    mem.embedding_model.encode(texts)  # one batch: cache + one model call for the misses
    scoped = scope_user_id(user_id)
    written = []
    for fact, text in zip(facts, texts):
        metadata: dict[str, Any] = {
            "tenant_id": tenant,
            "fact_id": str(fact["id"]),
            "category": fact.get("category"),
            "predicate": fact.get("predicate"),
            "object": fact.get("object"),
            "polarity": fact.get("polarity", "+"),
            "importance": int(fact.get("importance") or 0),
        }
        if fact.get("created_at"):
            metadata["created_at"] = str(fact["created_at"])
        result = mem.add(text, user_id=scoped, metadata=metadata, infer=False)
        written.extend(r["id"] for r in result.get("results", []))
    return written


def search(tenant: str, user_id: str, query: str, limit: int = 10,
           categories: Optional[list[str]] = None, min_score: float = 0.0) -> list[dict]:
    """Top-`limit` facts of this tenant's user for `query`, best first."""
    if not query or not query.strip() or limit <= 0:
        return []
    filters: dict[str, Any] = scope_filter(tenant, user_id)
    if categories:
        filters["category"] = list(categories)
    mem = get_memory()
    found = mem.search(query, top_k=int(limit), filters=filters, threshold=min_score)
    out = []
    for r in found.get("results", []):
        md = r.get("metadata") or {}
        if md.get("tenant_id") != tenant or r.get("user_id") != filters["user_id"]:
            continue  # belt and braces: the filter already scoped it
        out.append({
            "id": r["id"],
            "text": r.get("memory", ""),
            "category": md.get("category"),
            "predicate": md.get("predicate"),
            "object": md.get("object"),
            "polarity": md.get("polarity"),
            "importance": md.get("importance"),
            "score": float(r.get("score") or 0.0),
            "created_at": r.get("created_at"),
        })
    return out


def delete_facts(tenant: str, user_id: str, ids: Iterable[str]) -> int:
    """Remove these facts (only if they belong to this tenant's user) and their history."""
    ids = [str(i) for i in ids]
    if not ids:
        return 0
    mem = get_memory()
    scope = scope_filter(tenant, user_id)
    owned = [p.id for p in mem.vector_store.get_many(ids)
             if (p.payload or {}).get("tenant_id") == tenant
             and (p.payload or {}).get("user_id") == scope["user_id"]]
    mem.vector_store.delete_ids(owned)
    # Ids are uuid5 over (tenant, user, …), so these history rows can only be this user's.
    mem.purge_history(set(ids))
    return len(owned)


def delete_user(tenant: str, user_id: str) -> int:
    """Purge a user: every point, and mem0's history rows (which keep deleted text)."""
    mem = get_memory()
    scope = scope_filter(tenant, user_id)
    ids = mem.vector_store.ids(scope)
    n = mem.vector_store.delete_by_filter(scope)
    mem.purge_history(ids)
    mem.purge_messages(scope["user_id"])
    mem.vector_store.flush()
    return n


def fact_ids(tenant: str, user_id: str) -> set[str]:
    """Ids of every point this tenant's child has in the vector store."""
    return {str(i) for i in get_memory().vector_store.ids(scope_filter(tenant, user_id))}


def count(tenant: str, user_id: str) -> int:
    return get_memory().vector_store.count(scope_filter(tenant, user_id))


def flush() -> None:
    if _memory is not None:
        _memory.vector_store.flush()
