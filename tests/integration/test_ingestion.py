"""The write path end to end: HTTP → job → extraction → embedding chord → completed."""
from __future__ import annotations

import uuid

from helpers import count_vectors, dev_conversation, post_extract, rows, search_rpc, wait_job, wait_until


def test_dev_conversation_completes_and_is_searchable_for_that_user_only(api, database):
    conv = dev_conversation("dev-01")
    resp = post_extract(api, "be-an", conv["messages"])
    assert resp.status_code == 202, resp.text
    body = resp.json()
    assert body["status"] == "queued" and body["status_url"] == f"/v1/jobs/{body['job_id']}"

    job = wait_job(api, body["job_id"])
    assert job["counts"]["messages"] == len(conv["messages"])
    assert job["counts"]["facts_extracted"] >= 2
    assert job["timings_ms"]["total"] is not None

    facts = rows(database, "SELECT category, object, polarity FROM memories "
                 "WHERE tenant_id = :t AND user_id = 'be-an' AND valid_to IS NULL", t=api.tenant)
    got = {(f["category"], f["object"].lower(), f["polarity"]) for f in facts}
    assert ("pet", "mèo", "+") in got or any(c == "pet" and "mèo" in o for c, o, _ in got)
    assert any(c == "food" and "kem dâu" in o for c, o, _ in got)

    hits = search_rpc(api.tenant, "be-an", "bé An có nuôi con gì?")
    assert hits and any("mèo" in h["object"] for h in hits)
    assert search_rpc(api.tenant, "someone-else", "bé An có nuôi con gì?") == []
    assert search_rpc("other-tenant", "be-an", "bé An có nuôi con gì?") == []

    listed = api.get(f"{api.base}/v1/users/be-an/memories", timeout=5).json()
    assert {m["object"] for m in listed["memories"]} == {f["object"] for f in facts}

    # The graph (Bolt) holds the same facts, under this tenant only.
    from pika_mem.index import graph
    assert graph.count_relations(api.tenant, "be-an") == len(facts)
    assert graph.count_relations("other-tenant", "be-an") == 0


def test_idempotency_key_returns_first_job_and_same_fact_is_one_row_one_vector(api, database):
    messages = [{"role": "user", "content": "I have a dog. I love pizza."}]
    key = uuid.uuid4().hex
    first = post_extract(api, "kid-a", messages, **{"Idempotency-Key": key})
    second = post_extract(api, "kid-a", messages, **{"Idempotency-Key": key})
    assert first.status_code == second.status_code == 202
    assert first.json()["job_id"] == second.json()["job_id"]
    assert rows(database, "SELECT count(*) AS n FROM jobs WHERE tenant_id = :t", t=api.tenant)[0]["n"] == 1
    wait_job(api, first.json()["job_id"])

    again = post_extract(api, "kid-a", messages)  # no key: a second job, same facts
    assert again.json()["job_id"] != first.json()["job_id"]
    job = wait_job(api, again.json()["job_id"])
    assert job["counts"]["facts_new"] == 0
    n_rows = rows(database, "SELECT count(*) AS n FROM memories WHERE tenant_id = :t", t=api.tenant)[0]["n"]
    assert n_rows == job["counts"]["facts_extracted"] >= 2
    assert count_vectors(api.tenant, "kid-a") == n_rows


def test_given_facts_are_stored_without_extraction(api, database):
    resp = api.post(api.base + "/v1/memories", json={"user_id": "kid-b", "facts": [
        {"text": "Loves dinosaurs", "category": "animal", "object": "dinosaurs", "importance": 4},
        {"text": "Has a sister called Mai", "category": "family", "object": "sister Mai"},
    ]}, timeout=10)
    assert resp.status_code == 202, resp.text
    job = wait_job(api, resp.json()["job_id"])
    assert job["counts"]["facts_extracted"] == 2 and job["counts"]["messages"] == 0
    got = rows(database, "SELECT category, object, importance FROM memories WHERE tenant_id = :t "
               "ORDER BY category", t=api.tenant)
    assert [(r["category"], r["object"]) for r in got] == [("animal", "dinosaurs"), ("family", "sister Mai")]
    assert count_vectors(api.tenant, "kid-b") == 2


def test_supersession_keeps_history_and_lists_only_the_new_favourite(api, database):
    for conv_id in ("dev-03", "dev-04"):
        resp = post_extract(api, "kid-lily", dev_conversation(conv_id)["messages"])
        wait_job(api, resp.json()["job_id"])
    active = api.get(f"{api.base}/v1/users/kid-lily/memories", timeout=5).json()["memories"]
    movies = [m["object"] for m in active if m["category"] == "movie"]
    assert movies == ["Moana"]
    history = api.get(f"{api.base}/v1/users/kid-lily/memories?include=history", timeout=5).json()
    old = [m for m in history["memories"] if m["object"] == "Frozen"]
    assert old and old[0]["valid_to"] is not None and old[0]["superseded_by"]
    hits = search_rpc(api.tenant, "kid-lily", "favorite movie")
    assert "Frozen" not in {h["object"] for h in hits}


def test_delete_removes_fact_from_postgres_and_vector_store(api, database):
    resp = api.post(api.base + "/v1/memories", json={"user_id": "kid-c", "facts": [
        {"text": "Likes kites", "category": "toy", "object": "kites"}]}, timeout=10)
    wait_job(api, resp.json()["job_id"])
    fact = api.get(f"{api.base}/v1/users/kid-c/memories", timeout=5).json()["memories"][0]
    assert count_vectors(api.tenant, "kid-c") == 1
    gone = api.delete(f"{api.base}/v1/memories/{fact['id']}", timeout=5)
    assert gone.status_code == 200 and gone.json() == {"id": fact["id"], "deleted": True}
    assert rows(database, "SELECT 1 FROM memories WHERE id = :i", i=fact["id"]) == []
    wait_until(lambda: count_vectors(api.tenant, "kid-c") == 0, timeout=20, what="vector deleted")
    again = api.delete(f"{api.base}/v1/memories/{fact['id']}", timeout=5)
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"
