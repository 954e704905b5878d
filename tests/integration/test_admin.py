"""The admin CLI (python -m pika_mem ...) as an operator runs it: a subprocess against
the test database and Redis. Each test works in its own tenant; nothing is mocked."""
from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
from sqlalchemy import text

from helpers import ROOT, checkpoint, cli, cli_env, seed, summaries, wait_until
from pika_mem.facts.model import ExtractedFact
from pika_mem.ledger import jobs
from pika_mem.ledger import facts as ledger


# ---------------------------------------------------------------------- refresh-favorites
def test_refresh_favorites_all_writes_every_summary(database, tenant):
    users = [f"bé-{i}" for i in range(3)]
    seed(tenant, users)
    done = cli("refresh-favorites", "--all", "--chunk", "2")
    assert done.returncode == 0, done.stderr
    assert summaries(database, tenant) == set(users)
    with database.connect() as conn:
        body = conn.execute(text("SELECT summary_json FROM user_favorite_summary "
                                 "WHERE tenant_id = :t AND user_id = :u"),
                            {"t": tenant, "u": "bé-1"}).scalar_one()
    assert [i["object"] for i in body["summary"]["pet"]] == ["mèo"]
    assert [i["object"] for i in body["summary"]["color"]] == ["màu 1"]
    assert checkpoint("refresh-favorites", None)["status"] == "complete"


def test_refresh_favorites_limit_then_resume(database, tenant):
    users = [f"u{i}" for i in range(5)]
    seed(tenant, users)
    first = cli("refresh-favorites", "--tenant", tenant, "--limit", "2", "--chunk", "1")
    assert first.returncode == 0, first.stderr
    cp = checkpoint("refresh-favorites", tenant)
    assert (cp["status"], cp["last"], cp["done"]) == ("partial", [tenant, "u1"], 2)
    assert summaries(database, tenant) == {"u0", "u1"}

    second = cli("refresh-favorites", "--tenant", tenant)
    assert second.returncode == 0, second.stderr
    assert "resuming" in second.stderr
    cp = checkpoint("refresh-favorites", tenant)
    assert (cp["status"], cp["last"], cp["done"]) == ("complete", [tenant, "u4"], 5)
    assert summaries(database, tenant) == set(users)
    assert "5 in total" in second.stdout and "3 users this run" in second.stdout

    # A finished run is not resumed: the next one starts over; --restart forces that.
    third = cli("refresh-favorites", "--tenant", tenant, "--restart", "--limit", "1")
    assert checkpoint("refresh-favorites", tenant)["done"] == 1, third.stderr


def test_refresh_favorites_ctrl_c_leaves_consistent_checkpoint(database, tenant):
    users = [f"k{i:04d}" for i in range(600)]
    with database.begin() as conn:  # many users fast: one transaction
        for user in users:
            ledger.upsert_facts(tenant, user, [ExtractedFact(
                category="food", predicate="likes", object="phở", text="Thích phở", lang="vi")],
                conn=conn)
    proc = subprocess.Popen([sys.executable, "-m", "pika_mem", "refresh-favorites", "--tenant",
                             tenant, "--chunk", "1", "-q"], cwd=ROOT, env=cli_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: (lambda c: c and c["done"] >= 5)(_try_checkpoint(tenant)),
                   timeout=60, interval=0.005, what="some users refreshed")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    if proc.returncode == 0:
        pytest.fail(f"the run finished before Ctrl-C arrived; make it longer\n{err}")
    assert proc.returncode == 130, err
    cp = checkpoint("refresh-favorites", tenant)
    assert cp["status"] == "interrupted"
    done = summaries(database, tenant)
    # Consistent: exactly the users up to the checkpoint are done, none after it.
    assert 0 < len(done) < len(users)
    assert done == set(users[:cp["done"]]) and cp["last"] == [tenant, users[cp["done"] - 1]]

    rerun = cli("refresh-favorites", "--tenant", tenant, "-q")
    assert rerun.returncode == 0, rerun.stderr
    assert summaries(database, tenant) == set(users)
    assert checkpoint("refresh-favorites", tenant)["done"] == len(users)


def _try_checkpoint(tenant):
    try:
        return checkpoint("refresh-favorites", tenant)
    except (FileNotFoundError, ValueError):
        return None


# ---------------------------------------------------------------------- retry-failed
def test_retry_failed_moves_failed_jobs_back_to_queued(database, tenant):
    payload = {"messages": [{"role": "user", "content": "Con thích mèo"}]}
    recent, _ = jobs.create_job(tenant=tenant, user_id="an", kind="extract", payload=payload)
    old, _ = jobs.create_job(tenant=tenant, user_id="an", kind="extract", payload=payload)
    done, _ = jobs.create_job(tenant=tenant, user_id="an", kind="extract", payload=payload)
    for j in (recent, old):
        jobs.set_status(j["id"], "extracting")
        jobs.mark_failed(j["id"], "extraction failed: boom")
    jobs.set_status(done["id"], "completed")
    with database.begin() as conn:
        conn.execute(text("UPDATE jobs SET updated_at = now() - interval '3 hours' WHERE id = :i"),
                     {"i": old["id"]})

    dry = cli("retry-failed", "--tenant", tenant, "--dry-run")
    assert dry.returncode == 0 and "would move 2" in dry.stdout, dry.stdout + dry.stderr
    assert jobs.get_job(recent["id"])["status"] == "failed"

    first = cli("retry-failed", "--tenant", tenant, "--since", "1h", "-v")
    assert first.returncode == 0, first.stderr
    assert "moved 1 failed job(s) back to queued" in first.stdout
    assert recent["id"] in first.stdout and old["id"] not in first.stdout
    row = jobs.get_job(recent["id"])
    assert (row["status"], row["error"], row["extracting_at"]) == ("queued", None, None)
    assert jobs.get_job(old["id"])["status"] == "failed"
    assert jobs.get_job(done["id"])["status"] == "completed"

    second = cli("retry-failed", "--tenant", tenant)
    assert "moved 1 " in second.stdout
    assert jobs.get_job(old["id"])["status"] == "queued"
    # The reaper's query now finds them (REAPER_STUCK_SECONDS is 1 in the test env).
    wait_until(lambda: {recent["id"], old["id"]} <= set(jobs.stuck_jobs(1, limit=100_000)),
               timeout=10, what="the reaper to see the retried jobs")


# ---------------------------------------------------------------------- stats
def test_stats_prints_json_counts(database, tenant):
    seed(tenant, ["a", "b"], [ExtractedFact(category="name", predicate="name", object="An")])
    seed(tenant, ["a"], [ExtractedFact(category="name", predicate="name", object="Bình")])
    payload = {"messages": [{"role": "user", "content": "hi"}]}
    failed, _ = jobs.create_job(tenant=tenant, user_id="a", kind="extract", payload=payload)
    jobs.mark_failed(failed["id"], "boom")
    jobs.create_job(tenant=tenant, user_id="b", kind="extract", payload=payload)

    out = cli("stats", "--tenant", tenant, "--compact")
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert s["tenant"] == tenant and s["users"] == 2
    # a: mèo, màu 0, name An (superseded by Bình), Bình; b: mèo, màu 1, An
    assert s["facts"] == {"active": 6, "total": 7, "superseded": 1}
    assert s["jobs"] == {"queued": 1, "extracting": 0, "embedding": 0, "finishing": 0,
                         "completed": 0, "failed": 1}
    from tasks.app import QUEUES
    assert list(s["broker"]["queues"]) == list(QUEUES)
    assert all(isinstance(n, int) and n >= 0 for n in s["broker"]["queues"].values())

    everyone = json.loads(cli("stats").stdout)
    assert everyone["users"] >= 2 and everyone["facts"]["total"] >= 7


def test_stats_queue_names_match_the_celery_app():
    from pika_mem.queues import QUEUES as core
    from tasks.app import app
    assert {q.name for q in app.conf.task_queues} == set(core)
