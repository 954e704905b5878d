"""Chord callbacks of the write path (routed to worker-maintenance)."""
from __future__ import annotations

from pika_mem import pipeline
from pika_mem.ledger import jobs

from .app import app


@app.task(name="pipeline.finish_job", acks_late=True, autoretry_for=(OSError,),
          retry_backoff=True, max_retries=5, job_stage="finishing")
def finish_job(job_id: str) -> dict | None:
    """Bump the version, refresh favourites, mark completed; safe to run twice."""
    return pipeline.finish_job(job_id)


@app.task(name="pipeline.fail_job")
def fail_job(request, exc=None, traceback=None, job_id: str | None = None) -> None:
    """Chord error callback: the job is failed with the reason (which stage ran out of
    time, when one did)."""
    from .limits import failure_reason
    reason = failure_reason(getattr(request, "task", None) or "", exc)
    if reason is None:
        reason = f"{type(exc).__name__}: {exc}" if exc is not None else "a pipeline task failed"
    jobs.mark_failed(job_id, reason)
