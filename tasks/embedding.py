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
    """Deleted facts leave the vector store and graph, then the version is bumped."""
    from pika_mem.index import sync
    from pika_mem.read import favorites, versions
    sync.sync_facts(tenant, user_id, fact_ids)
    versions.bump_version(tenant, user_id)
    favorites.refresh_summary(tenant, user_id)
    return len(fact_ids)


@app.task(name="embedding.delete_user", acks_late=True, autoretry_for=(Exception,),
          retry_backoff=True, max_retries=10)
def delete_user(tenant: str, user_id: str) -> int:
    """A forgotten child leaves the vector store, mem0's history and the graph."""
    from pika_mem.index import sync
    return sync.forget_user(tenant, user_id)
