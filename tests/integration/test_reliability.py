"""A broker outage loses no job; a worker killed mid-embedding loses no fact."""
from __future__ import annotations

import time

import requests
from sqlalchemy import text

from helpers import count_vectors, wait_job, wait_until
from pika_mem.access import api_keys
from tasks.app import app as celery_app


def test_broker_down_at_enqueue_gives_honest_202_and_the_reaper_completes_it(stack, database, tenant):
    # An API process whose broker is unreachable (nothing listens on port 1).
    url = stack.start_api("api-no-broker", CELERY_BROKER_URL="redis://127.0.0.1:1/11")
    _, key = api_keys.create_key(tenant, "test")
    headers = {"Authorization": f"Bearer {key}"}
    started = time.monotonic()
    resp = requests.post(url + "/v1/memories/extract", headers=headers, timeout=15, json={
        "user_id": "kid-outage", "messages": [{"role": "user", "content": "I love bananas."}]})
    took = time.monotonic() - started
    assert resp.status_code == 202, resp.text
    job_id = resp.json()["job_id"]
    assert took < 5, f"a dead broker must not hang the API ({took:.1f}s)"
    status = requests.get(f"{url}/v1/jobs/{job_id}", headers=headers, timeout=5).json()
    assert status["status"] == "queued"  # committed, honestly not started

    # The broker is "back" (the real one): beat's reaper re-enqueues stuck jobs.
    wait_until(lambda: celery_app.send_task("extraction.requeue_stuck_jobs", args=[0]).get(timeout=10) >= 0
               and requests.get(f"{url}/v1/jobs/{job_id}", headers=headers, timeout=5).json()["status"]
               != "queued", timeout=30, what="reaper picked the job")
    session = requests.Session()
    session.headers.update(headers)
    session.base = url
    job = wait_job(session, job_id)
    assert job["counts"]["facts_extracted"] >= 1
    with database.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM memories WHERE tenant_id = :t"), {"t": tenant}).scalar()
    assert n == job["counts"]["facts_extracted"]
    stack.kill("api-no-broker")


def test_worker_killed_mid_embedding_completes_after_restart_without_duplicates(stack, api, database):
    facts = [{"text": f"Collected sticker number {i} of the zoo album", "category": "toy",
              "object": f"zoo sticker {i}"} for i in range(50)]
    facts += [{"text": f"Has read the picture book about planet {i}", "category": "book",
               "object": f"planet book {i}"} for i in range(50)]
    resp = api.post(api.base + "/v1/memories", json={"user_id": "kid-kill", "facts": facts}, timeout=10)
    assert resp.status_code == 202
    job_id = resp.json()["job_id"]

    seen = wait_until(lambda: (lambda st: st if st != "queued" and st != "extracting" else None)(
        api.get(f"{api.base}/v1/jobs/{job_id}", timeout=5).json()["status"]),
        timeout=30, interval=0.005, what="embedding started")
    stack.kill("memory")  # SIGKILL: no ack, no flush, no goodbye
    assert seen == "embedding", f"the kill came too late to test anything (job was {seen})"
    assert api.get(f"{api.base}/v1/jobs/{job_id}", timeout=5).json()["status"] == "embedding"
    stack.start_worker("memory")

    # The unacked messages come back after the visibility timeout. A message the
    # killed worker had popped but not yet recorded as unacked is gone from Redis:
    # the reaper (beat runs it every REAPER_INTERVAL_SECONDS) re-drives the stalled job.
    def completed():
        celery_app.send_task("extraction.requeue_stuck_jobs").get(timeout=10)
        body = api.get(f"{api.base}/v1/jobs/{job_id}", timeout=5).json()
        return body if body["status"] == "completed" else None
    job = wait_until(completed, timeout=90, interval=1, what="job completed after the kill")
    assert job["counts"]["facts_extracted"] == 100
    with database.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM memories WHERE tenant_id = :t AND user_id = 'kid-kill'"),
                         {"t": api.tenant}).scalar()
    assert n == 100
    assert count_vectors(api.tenant, "kid-kill") == 100


def test_a_job_that_cannot_be_processed_fails_with_a_clear_error(api, database):
    # A row the API would never write (it validates), as a bug or a bad migration might leave.
    from pika_mem.ledger import jobs
    job, _ = jobs.create_job(tenant=api.tenant, user_id="kid-bad", kind="facts",
                             payload={"facts": [{"no_text": True}]})
    celery_app.send_task("extraction.extract_facts", args=[str(job["id"])])
    body = wait_job(api, str(job["id"]), status="failed", timeout=30)
    assert body["status"] == "failed"
    assert "extraction failed" in body["error"] and "KeyError" in body["error"]
    with database.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM memories WHERE tenant_id = :t"), {"t": api.tenant}).scalar()
    assert n == 0
