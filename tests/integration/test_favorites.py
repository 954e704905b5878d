"""The favourites summary: exact after the dev set, fresh after deletes, kept fresh by beat."""
from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

from helpers import DATA_DIR, DEV, ROOT, post_extract, wait_job, wait_until
from pika_mem.facts.model import ExtractedFact
from pika_mem.ledger import facts as ledger
from pika_mem.read import favorites
from tasks.app import app as celery_app


def norm(text):
    return unicodedata.normalize("NFC", text).lower().strip(" .,!?")


def same_objects(got: list[str], want: list[str]) -> bool:
    return len(got) == len(want) and all(
        any(norm(w) in norm(g) or norm(g) in norm(w) for g in got) for w in want)


def favourites(api, user_id, **params):
    resp = api.get(f"{api.base}/v1/users/{user_id}/favorites", params=params, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_dev_set_in_seq_order_gives_exactly_the_expected_favourites(api):
    convs = sorted((json.loads(line) for line in DEV.read_text().splitlines()),
                   key=lambda c: (c["user_id"], c["seq"]))
    expected = {}
    for conv in convs:
        wait_job(api, post_extract(api, conv["user_id"], conv["messages"]).json()["job_id"])
        expected[conv["user_id"]] = conv["favorites"]
    for user_id, want in expected.items():
        body = favourites(api, user_id)
        assert body["layer"] in ("redis", "postgres")
        got = {c: [i["object"] for i in items] for c, items in body["summary"].items()}
        assert set(got) == set(want), (user_id, got, want)
        for cat in want:
            assert same_objects(got[cat], want[cat]), (user_id, cat, got[cat], want[cat])


def test_empty_child_gets_an_empty_summary_and_categories_narrow_it(api):
    body = favourites(api, "nobody-yet")
    assert body["summary"] == {} and body["dislikes"] == {} and body["profile"] == {}
    wait_job(api, post_extract(api, "kid-f", [
        {"role": "user", "content": "I have a dog. I love pizza. I'm allergic to peanuts."}]).json()["job_id"])
    narrowed = favourites(api, "kid-f", categories="pet")
    assert list(narrowed["summary"]) == ["pet"] and narrowed["profile"] == {}
    assert "allergy" in favourites(api, "kid-f")["profile"]
    bad = api.get(f"{api.base}/v1/users/kid-f/favorites?categories=spaceship", timeout=5)
    assert bad.status_code == 422


def test_a_deleted_fact_leaves_the_summary(api):
    wait_job(api, post_extract(api, "kid-del", [
        {"role": "user", "content": "I love pizza and I have a cat."}]).json()["job_id"])
    pets = favourites(api, "kid-del")["summary"]["pet"]
    gone = api.delete(f"{api.base}/v1/memories/{pets[0]['id']}", timeout=5)
    assert gone.status_code == 200
    wait_until(lambda: "pet" not in favourites(api, "kid-del")["summary"], timeout=20,
               what="summary without the deleted pet")
    assert "food" in favourites(api, "kid-del")["summary"]


def test_concurrent_refreshes_end_with_the_newest_state(api):
    wait_job(api, post_extract(api, "kid-con", [
        {"role": "user", "content": "I love pizza."}]).json()["job_id"])
    results = [celery_app.send_task("favorites.refresh_summary", args=[api.tenant, "kid-con"])
               for _ in range(8)]
    ledger.upsert_facts(api.tenant, "kid-con", [ExtractedFact(
        category="toy", predicate="likes", object="yo-yo", text="Likes yo-yo")])
    results += [celery_app.send_task("favorites.refresh_summary", args=[api.tenant, "kid-con"])
                for _ in range(8)]
    for r in results:
        r.get(timeout=30)
    record, _ = favorites.read_summary(api.tenant, "kid-con")
    assert "toy" in record["summary"]["summary"] and "food" in record["summary"]["summary"]


def test_beat_refreshes_a_summary_made_stale_by_a_direct_ledger_write(api, stack):
    wait_job(api, post_extract(api, "kid-beat", [
        {"role": "user", "content": "I love pizza."}]).json()["job_id"])
    ledger.upsert_facts(api.tenant, "kid-beat", [ExtractedFact(
        category="sport", predicate="likes", object="judo", text="Likes judo")])
    assert "sport" not in favourites(api, "kid-beat")["summary"]  # stale until beat runs
    log = open(stack.logs / "beat.log", "ab")
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tasks", "beat", "--loglevel=INFO",
         "-s", str(DATA_DIR / "celerybeat-schedule")], cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT, env=stack.env(FAVORITES_REFRESH_MINUTES="0.03"))
    try:
        wait_until(lambda: "sport" in favourites(api, "kid-beat")["summary"], timeout=45,
                   interval=0.2, what="beat refreshed the stale summary")
    finally:
        beat.terminate()
        beat.wait(timeout=20)
