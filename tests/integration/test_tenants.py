"""Tenants and keys: nobody reads or changes another tenant's children."""
from __future__ import annotations

import re

import requests

from pika_mem.access import api_keys
from helpers import post_extract, session_for, wait_job

DUMMY_ID = "00000000-0000-0000-0000-000000000000"


def test_same_user_id_in_two_tenants_never_meets(api, stack, tenant):
    _, key_b = api_keys.create_key(tenant + "-b", "b")
    b = session_for(stack.api_url, key_b)
    job_b = post_extract(b, "same-kid", [{"role": "user", "content": "I have a cat named Tom."}]).json()
    wait_job(b, job_b["job_id"])
    job_a = post_extract(api, "same-kid", [{"role": "user", "content": "I love pizza."}]).json()
    wait_job(api, job_a["job_id"])

    # A cannot poll, list, search, read favourites of, or delete B's data.
    assert api.get(f"{api.base}/v1/jobs/{job_b['job_id']}", timeout=5).status_code == 404
    a_list = api.get(f"{api.base}/v1/users/same-kid/memories", timeout=5).json()["memories"]
    b_list = b.get(f"{b.base}/v1/users/same-kid/memories", timeout=5).json()["memories"]
    assert {m["object"] for m in a_list}.isdisjoint({m["object"] for m in b_list})
    assert any("cat" in m["object"] for m in b_list)
    hits = api.post(f"{api.base}/v1/search", json={"user_id": "same-kid", "query": "cat pet"},
                    timeout=10).json()["results"]
    assert all("cat" not in h["object"] for h in hits)
    fav = api.get(f"{api.base}/v1/users/same-kid/favorites", timeout=5).json()
    assert "pet" not in fav["summary"]
    gone = api.delete(f"{api.base}/v1/memories/{b_list[0]['id']}", timeout=5)
    assert gone.status_code == 404  # not 403: existence does not leak
    assert len(b.get(f"{b.base}/v1/users/same-kid/memories", timeout=5).json()["memories"]) == len(b_list)


def test_revoked_key_stops_working_immediately(stack, tenant):
    key_id, key = api_keys.create_key(tenant, "short-lived")
    s = session_for(stack.api_url, key)
    assert s.get(f"{s.base}/v1/jobs/{DUMMY_ID}", timeout=5).status_code == 404  # accepted, cached
    assert api_keys.revoke(key_id)
    resp = s.get(f"{s.base}/v1/jobs/{DUMMY_ID}", timeout=5)
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: DUMMY_ID if "id" in m.group(0) and "user" not in m.group(0)
                  else "same-kid", path)


def test_every_documented_endpoint_needs_a_key_and_respects_the_tenant(api, stack, tenant):
    doc = requests.get(stack.api_url + "/openapi.json", timeout=5).json()
    _, other = api_keys.create_key(tenant + "-x", "x")
    bodies = {"/v1/memories/extract": {"user_id": "same-kid", "messages": [{"role": "user", "content": "hi"}]},
              "/v1/memories": {"user_id": "same-kid", "facts": [{"text": "Likes kites"}]},
              "/v1/search": {"user_id": "same-kid", "query": "kites"}}
    checked = 0
    for path, ops in doc["paths"].items():
        for method in ops:
            url = stack.api_url + _concrete(path)
            kwargs = {"json": bodies.get(path)} if method == "post" else {}
            anon = requests.request(method, url, timeout=10, **kwargs)
            assert anon.status_code == 401, (method, path, anon.status_code)
            assert anon.json()["error"]["code"] == "unauthorized"
            wrong = requests.request(method, url, timeout=10, headers={"X-API-Key": other}, **kwargs)
            assert wrong.status_code in (200, 202, 404), (method, path, wrong.status_code)
            if wrong.status_code == 200 and path.endswith("/memories"):
                assert wrong.json()["memories"] == []
            checked += 1
    assert checked >= 7


def test_rate_limit_per_key_is_429_with_retry_after(stack, tenant):
    url = stack.start_api("api-limited", RATE_LIMIT="5/hour")  # no window edge mid-test
    _, key = api_keys.create_key(tenant, "limited")
    _, other = api_keys.create_key(tenant, "another")
    codes = [requests.get(f"{url}/v1/jobs/{DUMMY_ID}", headers={"X-API-Key": key}, timeout=5).status_code
             for _ in range(7)]
    assert codes[:5] == [404] * 5 and codes[5:] == [429, 429]
    limited = requests.get(f"{url}/v1/jobs/{DUMMY_ID}", headers={"X-API-Key": key}, timeout=5)
    assert limited.json()["error"]["code"] == "rate_limited" and int(limited.headers["Retry-After"]) > 0
    # Per key: another key of the same tenant is not limited by the first one's use.
    assert requests.get(f"{url}/v1/jobs/{DUMMY_ID}", headers={"X-API-Key": other}, timeout=5).status_code == 404
    assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
    stack.kill("api-limited")


def test_metrics_carry_no_tenant_or_user_ids(api, stack):
    post_extract(api, "kid-metrics", [{"role": "user", "content": "I love trains."}])
    body = requests.get(stack.api_url + "/metrics", timeout=5).text
    assert "pika_http_request_seconds" in body and "pika_queue_length" in body
    assert api.tenant not in body and "kid-metrics" not in body


def test_admin_key_forgets_a_whole_child_and_others_may_not(api, stack, tenant, database):
    from sqlalchemy import text

    from helpers import count_vectors, wait_until
    wait_job(api, post_extract(api, "kid-forget", [
        {"role": "user", "content": "I have a dog. I love pizza."}]).json()["job_id"])
    _, reader = api_keys.create_key(tenant, "reader", ("memories:read", "memories:write"))
    denied = requests.delete(f"{stack.api_url}/v1/users/kid-forget", headers={"X-API-Key": reader}, timeout=5)
    assert denied.status_code == 403
    assert count_vectors(tenant, "kid-forget") == 2

    gone = api.delete(f"{api.base}/v1/users/kid-forget", timeout=10)  # the fixture key has every scope
    assert gone.status_code == 200 and gone.json()["deleted"]["memories"] == 2
    assert api.get(f"{api.base}/v1/users/kid-forget/memories", timeout=5).json()["memories"] == []
    assert api.get(f"{api.base}/v1/users/kid-forget/favorites", timeout=5).json()["summary"] == {}
    wait_until(lambda: count_vectors(tenant, "kid-forget") == 0, timeout=20, what="vectors purged")
    hits = api.post(f"{api.base}/v1/search", json={"user_id": "kid-forget", "query": "dog"},
                    timeout=10).json()["results"]
    assert hits == []
    with database.connect() as conn:
        actions = conn.execute(text("SELECT action, target FROM audit_log WHERE tenant_id = :t"),
                               {"t": tenant}).all()
    assert ("user.delete", "kid-forget") in [tuple(a) for a in actions]
    assert any(a[0] == "key.create" for a in actions)
