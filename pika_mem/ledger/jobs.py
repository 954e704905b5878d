"""Jobs: the row the API commits before anything is enqueued, and its life."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert

from pika_mem.db import get_engine
from pika_mem.ledger import job_metrics
from pika_mem.ledger.tables import jobs

STATUSES = ("queued", "extracting", "embedding", "finishing", "completed", "failed")
ACTIVE = ("queued", "extracting", "embedding", "finishing")  # not finished yet
_STAGE_COLUMN = {"extracting": "extracting_at", "embedding": "embedding_at",
                 "finishing": "finishing_at", "completed": "completed_at"}


def now() -> datetime:
    return datetime.now(timezone.utc)


class IdempotencyConflict(Exception):
    """The key was first used with another request (endpoint, child or body)."""

    def __init__(self, job_id: str):
        super().__init__(job_id)
        self.job_id = job_id


def create_job(*, tenant: str, user_id: str, kind: str, payload: dict, session_id=None,
               metadata=None, idempotency_key=None, request_id=None,
               messages_count: int = 0, fingerprint: str | None = None) -> tuple[dict, bool]:
    """Insert a queued job; with an idempotency key, return the first job instead —
    only for the same request (same fingerprint), else IdempotencyConflict.

    Returns (job row, created).
    """
    job_id = str(uuid.uuid4())
    row = dict(id=job_id, tenant_id=tenant, user_id=user_id, kind=kind, status="queued",
               session_id=session_id, idempotency_key=idempotency_key,
               request_id=request_id, payload=payload, metadata=metadata,
               messages_count=messages_count, request_fingerprint=fingerprint)
    stmt = insert(jobs).values(**row)
    if idempotency_key:
        stmt = stmt.on_conflict_do_nothing(constraint="uq_jobs_tenant_idempotency")
    with get_engine().begin() as conn:
        created = conn.execute(stmt.returning(*jobs.c)).mappings().first()
        if created is None:
            existing = conn.execute(select(jobs).where(
                jobs.c.tenant_id == tenant, jobs.c.idempotency_key == idempotency_key)).mappings().one()
            known = existing["request_fingerprint"]  # None on rows older than fingerprints
            if (known is not None and known != fingerprint) or existing["user_id"] != user_id \
                    or existing["kind"] != kind:
                raise IdempotencyConflict(str(existing["id"]))
            return dict(existing), False
    return dict(created), True


def get_job(job_id: str, tenant: str | None = None) -> dict | None:
    try:
        uuid.UUID(job_id)
    except ValueError:
        return None
    q = select(jobs).where(jobs.c.id == job_id)
    if tenant is not None:
        q = q.where(jobs.c.tenant_id == tenant)
    with get_engine().connect() as conn:
        row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def set_status(job_id: str, status: str, *, only_from: tuple[str, ...] | None = None,
               **values) -> bool:
    """Move a job to a stage, stamping the stage time once; False if the guard refused."""
    assert status in STATUSES
    values = dict(values, status=status, updated_at=now())
    column = _STAGE_COLUMN.get(status)
    stmt = update(jobs).where(jobs.c.id == job_id)
    if column:
        stmt = stmt.values(**{column: text(f"COALESCE({column}, now())")})
    if only_from:
        stmt = stmt.where(jobs.c.status.in_(only_from))
    with get_engine().begin() as conn:
        return conn.execute(stmt.values(**values)).rowcount > 0


def mark_failed(job_id: str, error: str) -> bool:
    """A clear reason, never overwriting a completed or already failed job (the first
    reason stays); False when the job was not moved."""
    moved = set_status(job_id, "failed", only_from=ACTIVE, error=error[:2000])
    if moved:
        job_metrics.count_finished("failed")
    return moved


@dataclass(frozen=True)
class Claimed:
    requeue: list[str]   # to enqueue again (their attempt is counted)
    given_up: list[str]  # failed: past the maximum number of attempts


def claim_stuck_jobs(stuck_seconds: float, stalled_seconds: float, max_attempts: int,
                     limit: int = 500) -> Claimed:
    """The reaper's pick, with backoff per job. A job queued (base `stuck_seconds`) or
    stalled mid-pipeline (base `stalled_seconds`) without a change for longer than
    base × 2^attempts is due: it is re-enqueued once more, its attempt counted, or, with
    `max_attempts` already made, failed with an error saying so. One transaction; rows
    another transaction holds are skipped, not waited for."""
    with get_engine().begin() as conn:
        rows = conn.execute(text("""
            WITH due AS (
                SELECT id, enqueue_attempts >= :max AS give_up FROM jobs
                WHERE status = ANY(:active)
                  AND updated_at < now() - make_interval(secs => :floor)
                  AND updated_at < now() - make_interval(secs =>
                      CASE WHEN status = 'queued' THEN :stuck ELSE :stalled END
                      * power(2, LEAST(enqueue_attempts, 30)))
                ORDER BY updated_at LIMIT :n
                FOR UPDATE SKIP LOCKED)
            UPDATE jobs j SET
                status = CASE WHEN due.give_up THEN 'failed' ELSE j.status END,
                error = CASE WHEN due.give_up THEN format(
                    'the reaper gave up after %s enqueue attempts (stuck in %L)',
                    j.enqueue_attempts, j.status) ELSE j.error END,
                enqueue_attempts = j.enqueue_attempts + CASE WHEN due.give_up THEN 0 ELSE 1 END,
                updated_at = now()
            FROM due WHERE j.id = due.id
            RETURNING j.id, due.give_up"""),
            {"active": list(ACTIVE), "max": max_attempts, "stuck": float(stuck_seconds),
             "stalled": float(stalled_seconds),
             "floor": float(min(stuck_seconds, stalled_seconds)), "n": limit}).all()
    given_up = [str(r.id) for r in rows if r.give_up]
    if given_up:
        job_metrics.count_finished("failed", len(given_up))
    return Claimed([str(r.id) for r in rows if not r.give_up], given_up)


def _older_than(statuses: tuple[str, ...], seconds: int, limit: int) -> list[str]:
    with get_engine().connect() as conn:
        rows = conn.execute(text(
            "SELECT id FROM jobs WHERE status = ANY(:st) "
            "AND updated_at < now() - make_interval(secs => :s) ORDER BY created_at LIMIT :n"),
            {"st": list(statuses), "s": seconds, "n": limit}).scalars().all()
    return [str(r) for r in rows]


def stuck_jobs(older_than_seconds: int, limit: int = 500) -> list[str]:
    """Jobs still queued after a while: their kickoff was lost (broker down) or never ran."""
    return _older_than(("queued",), older_than_seconds, limit)


def stalled_jobs(older_than_seconds: int, limit: int = 500) -> list[str]:
    """Jobs started but not moving: a message lost between the broker and a killed
    worker (Redis BRPOP is not atomic with kombu's unacked bookkeeping)."""
    return _older_than(("extracting", "embedding", "finishing"), older_than_seconds, limit)


def describe(job: dict) -> dict:
    """The public view of a job: status, counts, per-stage timings, error."""
    def ms(a, b):
        if job.get(a) and job.get(b):
            return round((job[b] - job[a]).total_seconds() * 1000, 1)
        return None
    return {
        "job_id": str(job["id"]),
        "user_id": job["user_id"],
        "kind": job["kind"],
        "status": job["status"],
        "counts": {
            "messages": job["messages_count"],
            "facts_extracted": job["facts_extracted"],
            "facts_new": job["facts_new"],
            "facts_superseded": job["facts_superseded"],
            "facts_embedded": job["facts_embedded"],
        },
        "timings_ms": {
            "queued": ms("created_at", "extracting_at"),
            "extracting": ms("extracting_at", "embedding_at"),
            "embedding": ms("embedding_at", "finishing_at"),
            "finishing": ms("finishing_at", "completed_at"),
            "total": ms("created_at", "completed_at"),
        },
        "error": job["error"],
        "created_at": job["created_at"].isoformat(),
        "updated_at": job["updated_at"].isoformat(),
    }
