"""Jobs that run out of time fail saying so and hold no lock; the reaper backs off per job
and gives up after REAPER_MAX_ATTEMPTS instead of re-driving a job forever.

The slow input is real work: a long conversation. The API caps one at ~60 long messages,
which the extractor reads in ~2 s here — too close to Celery's timer (it checks limits
once a second) for a 1 s limit to be certain to fire, and the text-handling work under
way may make it faster still. So these jobs are written directly (as a bug or a future
larger limit could), with 1,500 messages, and run by a worker started here with tiny
limits on a queue of its own, so the suite's workers never see them.
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from helpers import wait_until
from pika_mem.admin import retry_failed
from pika_mem.ledger import jobs
from tasks.app import app as celery_app

DEV = Path(__file__).resolve().parents[1] / "data" / "dev_conversations.jsonl"


def long_conversation(n_messages: int = 1500) -> list[dict]:
    turns = [m["content"] for line in DEV.read_text().splitlines()
             for m in json.loads(line)["messages"] if m["role"] == "user"]
    out, i = [], 0
    for _ in range(n_messages):
        content = ""
        while len(content) < 3900:
            content += turns[i % len(turns)] + " "
            i += 1
        out.append({"role": "user", "content": content[:4000]})
    return out


def slow_job(tenant: str) -> str:
    msgs = long_conversation()
    job, _ = jobs.create_job(tenant=tenant, user_id="kid-slow", kind="extract",
                             payload={"messages": msgs}, messages_count=len(msgs))
    return str(job["id"])


def forget_slow_job(job_id: str) -> None:
    """Whatever happened, the suite's reaper must not hand this job to its own workers."""
    jobs.mark_failed(job_id, "test over")


def lock_is_free(database, job_id: str) -> bool:
    """What an operator's UPDATE of the row needs: nobody holds it."""
    with database.connect() as conn, conn.begin():
        try:
            conn.execute(text("SELECT id FROM jobs WHERE id = :i FOR UPDATE NOWAIT"), {"i": job_id})
            return True
        except OperationalError as e:
            if "could not obtain lock" in str(e):
                return False
            raise


def limited_worker(stack, limits: str) -> tuple[str, str]:
    """A prefork extraction worker with TASK_TIME_LIMITS=limits on a queue of its own."""
    queue = f"limits-{uuid.uuid4().hex[:6]}"
    name = f"extraction-{queue}"
    stack.start_worker("extraction", extra_env={"TASK_TIME_LIMITS": limits},
                       args=["-Q", queue, "-c", "1"], as_name=name)
    return queue, name


def status_of(job_id: str) -> str:
    return jobs.get_job(job_id)["status"]


@pytest.mark.timeout(120)
def test_a_job_past_its_soft_time_limit_fails_naming_the_stage_and_holds_no_lock(stack, database,
                                                                                  tenant):
    queue, name = limited_worker(stack, "extraction=1:60")
    job_id = slow_job(tenant)
    try:
        celery_app.send_task("extraction.extract_facts", args=[job_id], queue=queue)
        seen = wait_until(lambda: (lambda s: s if s != "queued" else None)(status_of(job_id)),
                          timeout=30, interval=0.02, what="extraction started")
        assert seen == "extracting", f"extraction was over before it was seen ({seen})"
        # While it extracts, the row is not locked: an operator's UPDATE would not wait.
        assert lock_is_free(database, job_id)

        job = wait_until(lambda: (lambda j: j if j["status"] != "extracting" else None)(
            jobs.get_job(job_id)), timeout=30, what="the soft limit to stop the extraction")
        assert job["status"] == "failed", job
        assert job["error"] == "extraction hit its soft time limit (1 s) and was stopped"
        assert lock_is_free(database, job_id)
        with database.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM memories WHERE tenant_id = :t"),
                             {"t": tenant}).scalar()
        assert n == 0  # nothing half-written
        # Failed is final: the reaper does not bring it back.
        celery_app.send_task("extraction.requeue_stuck_jobs", args=[0]).get(timeout=10)
        assert status_of(job_id) == "failed"
    finally:
        stack.kill(name)
        forget_slow_job(job_id)


@pytest.mark.timeout(120)
def test_a_job_past_its_hard_time_limit_is_failed_and_the_worker_carries_on(stack, database, tenant):
    queue, name = limited_worker(stack, "extraction=0:2")  # no soft limit: only the kill
    job_id = slow_job(tenant)
    try:
        celery_app.send_task("extraction.extract_facts", args=[job_id], queue=queue)
        job = wait_until(lambda: (lambda j: j if j["status"] == "failed" else None)(
            jobs.get_job(job_id)), timeout=40, what="the hard limit to fail the job")
        assert job["error"].startswith("extraction hit its hard time limit (2 s)")
        assert lock_is_free(database, job_id)
        assert stack.procs[name].poll() is None  # the worker lives; its child was replaced

        small, _ = jobs.create_job(tenant=tenant, user_id="kid-after", kind="extract", payload={
            "messages": [{"role": "user", "content": "I have a dog named Rex."}]})
        celery_app.send_task("extraction.extract_facts", args=[str(small["id"])], queue=queue)
        done = wait_until(lambda: (lambda j: j if j["status"] in ("completed", "failed") else None)(
            jobs.get_job(str(small["id"]))), timeout=60, what="the next job")
        assert done["status"] == "completed", done["error"]
        assert done["facts_extracted"] >= 1
    finally:
        stack.kill(name)
        forget_slow_job(job_id)


@pytest.mark.timeout(120)
def test_a_threads_pool_task_past_its_soft_limit_is_interrupted(stack, database, tenant):
    """worker-memory runs the threads pool, where Celery enforces no time limit: the
    watchdog does. The same long conversation, on a threads worker."""
    queue = f"limits-{uuid.uuid4().hex[:6]}"
    name = f"threads-{queue}"
    stack.start_worker("extraction", extra_env={"TASK_TIME_LIMITS": "extraction=1:60"},
                       args=["-Q", queue, "-P", "threads", "-c", "2"], as_name=name)
    job_id = slow_job(tenant)
    try:
        result = celery_app.send_task("extraction.extract_facts", args=[job_id], queue=queue)
        result.get(timeout=40, propagate=False)
        assert result.state == "FAILURE"
        assert type(result.result).__name__ == "SoftTimeLimitExceeded", repr(result.result)
        # The task's result is stored just before its failure handler fails the job.
        job = wait_until(lambda: (lambda j: j if j["status"] != "extracting" else None)(
            jobs.get_job(job_id)), timeout=10, what="the job to be failed")
        assert job["status"] == "failed", job
        assert job["error"] == "extraction hit its soft time limit (1 s) and was stopped"
        assert lock_is_free(database, job_id)

        # The pool's threads carry on.
        small, _ = jobs.create_job(tenant=tenant, user_id="kid-after", kind="extract", payload={
            "messages": [{"role": "user", "content": "I have a cat named Tom."}]})
        celery_app.send_task("extraction.extract_facts", args=[str(small["id"])], queue=queue)
        done = wait_until(lambda: (lambda j: j if j["status"] in ("completed", "failed") else None)(
            jobs.get_job(str(small["id"]))), timeout=60, what="the next job")
        assert done["status"] == "completed", done["error"]
    finally:
        stack.kill(name)
        forget_slow_job(job_id)


def _idle_for(database, job_id: str, seconds: float) -> None:
    with database.begin() as conn:
        conn.execute(text("UPDATE jobs SET updated_at = now() - make_interval(secs => :s) "
                          "WHERE id = :i"), {"s": seconds, "i": job_id})


def _attempts(job_id: str) -> int:
    return jobs.get_job(job_id)["enqueue_attempts"]


def test_the_reaper_backs_off_per_job_and_gives_up_after_the_maximum(database, tenant):
    # Bases of a million seconds: no other test's job is ever that idle.
    base = 1_000_000
    payload = {"messages": [{"role": "user", "content": "I like kites."}]}
    queued, _ = jobs.create_job(tenant=tenant, user_id="kid-stuck", kind="extract", payload=payload)
    stalled, _ = jobs.create_job(tenant=tenant, user_id="kid-stalled", kind="extract", payload=payload)
    queued, stalled = str(queued["id"]), str(stalled["id"])
    jobs.set_status(stalled, "extracting")

    def reap():
        return jobs.claim_stuck_jobs(base, 10 * base, max_attempts=3)

    for attempt in range(3):
        wait = base * 2 ** attempt
        _idle_for(database, queued, wait * 0.9)
        assert queued not in reap().requeue, f"attempt {attempt}: due before base × 2^{attempt}"
        assert _attempts(queued) == attempt
        _idle_for(database, queued, wait * 1.1)
        assert queued in reap().requeue, f"attempt {attempt}: not due after base × 2^{attempt}"
        assert _attempts(queued) == attempt + 1
        assert status_of(queued) == "queued"
        assert reap().requeue.count(queued) == 0  # the re-enqueue restarted its clock

    _idle_for(database, queued, base * 2 ** 3 * 1.1)
    claimed = reap()
    assert queued in claimed.given_up and queued not in claimed.requeue
    job = jobs.get_job(queued)
    assert job["status"] == "failed" and job["enqueue_attempts"] == 3
    assert job["error"] == "the reaper gave up after 3 enqueue attempts (stuck in 'queued')"
    assert queued not in reap().requeue + reap().given_up

    # A stalled job waits on its own (larger) base.
    _idle_for(database, stalled, base * 1.1)
    assert stalled not in reap().requeue
    _idle_for(database, stalled, 10 * base * 1.1)
    assert stalled in reap().requeue

    # retry-failed gives a job a fresh count.
    assert queued in retry_failed.retry_failed(tenant=tenant)
    assert (status_of(queued), _attempts(queued)) == ("queued", 0)
    with database.begin() as conn:  # leave nothing for the suite's reaper calls
        conn.execute(text("DELETE FROM jobs WHERE tenant_id = :t"), {"t": tenant})


def test_the_beat_reaper_fails_a_job_past_its_attempts(stack, database, tenant):
    """The real task on the suite's worker (REAPER_MAX_ATTEMPTS defaults to 5)."""
    job, _ = jobs.create_job(tenant=tenant, user_id="kid-lost", kind="extract", payload={
        "messages": [{"role": "user", "content": "I like kites."}]})
    job_id = str(job["id"])
    with database.begin() as conn:
        conn.execute(text("UPDATE jobs SET enqueue_attempts = 5, updated_at = now() - "
                          "interval '1 day' WHERE id = :i"), {"i": job_id})
    celery_app.send_task("extraction.requeue_stuck_jobs").get(timeout=10)
    body = jobs.get_job(job_id)
    assert body["status"] == "failed"
    assert "gave up after 5 enqueue attempts" in body["error"]
