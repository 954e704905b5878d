"""What integration tests share: the test environment (set before pika_mem is imported),
waiting on conditions, and the HTTP, RPC and CLI calls several test modules make.

conftest.py builds the stack and fixtures from these; test modules import from here,
never from each other.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
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
    "GRAPH_URI": f"bolt://127.0.0.1:{free_port()}",
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

DEV = ROOT / "tests" / "data" / "dev_conversations.jsonl"


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


# ---------------------------------------------------------------------- HTTP
def session_for(base: str, key: str):
    """A requests session with a key, its base URL on `.base`."""
    import requests
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {key}"
    s.base = base
    return s


def post_extract(api, user_id, messages, **headers):
    return api.post(api.base + "/v1/memories/extract", json={"user_id": user_id, "messages": messages},
                    headers=headers, timeout=10)


def wait_job(api, job_id, status="completed", timeout=60):
    def reached():
        body = api.get(f"{api.base}/v1/jobs/{job_id}", timeout=5).json()
        if body["status"] == "failed" and status != "failed":
            raise AssertionError(f"job failed: {body['error']}")
        return body if body["status"] == status else None
    return wait_until(reached, timeout=timeout, what=f"job {job_id} {status}")


def envelope(resp, status, code=None):
    """The error envelope of a response that must have this status (and code)."""
    assert resp.status_code == status, resp.text
    body = resp.json() if callable(resp.json) else resp.json  # requests, or Flask's test client
    err = body["error"]
    assert set(err) == {"code", "message", "details"} and err["message"]
    if code:
        assert err["code"] == code
    return err


def fields(err):
    return {f["field"] for f in err["details"]["fields"]}


def dev_conversations() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text().splitlines()]


def dev_conversation(conv_id: str) -> dict:
    for conv in dev_conversations():
        if conv["id"] == conv_id:
            return conv
    raise KeyError(conv_id)


# ---------------------------------------------------------------------- stores
def rows(database, sql, **params):
    from sqlalchemy import text
    with database.connect() as conn:
        return conn.execute(text(sql), params).mappings().all()


def nothing_written(database, tenant):
    """True when the tenant has no job and no fact."""
    from sqlalchemy import text
    with database.connect() as conn:
        jobs = conn.execute(text("SELECT count(*) FROM jobs WHERE tenant_id = :t"), {"t": tenant}).scalar()
        mems = conn.execute(text("SELECT count(*) FROM memories WHERE tenant_id = :t"), {"t": tenant}).scalar()
    return jobs == 0 and mems == 0


def search_rpc(tenant, user_id, query, limit=10):
    from tasks.app import app as celery_app
    return celery_app.send_task("search.search_memories",
                                args=[tenant, user_id, query, limit, None]).get(timeout=20)


def count_vectors(tenant, user_id):
    from tasks.app import app as celery_app
    return celery_app.send_task("search.count_memories", args=[tenant, user_id]).get(timeout=20)


# ---------------------------------------------------------------------- admin CLI
def cli_env(**extra) -> dict:
    env = {**os.environ, **TEST_ENV, **extra}
    env["PYTHONPATH"] = str(ROOT)
    return env


def cli(*args, timeout: float = 180, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pika_mem", *args], cwd=ROOT, env=cli_env(**env),
                          capture_output=True, text=True, timeout=timeout)


def seed(tenant: str, users: list[str], extra=()) -> None:
    """Two facts per child straight into the ledger (a pet and a favourite colour)."""
    from pika_mem.facts.model import ExtractedFact
    from pika_mem.ledger import facts as ledger
    for i, user in enumerate(users):
        ledger.upsert_facts(tenant, user, [
            ExtractedFact(category="pet", predicate="likes", object="mèo", text="Thích mèo", lang="vi"),
            ExtractedFact(category="color", predicate="favorite", object=f"màu {i}",
                          text=f"Màu yêu thích là màu {i}", lang="vi"),
            *extra])


def summaries(engine, tenant: str) -> set[str]:
    from sqlalchemy import text
    with engine.connect() as conn:
        return set(conn.execute(text(
            "SELECT user_id FROM user_favorite_summary WHERE tenant_id = :t"), {"t": tenant}).scalars())


def checkpoint(command: str, tenant: str | None, data_dir: Path = DATA_DIR) -> dict:
    from pika_mem.admin.batch import checkpoint_path
    return json.loads(checkpoint_path(command, tenant, data_dir).read_text())


# ---------------------------------------------------------------------- the stack
WORKERS = {
    "extraction": ["-Q", "extraction", "-c", "1"],
    "memory": ["-Q", "embedding,search", "-P", "threads", "-c", "4"],
    "maintenance": ["-Q", "favorites", "-c", "1"],
}


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
            [sys.executable, "-m", "pika_mem.index.graph_server"], cwd=ROOT, env=self.env(),
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
