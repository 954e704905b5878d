"""The read path across its layers, on the real stack."""
from __future__ import annotations

import time

import pytest
import requests

from helpers import dev_conversation, post_extract, session_for, wait_job, wait_until
from pika_mem.access import api_keys


def search(api, user_id, query, **extra):
    resp = api.post(api.base + "/v1/search", json={"user_id": user_id, "query": query, **extra},
                    timeout=15)
    return resp


def objects(resp):
    return [r["object"] for r in resp.json()["results"]]


def add_facts(api, user_id, facts):
    resp = api.post(api.base + "/v1/memories", json={"user_id": user_id, "facts": facts}, timeout=10)
    assert resp.status_code == 202, resp.text
    return wait_job(api, resp.json()["job_id"])


def test_repeat_query_is_served_from_cache_and_a_write_makes_it_fresh(api):
    add_facts(api, "kid-s1", [{"text": "Has a dog", "category": "pet", "object": "dog"}])
    first = search(api, "kid-s1", "what pets does he have")
    assert first.status_code == 200 and first.json()["layer"] == "L4"
    assert first.headers["X-Cache-Layer"] == "L4" and "dog" in objects(first)
    again = search(api, "kid-s1", "  What pets does he have ")
    assert again.json()["layer"] in ("L0", "L1") and objects(again) == objects(first)

    add_facts(api, "kid-s1", [{"text": "Has a goldfish", "category": "pet", "object": "goldfish"}])
    fresh = search(api, "kid-s1", "what pets does he have")
    assert fresh.json()["layer"] == "L4"
    assert {"dog", "goldfish"} <= set(objects(fresh))


def test_no_search_after_completed_returns_the_state_before_it(api):
    for i in range(3):
        before = search(api, "kid-race", "favorite food")  # fills L0/L1 at this version
        assert before.status_code == 200
        food = f"mango {i}"
        job = add_facts(api, "kid-race", [{"text": f"Loves {food}", "category": "food", "object": food}])
        assert job["status"] == "completed"
        after = search(api, "kid-race", "favorite food")
        assert food in objects(after), (i, after.json())


def test_favourites_question_is_answered_from_the_summary(api):
    post = post_extract(api, "kid-lily", dev_conversation("dev-03")["messages"])
    wait_job(api, post.json()["job_id"])
    post = post_extract(api, "kid-lily", dev_conversation("dev-04")["messages"])
    wait_job(api, post.json()["job_id"])
    resp = search(api, "kid-lily", "favorite movie")
    assert resp.json()["layer"] == "L2"
    assert objects(resp) == ["Moana"]  # Frozen was superseded
    hits = search(api, "kid-lily", "Frozen the movie with Elsa")
    assert "Frozen" not in objects(hits)


def test_one_users_facts_never_reach_another_user_or_tenant(api, stack):
    import requests
    from pika_mem.access import api_keys
    add_facts(api, "kid-a", [{"text": "Loves broccoli", "category": "food", "object": "broccoli"}])
    assert "broccoli" in objects(search(api, "kid-a", "food"))
    assert search(api, "kid-b", "food").json()["results"] == []
    _, other = api_keys.create_key(api.tenant + "-other", "test")
    resp = requests.post(stack.api_url + "/v1/search", headers={"X-API-Key": other}, timeout=10,
                         json={"user_id": "kid-a", "query": "food"})
    assert resp.status_code == 200 and resp.json()["results"] == []


@pytest.mark.parametrize("body, field", [
    ({"user_id": "k", "query": ""}, "query"),
    ({"user_id": "k", "query": "q" * 1001}, "query"),
    ({"user_id": "k", "query": "q", "limit": 0}, "limit"),
    ({"user_id": "k", "query": "q", "limit": 51}, "limit"),
    ({"user_id": "k", "query": "q", "categories": ["spaceships"]}, "categories.0"),
])
def test_bad_search_inputs_are_422(api, body, field):
    resp = api.post(api.base + "/v1/search", json=body, timeout=5)
    assert resp.status_code == 422
    assert field in {f["field"] for f in resp.json()["error"]["details"]["fields"]}


def test_search_worker_down_gives_503_within_the_deadline_and_cache_hits_still_serve(api, stack):
    add_facts(api, "kid-down", [{"text": "Loves kites", "category": "toy", "object": "kites"}])
    cached = search(api, "kid-down", "toys")
    assert cached.status_code == 200
    stack.kill("memory", sig=15)  # a clean stop: the store is flushed, the lock released
    try:
        ready = requests.get(stack.api_url + "/readyz", timeout=10)
        assert ready.status_code == 503 and "search" in ready.json()["checks"]["workers"]
        t0 = time.monotonic()
        resp = search(api, "kid-down", "anything new about kites")
        took = time.monotonic() - t0
        assert resp.status_code == 503 and resp.json()["error"]["code"] == "search_unavailable"
        assert took < 5 + 2.0  # SEARCH_TIMEOUT_SECONDS=5 in the test stack
        assert resp.headers.get("Retry-After")
        again = search(api, "kid-down", "toys")
        assert again.status_code == 200 and again.json()["layer"] in ("L0", "L1")
    finally:
        stack.start_worker("memory")
    wait_until(lambda: search(api, "kid-down", "kites toy").status_code == 200, timeout=30,
               what="search back")
    assert requests.get(stack.api_url + "/readyz", timeout=10).status_code == 200


def test_cached_answers_stop_at_once_for_a_revoked_key(api, stack):
    """Cache hits are answered below Flask (api/cached_search.py); they still check the key."""
    add_facts(api, "kid-rev", [{"text": "Loves yo-yos", "category": "toy", "object": "yo-yos"}])
    key_id, key = api_keys.create_key(api.tenant, "reader", ("memories:read",))
    reader = session_for(stack.api_url, key)
    layers = [search(reader, "kid-rev", "toys").json()["layer"] for _ in range(3)]
    assert layers[0] == "L4" and set(layers[1:]) <= {"L0", "L1"}
    assert api_keys.revoke(key_id)
    resp = search(reader, "kid-rev", "toys")
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"
    # A key without the read scope never gets the cached answer either.
    _, writer = api_keys.create_key(api.tenant, "writer", ("memories:write",))
    assert search(session_for(stack.api_url, writer), "kid-rev", "toys").status_code == 403


def test_search_is_rate_limited_and_each_request_counts_once(api, stack):
    add_facts(api, "kid-rl", [{"text": "Loves chess", "category": "game", "object": "chess"}])
    url = stack.start_api("api-search-limited", RATE_LIMIT="4 per hour")
    s = session_for(url, api_keys.create_key(api.tenant, "limited")[1])
    # A key new to the process; a miss after the one-round-trip preflight; a hit; a miss.
    queries = ["games", "what does she play", "what does she play", "chess"]
    answers = [search(s, "kid-rl", q) for q in queries]
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    assert answers[2].json()["layer"] == "L0"
    limited = search(s, "kid-rl", "games")  # cached, but over the limit
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    stack.kill("api-search-limited")
