"""Queue embedding (worker-memory): vectors and graph for facts, deletions."""
from __future__ import annotations

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from pika_mem import pipeline

from .app import app


# Out of time is not retried: the job fails naming the limit (pipeline.fail_job).
@app.task(name="embedding.embed_facts", acks_late=True, autoretry_for=(Exception,),
          dont_autoretry_for=(SoftTimeLimitExceeded, TimeLimitExceeded),
          retry_backoff=True, retry_backoff_max=30, max_retries=5)
def embed_facts(tenant: str, user_id: str, fact_ids: list[str]) -> int:
    """One chord batch: returns how many active facts were written."""
    return pipeline.embed_facts(tenant, user_id, fact_ids)


@app.task(name="embedding.delete_facts", acks_late=True, autoretry_for=(Exception,),
          retry_backoff=True, max_retries=10)
def delete_facts(tenant: str, user_id: str, fact_ids: list[str]) -> int:
    """Remove deleted facts from the vector store and graph, then bump the version."""
    from pika_mem import cache, favorites, graph, memory_store
    memory_store.delete_facts(tenant, user_id, fact_ids)
    if graph.enabled():
        for fid in fact_ids:
            graph.delete_fact(tenant, user_id, fid)
    cache.bump_version(tenant, user_id)
    favorites.refresh_summary(tenant, user_id)
    return len(fact_ids)


@app.task(name="embedding.delete_user", acks_late=True, autoretry_for=(Exception,),
          retry_backoff=True, max_retries=10)
def delete_user(tenant: str, user_id: str) -> int:
    """A forgotten child leaves the vector store, mem0's history and the graph."""
    from pika_mem import graph, memory_store
    n = memory_store.delete_user(tenant, user_id)
    if graph.enabled():
        graph.delete_user(tenant, user_id)
    return n
