"""The real stack for integration tests: Postgres, Redis, Celery workers as processes.

Settings come from the environment, so it is set here before pika_mem is imported.
Each test uses its own tenant and user ids; nothing is mocked, nothing is eager.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

DATA_DIR = Path(tempfile.mkdtemp(prefix="pika-test-"))
# PIKA_TEST_SLOT (0-3) gives a run its own database and Redis dbs, so two checkouts can
# run the suite at once on one machine. Slot 0 is the default.
_SLOT = int(os.environ.get("PIKA_TEST_SLOT", "0"))
_DB = "pika_mem_test" + (f"_{_SLOT}" if _SLOT else "")
_R = {0: 10, 1: 3, 2: 6, 3: 13}[_SLOT]  # make run keeps Redis dbs 0-2
TEST_ENV = {
    "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{_DB}",
    "REDIS_URL": f"redis://127.0.0.1:6379/{_R}",
    "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{_R + 1}",
    "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:6379/{_R + 2}",
    "PIKA_DATA_DIR": str(DATA_DIR),
    "GRAPH_ENABLED": "true",
    "GRAPH_URI": f"bolt://127.0.0.1:{_free_port()}",
    # Short, so a killed worker's unacked message comes back within the test.
    "CELERY_VISIBILITY_TIMEOUT": "8",
    "REAPER_STUCK_SECONDS": "1",
    "REAPER_INTERVAL_SECONDS": "3600",
    "REAPER_STALLED_SECONDS": "10",
    "SEARCH_TIMEOUT_SECONDS": "5",
    "RATE_LIMIT": "100000/minute",
    # Every test calls from 127.0.0.1 and many check 401s: tests of the limit set their own.
    "AUTH_FAILURE_LIMIT": "100000/minute",
    # Tests stop and start workers and expect /readyz to say so at once.
    "READYZ_CACHE_SECONDS": "0",
    # Small batches: a chord of several embedding tasks, as a long conversation makes.
    "EMBEDDING_BATCH_SIZE": "16",
}
os.environ.update(TEST_ENV)

from pika_mem import api_keys, schema  # noqa: E402
from pika_mem.db import get_engine  # noqa: E402

WORKERS = {
    "extraction": ["-Q", "extraction", "-c", "1"],
    "memory": ["-Q", "embedding,search", "-P", "threads", "-c", "4"],
    "maintenance": ["-Q", "favorites,invalidation", "-c", "1"],
}


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05, what: str = "condition"):
    """Poll until predicate() is truthy; its value, or AssertionError at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


free_port = _free_port


class Stack:
    """Worker and API processes of the test run."""

    def __init__(self):
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs = DATA_DIR / "logs"
        self.logs.mkdir(exist_ok=True)

    def env(self, **extra) -> dict:
        env = {**os.environ, **TEST_ENV, **extra}
        env["PYTHONPATH"] = str(ROOT)
        return env

    def start_worker(self, name: str, *, extra_env: dict | None = None, args: list | None = None,
                     as_name: str | None = None):
        """A worker of WORKERS[name] (or with `args` instead), known as `as_name` (default
        `name`) to kill(); `extra_env` overrides settings for this worker only."""
        key = as_name or name
        node = f"{key}-{uuid.uuid4().hex[:6]}@test"
        cmd = [sys.executable, "-m", "celery", "-A", "tasks", "worker", "-E", "-n", node,
               "--loglevel=INFO", "--without-gossip", "--without-mingle",
               *(WORKERS[name] if args is None else args)]
        log = open(self.logs / f"worker-{key}.log", "ab")
        self.procs[key] = subprocess.Popen(cmd, cwd=ROOT, env=self.env(**(extra_env or {})),
                                           stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True)
        from tasks.app import app
        wait_until(lambda: app.control.ping(destination=[node], timeout=0.5), timeout=60,
                   what=f"worker {node}")
        return self.procs[key]

    def start_graph(self):
        """The embedded graph (ArcadeDB with Bolt), as make run starts it."""
        log_path = self.logs / "graph.log"
        log = open(log_path, "ab")
        start = log.tell()  # the log is shared: only a ready line from this start counts
        self.procs["graph"] = subprocess.Popen(
            [sys.executable, "-m", "pika_mem.graph_server"], cwd=ROOT, env=self.env(),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(lambda: b" ready" in log_path.read_bytes()[start:], timeout=60, interval=0.1,
                   what="graph server")

    def start_api(self, name: str = "api", **extra_env) -> str:
        port = free_port()
        cmd = [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "1",
               "--blocking-threads", "4", "--host", "127.0.0.1", "--port", str(port), "api.wsgi:app"]
        log = open(self.logs / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=self.env(**extra_env), stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        import requests

        def up():
            try:
                return requests.get(url + "/healthz", timeout=0.5).ok
            except requests.RequestException:
                return False
        wait_until(up, timeout=30, what=f"{name} on {url}")
        return url

    def kill(self, name: str, sig=signal.SIGKILL):
        proc = self.procs.pop(name)
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop_all(self):
        for name in list(self.procs):
            proc = self.procs[name]
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name, proc in list(self.procs.items()):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs.clear()


@pytest.fixture(scope="session")
def database():
    schema.create_database()
    schema.migrate()
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
