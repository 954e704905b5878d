"""Hostile and unlucky input at the API: no wildcard, no forged key, no oracle, no 500.

Each test here failed before its fix (issue "hostile input"); they run on the real stack.
"""
from __future__ import annotations

import uuid

import pytest
import requests
from sqlalchemy import text

from helpers import count_vectors, envelope, fields, nothing_written, post_extract, search_rpc, wait_job, wait_until
from pika_mem.access import api_keys
from pika_mem.ledger.tables import api_keys as api_keys_table


def _given(api, user_id, *facts):
    body = {"user_id": user_id, "facts": [dict(f) for f in facts]}
    resp = api.post(api.base + "/v1/memories", json=body, timeout=10)
    assert resp.status_code == 202, resp.text
    return wait_job(api, resp.json()["job_id"])


def test_star_user_id_is_a_literal_child_and_deleting_it_touches_no_one_else(api, database):
    _given(api, "kid-a", {"text": "Has a dog", "category": "pet", "object": "dog"})
    _given(api, "kid-b", {"text": "Allergic to peanuts", "category": "allergy", "object": "peanuts"})
    _given(api, "*", {"text": "Likes kites", "category": "toy", "object": "kites"})
    assert count_vectors(api.tenant, "*") == 1
    assert [h["object"] for h in search_rpc(api.tenant, "*", "kites")] == ["kites"]

    gone = api.delete(f"{api.base}/v1/users/*", timeout=10)
    assert gone.status_code == 200, gone.text
    assert gone.json()["deleted"]["memories"] == 1
    wait_until(lambda: count_vectors(api.tenant, "*") == 0, timeout=20, what="'*' purged")
    # The purge ran: the other children keep their vectors, search hits and ledger rows.
    assert count_vectors(api.tenant, "kid-a") == 1 and count_vectors(api.tenant, "kid-b") == 1
    assert [h["object"] for h in search_rpc(api.tenant, "kid-b", "peanuts")] == ["peanuts"]
    assert api.get(f"{api.base}/v1/users/kid-a/memories", timeout=5).json()["memories"]


@pytest.mark.parametrize("tenant_id", ["x:b", "X", "", "-x", "a" * 65, "t/1", "t 1"])
def test_tenant_ids_that_could_forge_keys_are_refused_at_creation(tenant_id):
    with pytest.raises(api_keys.InvalidTenant):
        api_keys.create_key(tenant_id, "forger")


def test_cli_refuses_a_bad_tenant_with_a_clear_error(capsys):
    from pika_mem.admin import cli
    assert cli.main(["create-key", "--tenant", "x:b", "--name", "forger"]) == 2
    assert "invalid tenant id" in capsys.readouterr().err


def _legacy_key(database, tenant: str) -> str:
    """A key for a tenant id created before ids were restricted (inserted directly)."""
    key = "pk_" + uuid.uuid4().hex
    with database.begin() as conn:
        conn.execute(api_keys_table.insert().values(
            id=str(uuid.uuid4()), tenant_id=tenant, name="legacy", key_hash=api_keys.hash_key(key),
            scopes=list(api_keys.SCOPES)))
    return key


def test_tenants_x_and_x_colon_b_never_share_a_cache_key(stack, database):
    base = f"x{uuid.uuid4().hex[:6]}"
    x = requests.Session()
    x.headers["Authorization"] = f"Bearer {api_keys.create_key(base, 'x')[1]}"
    xb = requests.Session()
    xb.headers["Authorization"] = f"Bearer {_legacy_key(database, base + ':b')}"
    for s in (x, xb):
        s.base = stack.api_url
    _given(x, "b:c", {"text": "Allergic to shrimp", "category": "allergy", "object": "shrimp"},
           {"text": "Loves cats", "category": "pet", "object": "cats"})
    asked = {"user_id": "b:c", "query": "what is she allergic to"}
    assert x.post(stack.api_url + "/v1/search", json=asked, timeout=10).json()["results"]  # L1 now warm
    assert x.get(stack.api_url + "/v1/users/b:c/favorites", timeout=5).json()["summary"]

    probe = {"user_id": "c", "query": "what is she allergic to"}
    for _ in range(2):  # the second answer comes from the caches when anything is cached
        hits = xb.post(stack.api_url + "/v1/search", json=probe, timeout=10)
        assert hits.status_code == 200, hits.text
        assert hits.json()["results"] == []
    fav = xb.get(stack.api_url + "/v1/users/c/favorites", timeout=5).json()
    assert fav["summary"] == {} and fav["profile"] == {}


def test_cursor_is_opaque_scoped_and_tampering_is_400(api):
    _given(api, "kid-pages", *[{"text": f"Likes toy {i}", "category": "toy", "object": f"toy {i}"}
                               for i in range(5)])
    url = f"{api.base}/v1/users/kid-pages/memories"
    seen, cursor = [], None
    while True:
        page = api.get(url, params={"limit": 2, **({"cursor": cursor} if cursor else {})}, timeout=5)
        assert page.status_code == 200, page.text
        seen += [m["object"] for m in page.json()["memories"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
        assert "-" not in cursor or len(cursor) != 36  # not a bare fact id
    assert sorted(seen) == [f"toy {i}" for i in range(5)]

    other = api.get(url, timeout=5).json()["memories"][0]["id"]
    for bad in ("-" * 36, other, "bm90LWpzb24", cursor or "AAAA" + "x"):
        envelope(api.get(url, params={"cursor": bad}, timeout=5), 400, "bad_cursor")


def test_idempotency_key_is_bound_to_its_request(api, database):
    convo = [{"role": "user", "content": "I have a hamster."}]
    first = post_extract(api, "kid-idem", convo, **{"Idempotency-Key": "k-1"})
    again = post_extract(api, "kid-idem", convo, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 202
    assert first.json()["job_id"] == again.json()["job_id"]

    other_child = post_extract(api, "kid-other", convo, **{"Idempotency-Key": "k-1"})
    err = envelope(other_child, 409, "idempotency_key_reused")
    assert err["details"]["job_id"] == first.json()["job_id"]
    other_talk = post_extract(api, "kid-idem", [{"role": "user", "content": "I love owls."}],
                              **{"Idempotency-Key": "k-1"})
    envelope(other_talk, 409, "idempotency_key_reused")
    facts = api.post(api.base + "/v1/memories", headers={"Idempotency-Key": "k-1"}, timeout=10,
                     json={"user_id": "kid-idem", "facts": [{"text": "Likes owls"}]})
    envelope(facts, 409, "idempotency_key_reused")
    with database.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM jobs WHERE tenant_id = :t"), {"t": api.tenant}).scalar()
    assert n == 1


@pytest.mark.parametrize("body, field", [
    ({"user_id": "kid-n", "messages": [{"role": "user", "content": "I like\u0000 cats"}]}, "messages.0.content"),
    ({"user_id": "kid-n", "session_id": "s\u00001", "messages": [{"role": "user", "content": "hi"}]},
     "session_id"),
    ({"user_id": "kid-n", "messages": [{"role": "user", "content": "hi"}], "metadata": {"a": ["x\u0000"]}},
     "metadata"),
    ({"user_id": "kid-n", "messages": [{"role": "user", "content": "hi"}], "metadata": {"k\u0000": 1}},
     "metadata"),
    ({"user_id": "kid-n", "messages": [{"role": "user", "content": "bad \ud800 half"}]}, "messages.0.content"),
    ({"user_id": "kid/n", "messages": [{"role": "user", "content": "hi"}]}, "user_id"),
])
def test_text_postgres_refuses_is_422_naming_the_field(api, database, body, field):
    err = envelope(api.post(api.base + "/v1/memories/extract", json=body, timeout=10), 422, "invalid_fields")
    assert field in fields(err)
    assert nothing_written(database, api.tenant)


def test_nul_in_given_facts_and_search_is_422(api, database):
    resp = api.post(api.base + "/v1/memories", timeout=10,
                    json={"user_id": "kid-n", "facts": [{"text": "nul\u0000here"}]})
    assert "facts.0.text" in fields(envelope(resp, 422))
    resp = api.post(api.base + "/v1/search", json={"user_id": "kid-n", "query": "q\u0000"}, timeout=10)
    assert "query" in fields(envelope(resp, 422))
    assert nothing_written(database, api.tenant)


@pytest.mark.parametrize("path", ["/v1/search", "/v1/memories/extract", "/v1/memories"])
def test_deep_nesting_is_400_not_a_recursion_error(api, database, path):
    deep = b'{"user_id": "kid-deep", "query": "x", "metadata": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    for _ in range(2):  # the second time the key is known to the fast path
        resp = api.post(api.base + path, data=deep, headers={"Content-Type": "application/json"},
                        timeout=10)
        err = envelope(resp, 400, "too_deep")
        assert err["details"]["max_depth"] == 32
    assert nothing_written(database, api.tenant)


def test_sane_nesting_in_metadata_is_accepted(api):
    meta = {"a": {"b": {"c": [1, [2, [3]]]}}}
    resp = api.post(api.base + "/v1/memories/extract", timeout=10, json={
        "user_id": "kid-meta", "metadata": meta, "messages": [{"role": "user", "content": "hi"}]})
    assert resp.status_code == 202, resp.text


def test_nul_never_reaches_a_log(api, stack):
    marker = f"zq{uuid.uuid4().hex[:10]}"
    api.post(api.base + "/v1/memories/extract", timeout=10, json={
        "user_id": "kid-log", "messages": [{"role": "user", "content": f"{marker}\u0000"}]})
    logs = b"".join(p.read_bytes() for p in stack.logs.glob("*.log"))
    assert marker.encode() not in logs
