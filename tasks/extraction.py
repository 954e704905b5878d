"""Queue extraction: messages → facts → ledger, then the embedding chord."""
from __future__ import annotations

import logging

from celery import chord

from pika_mem import pipeline
from pika_mem.config import get_settings
from pika_mem.ledger import jobs

from .app import app
from .limits import time_limit_in

log = logging.getLogger(__name__)


@app.task(name="extraction.extract_facts", acks_late=True, autoretry_for=(OSError,),
          retry_backoff=True, max_retries=5, job_stage="extraction")
def extract_facts(job_id: str) -> dict | None:
    """Kickoff: extract, write the ledger, fan the facts out to embedding batches."""
    from .embedding import embed_facts
    from .pipeline import fail_job, finish_job

    try:
        plan = pipeline.extract_job(job_id)
    except Exception as exc:  # a bug or bad data: say so on the job, do not loop
        if time_limit_in(exc) is not None:
            raise  # the job is failed naming the limit (LimitedTask.on_failure)
        if not isinstance(exc, OSError):
            jobs.mark_failed(job_id, f"extraction failed: {type(exc).__name__}: {exc}")
        raise
    if plan is None:
        return None
    size = get_settings().embedding_batch_size
    ids = plan["fact_ids"]
    callback = finish_job.si(job_id).on_error(fail_job.s(job_id=job_id))
    if not ids:
        callback.apply_async()
        return {"job_id": job_id, "batches": 0}
    header = [embed_facts.si(plan["tenant"], plan["user_id"], ids[i:i + size])
              for i in range(0, len(ids), size)]
    chord(header)(callback)
    return {"job_id": job_id, "batches": len(header)}


@app.task(name="extraction.requeue_stuck_jobs", acks_late=True)
def requeue_stuck_jobs(older_than_seconds: int | None = None) -> int:
    """Beat: re-enqueue jobs still queued (their kickoff was lost, e.g. broker down) and
    jobs stalled mid-pipeline (every stage is idempotent, so a rerun is harmless), each
    after twice the wait of its previous attempt; fail those past REAPER_MAX_ATTEMPTS.
    Returns how many were re-enqueued."""
    s = get_settings()
    if older_than_seconds is None:
        older_than_seconds = s.reaper_stuck_seconds
    due = jobs.claim_stuck_jobs(older_than_seconds, s.reaper_stalled_seconds,
                                s.reaper_max_attempts)
    for job_id in due.requeue:
        extract_facts.apply_async(args=[job_id])
    if due.requeue:
        log.warning("re-enqueued stuck jobs", extra={"count": len(due.requeue)})
    if due.given_up:
        log.error("gave up on stuck jobs", extra={"count": len(due.given_up),
                                                  "attempts": s.reaper_max_attempts})
    return len(due.requeue)
