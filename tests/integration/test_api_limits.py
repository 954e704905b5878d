"""Limits at the door and cheap probes: failed authentications per address, unknown keys
remembered, /readyz broadcasting once per cache period, /metrics reading no finished job."""
from __future__ import annotations

import secrets
import time
import uuid

import pytest
import redis
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event, text

from helpers import TEST_ENV, post_extract, wait_job, wait_until
from pika_mem.access import api_keys
from pika_mem.db import get_engine
from pika_mem.ledger.tables import api_keys as api_keys_table
from tasks.app import app as celery_app

DUMMY_JOB = "/v1/jobs/00000000-0000-0000-0000-000000000000"


def made_up_key() -> str:
    return "pk_" + secrets.token_urlsafe(32)


@pytest.fixture()
def local_app():
    """The API in this process (real Postgres and Redis), so its SQL can be watched."""
    from api import create_app
    return create_app().test_client()


class Statements:
    """The SQL this process sends while the block runs (statement, parameters)."""

    def __enter__(self):
        self.seen = []
        self._listener = lambda conn, cursor, stmt, params, ctx, many: self.seen.append((stmt, params))
        event.listen(get_engine(), "before_cursor_execute", self._listener)
        return self

    def __exit__(self, *exc):
        event.remove(get_engine(), "before_cursor_execute", self._listener)

    def on(self, table: str) -> list:
        return [(s, p) for s, p in self.seen if f"FROM {table}" in s or f"from {table}" in s]


# ---------------------------------------------------------------------- authentication
def test_failed_authentications_are_limited_per_client_address(stack, tenant):
    url = stack.start_api("api-auth-failures", AUTH_FAILURE_LIMIT="5/hour")  # no window edge
    try:
        _, good = api_keys.create_key(tenant, "good")

        def status(key):
            headers = {"X-API-Key": key} if key else {}
            return requests.get(url + DUMMY_JOB, headers=headers, timeout=5)

        assert status(good).status_code == 404  # valid: this process has seen it
        assert [status(made_up_key()).status_code for _ in range(4)] == [401] * 4
        assert status(None).status_code == 401  # no key at all is a failure too: the 5th
        for refused in (status(made_up_key()), status(None)):
            assert refused.status_code == 429, refused.text
            err = refused.json()["error"]
            assert err["code"] == "rate_limited" and err["message"]
            assert err["details"] == {"reason": "failed_authentications"}
            assert 0 < int(refused.headers["Retry-After"]) <= 3600
        # The companion's key, seen valid, is not locked out by someone else's guessing.
        assert status(good).status_code == 404
        assert requests.get(url + "/healthz", timeout=5).status_code == 200
    finally:
        stack.kill("api-auth-failures")


def test_a_flood_of_one_unknown_key_asks_postgres_once_per_cache_period(database, local_app):
    bad = made_up_key()
    ttl = 5.0  # UNKNOWN_KEY_CACHE_SECONDS default (the test env does not change it)
    with Statements() as sql:
        started = time.monotonic()
        codes = [local_app.get(DUMMY_JOB, headers={"X-API-Key": bad}).status_code for _ in range(50)]
        elapsed = time.monotonic() - started
    assert codes == [401] * 50
    lookups = sql.on("api_keys")
    assert 1 <= len(lookups) <= 1 + int(elapsed / ttl), f"{len(lookups)} lookups for 50 requests"


def test_keys_are_still_honoured_at_once_and_a_stale_unknown_entry_lasts_seconds(database, tenant,
                                                                                  local_app):
    # A key made with create-key is a new hash: it works on its first request.
    key_id, key = api_keys.create_key(tenant, "new")
    assert local_app.get(DUMMY_JOB, headers={"X-API-Key": key}).status_code == 404
    # Revoked: refused at once, and from then on.
    assert api_keys.revoke(key_id)
    assert local_app.get(DUMMY_JOB, headers={"X-API-Key": key}).status_code == 401
    assert local_app.get(DUMMY_JOB, headers={"X-API-Key": key}).status_code == 401

    # A key inserted by hand under a hash this process just refused (restored from a
    # backup, say) works once the unknown entry expires: within UNKNOWN_KEY_CACHE_SECONDS.
    restored = made_up_key()
    assert local_app.get(DUMMY_JOB, headers={"X-API-Key": restored}).status_code == 401
    with database.begin() as conn:
        conn.execute(api_keys_table.insert().values(
            id=str(uuid.uuid4()), tenant_id=tenant, name="restored",
            key_hash=api_keys.hash_key(restored), scopes=list(api_keys.SCOPES)))
    wait_until(lambda: local_app.get(DUMMY_JOB, headers={"X-API-Key": restored}).status_code == 404,
               timeout=5.0 + 3, interval=0.2, what="the restored key to be honoured")


# ---------------------------------------------------------------------- /readyz
def _broadcasts(during) -> int:
    """How many control broadcasts (celery inspect) reach the broker while `during` runs."""
    broker = redis.Redis.from_url(TEST_ENV["CELERY_BROKER_URL"])
    db = broker.connection_pool.connection_kwargs.get("db", 0)
    sub = broker.pubsub()
    sub.psubscribe(f"/{db}.celery.pidbox*")
    wait_until(lambda: (sub.get_message(timeout=0.1) or {}).get("type") == "psubscribe",
               timeout=5, what="subscribed")
    try:
        during()
        end = f"/{db}.celery.pidbox-end-{uuid.uuid4().hex}"
        broker.publish(end, "end")  # after every publish made during the block
        count, deadline = 0, time.monotonic() + 10
        while time.monotonic() < deadline:
            msg = sub.get_message(timeout=1)
            if msg and msg["type"] == "pmessage":
                if msg["channel"].decode() == end:
                    return count
                count += 1
        raise AssertionError("the end marker never arrived")
    finally:
        sub.close()
        broker.close()


def test_readyz_reuses_its_worker_check_instead_of_broadcasting_per_probe(stack):
    url = stack.start_api("api-readyz", READYZ_CACHE_SECONDS="3600")
    try:
        def probe(base, n):
            def run():
                for _ in range(n):
                    resp = requests.get(base + "/readyz", timeout=10)
                    assert resp.status_code == 200, resp.text
                    assert resp.json()["checks"]["workers"] == "ok"
            return run

        assert _broadcasts(probe(url, 5)) == 1
        assert _broadcasts(probe(url, 3)) == 0
        # The suite's API has READYZ_CACHE_SECONDS=0: a broadcast per probe, which shows
        # the count above counts what it should.
        assert _broadcasts(probe(stack.api_url, 2)) == 2
    finally:
        stack.kill("api-readyz")


# ---------------------------------------------------------------------- /metrics
def _rows_read_from_jobs(statements) -> int:
    """Rows of `jobs` the statements read (EXPLAIN ANALYZE: rows out + rows filtered)."""
    total = 0

    def walk(node):
        nonlocal total
        if node.get("Relation Name") == "jobs":
            total += (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
                      + node.get("Rows Removed by Index Recheck", 0)) * node.get("Actual Loops", 1)
        for child in node.get("Plans", []):
            walk(child)

    with get_engine().connect() as conn:
        for stmt, params in statements:
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + stmt, params).scalar()
            walk(plan[0]["Plan"])
    return total


def test_a_scrape_reads_no_finished_job(database, tenant, local_app):
    from api.metrics import StoreCollector
    with database.begin() as conn:  # a service that has run for a while
        conn.execute(text(
            "INSERT INTO jobs (id, tenant_id, user_id, kind, status, completed_at) "
            "SELECT gen_random_uuid(), :t, 'kid-' || (g % 500), 'extract', "
            "CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'completed' END, now() "
            "FROM generate_series(1, 20000) AS g"), {"t": tenant})
        conn.exec_driver_sql("ANALYZE jobs")
    try:
        StoreCollector._cached = (0.0, [])
        with Statements() as sql:
            resp = local_app.get("/metrics")
        assert resp.status_code == 200
        on_jobs = sql.on("jobs")
        assert on_jobs, "the scrape still counts unfinished jobs"
        read = _rows_read_from_jobs(on_jobs)
        assert read < 2000, f"a scrape read {read} rows of jobs"
        assert "pika_jobs{" in resp.text and "pika_jobs_finished_total{" in resp.text
    finally:
        with database.begin() as conn:
            conn.execute(text("DELETE FROM jobs WHERE tenant_id = :t"), {"t": tenant})


def _scrape(url) -> dict:
    out = {}
    for family in text_string_to_metric_families(requests.get(url + "/metrics", timeout=5).text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_finished_jobs_are_counted_when_they_finish(api, stack):
    from pika_mem.ledger import jobs

    def finished(m, status):
        return m.get(("pika_jobs_finished_total", (("status", status),)), 0)

    def stage_count(m, stage):
        return m.get(("pika_job_stage_seconds_count", (("stage", stage),)), 0)

    before = _scrape(stack.api_url)
    wait_job(api, post_extract(api, "kid-counted", [
        {"role": "user", "content": "I love trains."}]).json()["job_id"])
    bad, _ = jobs.create_job(tenant=api.tenant, user_id="kid-bad", kind="facts",
                             payload={"facts": [{"no_text": True}]})
    celery_app.send_task("extraction.extract_facts", args=[str(bad["id"])])
    wait_job(api, str(bad["id"]), status="failed", timeout=30)

    after = wait_until(lambda: (lambda m: m if finished(m, "completed") > finished(before, "completed")
                                and finished(m, "failed") > finished(before, "failed") else None)(
        _scrape(stack.api_url)), timeout=30, interval=0.5, what="the counters to move")
    assert stage_count(after, "extracting") > stage_count(before, "extracting")
    assert after[("pika_job_stage_seconds_sum", (("stage", "extracting"),))] > 0
    for status in ("queued", "extracting", "embedding", "finishing"):
        assert ("pika_jobs", (("status", status),)) in after
