"""Limits at the door: failed authentications per address, unknown keys remembered."""
from __future__ import annotations

import secrets
import time
import uuid

import pytest
import requests
from sqlalchemy import event

from conftest import wait_until
from pika_mem import api_keys
from pika_mem.db import get_engine
from pika_mem.models import api_keys as api_keys_table

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
