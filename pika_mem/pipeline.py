"""The write path's stages, as plain functions the Celery tasks call.

Each stage re-reads Postgres and is safe to run twice (acks_late redelivery,
the reaper re-enqueueing a job whose first kickoff did arrive after all).
"""
from __future__ import annotations

import logging

from sqlalchemy import func, select, update

from pika_mem.db import get_engine
from pika_mem.facts.extraction import extract_facts
from pika_mem.facts.model import ExtractedFact, FAVORITE_CATEGORIES
from pika_mem.ledger import job_metrics, jobs
from pika_mem.ledger import facts as ledger
from pika_mem.ledger.tables import jobs as jobs_table
from pika_mem.read import favorites, versions

log = logging.getLogger(__name__)


def given_facts(items: list[dict]) -> list[ExtractedFact]:
    """Facts a caller already has (POST /v1/memories): trust given fields, fill the rest."""
    out = []
    for item in items:
        text = item["text"]
        if item.get("category"):
            category = item["category"]
            polarity = item.get("polarity") or "+"
            predicate = category if category not in FAVORITE_CATEGORIES else (
                "likes" if polarity == "+" else "dislikes")
            out.append(ExtractedFact(
                category=category, predicate=predicate, object=item.get("object") or text,
                polarity=polarity, importance=item.get("importance") or 3, text=text,
                lang=item.get("lang") or "en", source="given"))
            continue
        found = extract_facts([{"role": "user", "content": text}])
        if found:
            out.extend(found)
        else:
            # Not something the rules understand: keep it as a note, searchable.
            out.append(ExtractedFact(category="note", predicate="note", object=text,
                                     importance=item.get("importance") or 2, text=text,
                                     lang=item.get("lang") or "en", source="given"))
    return out


def extract_job(job_id: str) -> dict | None:
    """Stage 1: extract, then write the ledger in one short transaction with the job row.

    The extraction itself (the slow part, bounded by the task's time limit) runs with no
    transaction open, so a slow or interrupted one holds no lock on the job row. Returns
    what the embedding stage needs; None when the job is gone or finished.
    """
    # Visible progress for GET /v1/jobs (one small autocommit, before the real work).
    jobs.set_status(job_id, "extracting", only_from=("queued",))
    job = jobs.get_job(job_id)
    if job is None or job["status"] in ("completed", "failed"):
        return None
    # fact_ids, once written, are never cleared: a rerun reuses them.
    facts = _facts_of(job) if job["fact_ids"] is None else None
    with get_engine().begin() as conn:
        job = conn.execute(select(jobs_table).where(jobs_table.c.id == job_id)
                           .with_for_update()).mappings().first()
        if job is None or job["status"] in ("completed", "failed"):
            return None
        values = {"status": "embedding", "updated_at": func.now(),
                  "embedding_at": func.coalesce(jobs_table.c.embedding_at, func.now())}
        fact_ids = job["fact_ids"]
        if fact_ids is None:  # else a concurrent run of this job wrote them first
            result = ledger.upsert_facts(job["tenant_id"], job["user_id"],
                                         facts if facts is not None else _facts_of(job),
                                         job_id, conn)
            fact_ids = result.fact_ids + [i for i in result.superseded_ids
                                          if i not in result.fact_ids]
            values.update(fact_ids=fact_ids, facts_extracted=len(result.fact_ids),
                          facts_new=len(result.new_ids),
                          facts_superseded=len(result.superseded_ids))
        # A rerun of a stalled job starts its chord again (embedding and finishing are
        # idempotent); its clock restarts so the reaper does not fire again at once.
        conn.execute(update(jobs_table).where(jobs_table.c.id == job_id).values(**values))
    log.info("job extracted", extra={"job_id": job_id, "facts": len(fact_ids)})
    return {"tenant": job["tenant_id"], "user_id": job["user_id"], "fact_ids": list(fact_ids)}


def _facts_of(job: dict) -> list[ExtractedFact]:
    payload = job["payload"] or {}
    if job["kind"] == "extract":
        return extract_facts(payload.get("messages", []))
    return given_facts(payload.get("facts", []))


def embed_facts(tenant: str, user_id: str, fact_ids: list[str]) -> int:
    """Stage 2 (worker-memory): the derived stores follow the ledger for these facts."""
    from pika_mem.index import sync
    return sync.sync_facts(tenant, user_id, fact_ids)["active"]


def finish_job(job_id: str) -> dict | None:
    """Chord callback: new version, fresh summary, job completed. Re-reads Postgres.

    The version is bumped before the commit that makes the job completed, so once a
    caller sees `completed`, no cache can serve the state before it.
    """
    job = jobs.get_job(job_id)
    if job is None or job["status"] in ("completed", "failed"):
        return None
    tenant, user_id = job["tenant_id"], job["user_id"]
    jobs.set_status(job_id, "finishing", only_from=("embedding",))
    version = versions.bump_version(tenant, user_id)
    with get_engine().begin() as conn:
        locked = conn.execute(select(jobs_table.c.status).where(jobs_table.c.id == job_id)
                              .with_for_update()).scalar()
        if locked in ("completed", "failed", None):
            return None
        record = favorites.upsert_summary(conn, tenant, user_id, version)
        # The raw messages were only kept until processed.
        done = conn.execute(update(jobs_table).where(jobs_table.c.id == job_id).values(
            status="completed", payload=None, updated_at=func.now(),
            completed_at=func.now(), facts_embedded=len(job["fact_ids"] or []))
            .returning(*(jobs_table.c[c] for c in ("created_at", "extracting_at", "embedding_at",
                                                   "finishing_at", "completed_at")))).mappings().one()
    job_metrics.count_finished("completed", stage_seconds=job_metrics.stage_seconds(done))
    favorites.warm(tenant, user_id, record)
    log.info("job completed", extra={"job_id": job_id, "version": version})
    return {"job_id": job_id, "version": version}
