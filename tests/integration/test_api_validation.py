"""Refused requests: the documented status, the error envelope, and nothing written."""
from __future__ import annotations

import pytest
from sqlalchemy import text

GOOD = {"user_id": "kid-v", "messages": [{"role": "user", "content": "I like cats."}]}


def nothing_written(database, tenant):
    with database.connect() as conn:
        jobs = conn.execute(text("SELECT count(*) FROM jobs WHERE tenant_id = :t"), {"t": tenant}).scalar()
        mems = conn.execute(text("SELECT count(*) FROM memories WHERE tenant_id = :t"), {"t": tenant}).scalar()
    return jobs == 0 and mems == 0


def envelope(resp, status, code=None):
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert set(err) == {"code", "message", "details"} and err["message"]
    if code:
        assert err["code"] == code
    return err


def fields(err):
    return {f["field"] for f in err["details"]["fields"]}


def test_bad_json_is_400(api, database):
    resp = api.post(api.base + "/v1/memories/extract", data=b'{"user_id": "x", "messages": [',
                    headers={"Content-Type": "application/json"}, timeout=5)
    envelope(resp, 400, "bad_json")
    assert nothing_written(database, api.tenant)


@pytest.mark.parametrize("body, field", [
    ({"user_id": 42, "messages": GOOD["messages"]}, "user_id"),
    ({"user_id": "kid", "messages": "hello"}, "messages"),
    ({"user_id": "kid", "messages": []}, "messages"),
    ({"user_id": "kid", "messages": [{"role": "user", "content": "x"}] * 101}, "messages"),
    ({"user_id": "kid", "messages": [{"role": "user", "content": "a" * 4001}]}, "messages.0.content"),
    ({"user_id": "kid", "messages": [{"role": "robot", "content": "hi"}]}, "messages.0.role"),
    ({"user_id": "kid", "messages": GOOD["messages"], "surprise": 1}, "surprise"),
    ({"user_id": "kid\x07bell", "messages": GOOD["messages"]}, "user_id"),
    ({"user_id": "", "messages": GOOD["messages"]}, "user_id"),
    ({"user_id": "k" * 129, "messages": GOOD["messages"]}, "user_id"),
    ({"messages": GOOD["messages"]}, "user_id"),
])
def test_invalid_fields_are_422_naming_the_field(api, database, body, field):
    err = envelope(api.post(api.base + "/v1/memories/extract", json=body, timeout=5), 422, "invalid_fields")
    assert field in fields(err)
    assert nothing_written(database, api.tenant)


def test_body_over_256_kib_is_413(api, database):
    big = {"user_id": "kid", "messages": [{"role": "user", "content": "x" * 4000}] * 70}
    envelope(api.post(api.base + "/v1/memories/extract", json=big, timeout=5), 413, "payload_too_large")
    assert nothing_written(database, api.tenant)


def test_given_facts_validation(api, database):
    bad = {"user_id": "kid", "facts": [{"text": "x", "category": "spaceship"}]}
    err = envelope(api.post(api.base + "/v1/memories", json=bad, timeout=5), 422)
    assert "facts.0.category" in fields(err)
    bad = {"user_id": "kid", "facts": [{"text": "x", "importance": 9}]}
    envelope(api.post(api.base + "/v1/memories", json=bad, timeout=5), 422)
    assert nothing_written(database, api.tenant)


def test_unknown_job_and_route_are_404_envelopes(api):
    envelope(api.get(api.base + "/v1/jobs/00000000-0000-0000-0000-000000000000", timeout=5), 404, "not_found")
    envelope(api.get(api.base + "/v1/jobs/not-a-uuid", timeout=5), 404, "not_found")
    envelope(api.get(api.base + "/v1/nothing-here", timeout=5), 404, "not_found")


def test_no_key_is_401_and_wrong_scope_is_403(api, stack):
    import requests
    from pika_mem import api_keys
    envelope(requests.post(stack.api_url + "/v1/memories/extract", json=GOOD, timeout=5), 401, "unauthorized")
    envelope(requests.post(stack.api_url + "/v1/memories/extract", json=GOOD, timeout=5,
                           headers={"X-API-Key": "pk_nope"}), 401)
    _, reader = api_keys.create_key(api.tenant, "reader", ("memories:read",))
    envelope(requests.post(stack.api_url + "/v1/memories/extract", json=GOOD, timeout=5,
                           headers={"X-API-Key": reader}), 403, "forbidden")


def test_openapi_is_generated_from_the_schemas(stack):
    import requests
    doc = requests.get(stack.api_url + "/openapi.json", timeout=5).json()
    assert doc["openapi"].startswith("3.")
    assert "/v1/memories/extract" in doc["paths"] and "/v1/jobs/{job_id}" in doc["paths"]
    schemas = doc["components"]["schemas"]
    assert any(name.startswith("ExtractRequest") for name in schemas)
