"""Refused requests: the documented status, the error envelope, and nothing written.

HTTP alone decides these, so they run through the Flask test client against the real
Postgres and Redis, without workers, graph or an HTTP server.
"""
from __future__ import annotations

import pytest

from helpers import envelope, fields, nothing_written

GOOD = {"user_id": "kid-v", "messages": [{"role": "user", "content": "I like cats."}]}


@pytest.fixture()
def api(client):
    return client


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


def test_no_key_is_401_and_wrong_scope_is_403(api, flask_app):
    from pika_mem.access import api_keys
    http = flask_app.test_client()
    envelope(http.post("/v1/memories/extract", json=GOOD), 401, "unauthorized")
    envelope(http.post("/v1/memories/extract", json=GOOD, headers={"X-API-Key": "pk_nope"}), 401)
    _, reader = api_keys.create_key(api.tenant, "reader", ("memories:read",))
    envelope(http.post("/v1/memories/extract", json=GOOD, headers={"X-API-Key": reader}), 403, "forbidden")


def test_openapi_is_generated_from_the_schemas(flask_app):
    doc = flask_app.test_client().get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert "/v1/memories/extract" in doc["paths"] and "/v1/jobs/{job_id}" in doc["paths"]
    schemas = doc["components"]["schemas"]
    assert any(name.startswith("ExtractRequest") for name in schemas)
