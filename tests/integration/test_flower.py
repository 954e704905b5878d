"""Flower as operators see it: basic auth, the three workers online, every queue listed,
checked in headless Chromium by scripts/check_flower.py.

Flower and the workers here use their own broker database (TEST_ENV otherwise): workers
on the shared test broker would take other tests' messages, and Flower's /broker page
lists the queues the connected workers consume, so all three workers must run.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import uuid

import pytest
import requests

from helpers import ROOT, TEST_ENV, WORKERS, free_port, wait_until

# This test's own broker database (the suite uses 10-12). Nothing is ever sent to it,
# so it is never flushed (a concurrent run of this test shares it harmlessly).
BROKER_URL = "redis://127.0.0.1:6379/13"
USER, PASSWORD = "u", "p-" + uuid.uuid4().hex[:8]


def _chromium_available() -> bool:
    sys.path.insert(0, str(ROOT / "scripts"))
    from check_flower import find_chromium
    return bool(find_chromium()) or (os.geteuid() == 0 and bool(shutil.which("apt-get")))


@pytest.fixture(scope="module")
def flower(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("flower")
    env = {**os.environ, **TEST_ENV, "CELERY_BROKER_URL": BROKER_URL,
           "PIKA_DATA_DIR": str(tmp_path / "data"), "GRAPH_ENABLED": "false",
           "PYTHONPATH": str(ROOT)}
    procs: list[subprocess.Popen] = []
    logs = tmp_path / "logs"
    logs.mkdir()

    def start(name: str, *args: str) -> None:
        log = open(logs / f"{name}.log", "ab")
        procs.append(subprocess.Popen([sys.executable, "-m", "celery", "-A", "tasks", *args],
                                      cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True))

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    try:
        start("flower", "flower", "--address=127.0.0.1", f"--port={port}",
              f"--basic-auth={USER}:{PASSWORD}")
        nodes = {}
        for name, queue_args in WORKERS.items():
            nodes[name] = f"{name}-{uuid.uuid4().hex[:6]}@test"
            start(f"worker-{name}", "worker", "-E", "-n", nodes[name], "--loglevel=INFO",
                  "--without-gossip", "--without-mingle", *queue_args)

        def flower_up():
            try:
                return requests.get(url + "/healthcheck", auth=(USER, PASSWORD), timeout=1).ok
            except requests.RequestException:
                return False
        wait_until(flower_up, timeout=60, interval=0.1, what=f"Flower on {url}")

        def workers_known():
            r = requests.get(url + "/api/workers", params={"refresh": 1},
                             auth=(USER, PASSWORD), timeout=10)
            return r.ok and set(nodes.values()) <= set(r.json())
        wait_until(workers_known, timeout=120, interval=0.5, what="Flower to see the workers")
        yield url, nodes, tmp_path
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def test_flower_requires_auth_and_shows_workers_and_queues(flower):
    url, nodes, tmp_path = flower
    assert requests.get(url + "/workers", timeout=5).status_code == 401
    assert requests.get(url + "/workers", auth=(USER, "wrong"), timeout=5).status_code == 401
    if not _chromium_available():
        pytest.skip("chromium is not installed and cannot be installed here (not root)")

    shot = tmp_path / "flower.png"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_flower.py"), "--url", url,
         "--user", USER, "--password", PASSWORD, "--screenshot", str(shot), "--wait", "60"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Flower check passed" in done.stdout
    for node in nodes.values():
        assert node in done.stdout
    for queue in ("extraction", "embedding", "search", "favorites"):
        assert f"{queue}=" in done.stdout
    assert shot.exists() and shot.stat().st_size > 10_000  # a real 1400x900 render
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("PIKA_KEEP_FLOWER_PNG")
    if keep:
        shutil.copy(shot, keep)


def test_check_flower_fails_clearly_when_a_worker_is_missing(flower):
    url, _, tmp_path = flower
    assert requests.get(url + "/healthcheck", timeout=5).ok
    if not _chromium_available():
        pytest.skip("chromium is not installed and cannot be installed here (not root)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_flower.py"), "--url", url,
         "--user", USER, "--password", PASSWORD, "--screenshot", str(tmp_path / "x.png"),
         "--workers", "extraction,ghost", "--wait", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "no online worker named ghost@" in done.stderr
