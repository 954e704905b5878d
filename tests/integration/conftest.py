"""The real stack for integration tests: Postgres, Redis, Celery workers as processes.

Settings come from the environment: helpers.py sets it before pika_mem is imported.
Each test uses its own tenant and user ids; nothing is mocked, nothing is eager.
"""
from __future__ import annotations

import shutil
import uuid

import pytest

from helpers import DATA_DIR, TEST_ENV, WORKERS, Stack  # helpers sets the environment first
from pika_mem.access import api_keys
from pika_mem.admin import migrations
from pika_mem.db import get_engine


@pytest.fixture(scope="session")
def database():
    migrations.create_database()
    migrations.migrate()
    with get_engine().begin() as conn:
        conn.exec_driver_sql("TRUNCATE jobs, memories, user_favorite_summary, audit_log, api_keys CASCADE")
    import redis
    for url in (TEST_ENV["REDIS_URL"], TEST_ENV["CELERY_BROKER_URL"], TEST_ENV["CELERY_RESULT_BACKEND"]):
        redis.Redis.from_url(url).flushdb()
    return get_engine()


@pytest.fixture(scope="session")
def stack(database):
    s = Stack()
    try:
        s.start_graph()
        for name in WORKERS:
            s.start_worker(name)
        s.api_url = s.start_api()
        yield s
    finally:
        s.stop_all()
        shutil.rmtree(DATA_DIR, ignore_errors=True)


@pytest.fixture()
def tenant():
    return f"t-{uuid.uuid4().hex[:8]}"


@pytest.fixture()
def api(stack, tenant):
    """A requests session against the real API with a fresh key of a fresh tenant."""
    import requests
    _, key = api_keys.create_key(tenant, "test")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"
    session.base = stack.api_url
    session.tenant = tenant
    return session


class _Reply:
    """A Flask test response with the requests-style surface the tests use."""

    def __init__(self, resp):
        self._resp, self.status_code, self.headers = resp, resp.status_code, resp.headers
        self.text = resp.get_data(as_text=True)

    def json(self):
        return self._resp.get_json()


class FlaskClient:
    """The app in this process (Flask's test client): Postgres and Redis, no workers, no
    JVM, no HTTP server. For what HTTP alone decides: validation, auth, envelopes."""

    base = ""

    def __init__(self, app, tenant: str, key: str):
        self._client, self.tenant = app.test_client(), tenant
        self._auth = {"Authorization": f"Bearer {key}"}

    def request(self, method, url, json=None, data=None, headers=None, params=None, timeout=None):
        resp = self._client.open(url, method=method, json=json, data=data, query_string=params,
                                 headers={**self._auth, **(headers or {})})
        return _Reply(resp)

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    def post(self, url, **kw):
        return self.request("POST", url, **kw)

    def delete(self, url, **kw):
        return self.request("DELETE", url, **kw)


@pytest.fixture(scope="session")
def flask_app(database):
    from api import create_app
    return create_app({"TESTING": True})


@pytest.fixture()
def client(flask_app, tenant):
    """Like `api`, but through the Flask test client: no stack is started for it."""
    _, key = api_keys.create_key(tenant, "test")
    return FlaskClient(flask_app, tenant, key)
