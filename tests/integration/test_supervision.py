"""`make run`'s supervision, for real: every Procfile process under supervisord, one of
them killed with SIGKILL, restarted on its own while the API keeps answering; a
shutdown stops them all."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from helpers import ROOT, TEST_ENV, free_port, wait_until

BIN = Path(sys.executable).parent


def _ctl(conf: Path, *args: str) -> str:
    return subprocess.run([str(BIN / "supervisorctl"), "-c", str(conf), *args],
                          capture_output=True, text=True, timeout=30).stdout


def _pid(conf: Path, name: str) -> int:
    out = _ctl(conf, "pid", name).strip()
    return int(out) if out.isdigit() else 0


def _healthy(url: str) -> bool:
    try:
        return requests.get(url + "/healthz", timeout=1).ok
    except requests.RequestException:
        return False


@pytest.mark.timeout(400)
def test_a_killed_worker_restarts_on_its_own_and_the_rest_keep_serving(database):
    data = Path(tempfile.mkdtemp(prefix="pika-sv-"))
    port = free_port()
    env = {**os.environ, **TEST_ENV, "PIKA_DATA_DIR": str(data), "PORT_API": str(port),
           "PORT_FLOWER": str(free_port()), "GRAPH_URI": f"bolt://127.0.0.1:{free_port()}",
           "FLOWER_PASSWORD": "sv-test", "WEB_CONCURRENCY": "1", "PYTHONPATH": str(ROOT)}
    conf = data / "supervisord.conf"
    conf.write_text(subprocess.run([sys.executable, "scripts/supervisor_conf.py", "Procfile", str(data)],
                                   cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    sup = subprocess.Popen([str(BIN / "supervisord"), "-c", str(conf)], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    api = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _healthy(api), timeout=90, interval=0.5, what="web under supervisord")
        wait_until(lambda: _pid(conf, "worker-extraction"), timeout=60, what="worker-extraction")
        victim, web = _pid(conf, "worker-extraction"), _pid(conf, "web")
        started = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        restarted = wait_until(lambda: (p := _pid(conf, "worker-extraction")) not in (0, victim) and p,
                               timeout=60, interval=0.2, what="worker-extraction restarted")
        print(f"worker-extraction back after {time.monotonic() - started:.1f} s (pid {victim} → {restarted})")
        assert _healthy(api), "the API stopped serving while a worker was down"
        assert _pid(conf, "web") == web, "the web process was restarted too"
        def all_running():
            lines = _ctl(conf, "status").strip().splitlines()
            return len(lines) == 7 and all(line.split()[1] == "RUNNING" for line in lines)
        wait_until(all_running, timeout=30, interval=0.5, what="every program RUNNING again")
        assert (data / "logs" / "worker-extraction.log").stat().st_size > 0
    finally:
        _ctl(conf, "shutdown")
        try:
            sup.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(sup.pid, signal.SIGKILL)
    assert sup.returncode is not None
    wait_until(lambda: not _healthy(api), timeout=30, what="everything stopped")
