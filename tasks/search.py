"""Queue search (worker-memory): L3 embedding cache + L4 mem0/Qdrant."""
from __future__ import annotations

from .app import app


# A search is an RPC the API waits on: no STARTED state (a Redis write and a wake-up
# of the waiting API process) and no task events (three messages per search, which
# cost worker-memory more CPU than the search itself; Flower shows the search
# queue's length and the worker, not each search).
@app.task(name="search.search_memories", track_started=False, send_events=False)
def search_memories(tenant: str, user_id: str, query: str, limit: int = 10,
                    categories: list[str] | None = None) -> list[dict]:
    from pika_mem.read import search
    return search.search_active(tenant, user_id, query, limit, categories)


@app.task(name="search.count_memories")
def count_memories(tenant: str, user_id: str) -> int:
    """How many vectors the store holds for a user (operators and tests)."""
    from pika_mem.index import vectors
    return vectors.count(tenant, user_id)
