"""Ingestion figures against the running stack (make run).

    .venv/bin/python bench/ingest.py [--api http://127.0.0.1:8000] [--key KEY]

Prints: accepted requests/s for POST /v1/memories/extract under concurrency,
job latency 202 → completed for a 10-turn conversation (unloaded, p50/p95/p99),
embedding throughput in facts/s (cold embedding cache, new facts), and the peak
RSS of every process of the Procfile.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadgen import pct, run_wrk, show  # noqa: E402
TEN_TURNS = [
    {"role": "assistant", "content": "Chào con! Hôm nay con thế nào?"},
    {"role": "user", "content": "Con vui lắm! Con có một con mèo tên là Mướp."},
    {"role": "assistant", "content": "Mướp dễ thương quá! Con thích ăn gì?"},
    {"role": "user", "content": "Con thích ăn kem dâu nhất."},
    {"role": "assistant", "content": "Con thích phim gì?"},
    {"role": "user", "content": "My favorite movie is Frozen and I love Olaf."},
    {"role": "assistant", "content": "Con có sợ gì không?"},
    {"role": "user", "content": "Con sợ bóng tối. Con bị dị ứng tôm."},
    {"role": "assistant", "content": "Bạn thân của con là ai?"},
    {"role": "user", "content": "Bạn thân của con là Minh. Con thích chơi đá bóng."},
]


def summary(values):
    return f"p50 {pct(values, 50):7.1f}  p95 {pct(values, 95):7.1f}  p99 {pct(values, 99):7.1f}  (n={len(values)})"


def wait_completed(session, api, job_id, deadline=120.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        body = session.get(f"{api}/v1/jobs/{job_id}", timeout=5).json()
        if body["status"] in ("completed", "failed"):
            return body
        time.sleep(0.005)
    raise RuntimeError(f"job {job_id} not done in {deadline}s")


def bench_accept(api, headers, clients, seconds):
    """Closed loop: `clients` threads posting for `seconds`; accepted (202) per second."""
    latencies, codes, job_ids = [], {}, []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run():
        s = requests.Session()
        s.headers.update(headers)
        while time.monotonic() < stop:
            body = {"user_id": f"bench-{uuid.uuid4().hex[:10]}", "messages": TEN_TURNS[:2]}
            t0 = time.perf_counter()
            r = s.post(f"{api}/v1/memories/extract", json=body, timeout=10)
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(dt)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
                if r.status_code == 202:
                    job_ids.append(r.json()["job_id"])

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return codes.get(202, 0) / elapsed, latencies, codes, job_ids


_WRK_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
request = function()
  local body = '{"user_id":"wrk-' .. math.random(1, 1000000) .. '","messages":[{"role":"user","content":"Con có một con mèo tên là Mướp."},{"role":"assistant","content":"Dễ thương quá!"}]}'
  return wrk.format(nil, "/v1/memories/extract", nil, body)
end
"""


def bench_accept_wrk(api, key, clients, seconds):
    """The same closed loop driven by wrk (C, from apt): the client costs little CPU."""
    return run_wrk(api + "/v1/memories/extract", _WRK_LUA % key, clients, seconds)


def unfinished_jobs() -> int:
    """Jobs not yet completed or failed, read from Postgres (the bench runs beside the stack)."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import text
    from pika_mem.db import get_engine
    with get_engine().connect() as conn:
        return conn.execute(text(
            "SELECT count(*) FROM jobs WHERE status NOT IN ('completed', 'failed')")).scalar()


def drain_all(deadline=900.0) -> float:
    """Wait until the backlog is processed; returns the seconds it took."""
    t0 = time.monotonic()
    while unfinished_jobs() and time.monotonic() - t0 < deadline:
        time.sleep(0.5)
    return time.monotonic() - t0


def drain(session, api, job_ids, deadline=300.0):
    """Wait until every job is done, so the next measurement starts unloaded."""
    for job_id in job_ids:
        wait_completed(session, api, job_id, deadline)


def bench_latency(session, api, n):
    client_ms, server_ms = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        r = session.post(f"{api}/v1/memories/extract",
                         json={"user_id": f"lat-{uuid.uuid4().hex[:10]}", "messages": TEN_TURNS},
                         timeout=10)
        job = wait_completed(session, api, r.json()["job_id"])
        client_ms.append((time.perf_counter() - t0) * 1000)
        server_ms.append(job["timings_ms"]["total"])
    return client_ms, server_ms


def bench_embedding(session, api, jobs, facts_per_job):
    run = uuid.uuid4().hex[:8]
    # Short numbers: 9+ digits would be masked as a citizen id (PII) before storage.
    seed = int(time.time()) % 10_000 * 1_000
    t0 = time.perf_counter()
    ids = []
    for j in range(jobs):
        # Short, like extracted facts ("Thích mèo", "Likes Frozen"), and new each run.
        facts = [{"text": f"Thích khủng long số {seed + j * facts_per_job + i}",
                  "category": "animal", "object": f"khủng long số {seed + j * facts_per_job + i}"}
                 for i in range(facts_per_job)]
        r = session.post(f"{api}/v1/memories", json={"user_id": f"emb-{run}-{j}", "facts": facts},
                         timeout=10)
        ids.append(r.json()["job_id"])
    done = [wait_completed(session, api, i, 600) for i in ids]
    elapsed = time.perf_counter() - t0
    embedded = sum(d["counts"]["facts_embedded"] for d in done)
    return embedded / elapsed, embedded, elapsed


def peak_rss():
    """VmHWM of each Procfile process, summed over its process tree (MiB)."""
    names = {"web": "granian", "worker-extraction": "extraction@", "worker-memory": "memory@",
             "worker-maintenance": "maintenance@", "beat": " beat", "flower": " flower",
             "graph": "pika_mem.index.graph_server"}
    procs = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")), 0)
        for name, needle in names.items():
            if needle in cmd and str(ROOT) in Path(f"/proc/{pid}/cwd").resolve().as_posix():
                procs[name] = procs.get(name, 0) + hwm
    return {k: v / 1024 for k, v in procs.items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--api", default=os.environ.get("PIKA_API_URL", "http://127.0.0.1:8000"))
    p.add_argument("--key", default=os.environ.get("PIKA_API_KEY"))
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--latency-jobs", type=int, default=40)
    args = p.parse_args()
    key = args.key or (ROOT / "var" / "dev-api-key").read_text().strip()
    headers = {"Authorization": f"Bearer {key}"}
    session = requests.Session()
    session.headers.update(headers)
    if session.get(f"{args.api}/readyz", timeout=5).status_code != 200:
        sys.exit("the stack is not ready: start it with `make run` and wait for /readyz")

    print(f"machine: {platform.node()} {os.cpu_count()} cores, {platform.python_version()}")
    # Warm-up: the model and the store are loaded, the caches filled once.
    drain(session, args.api, [session.post(f"{args.api}/v1/memories/extract", json={
        "user_id": "warmup", "messages": TEN_TURNS}, timeout=10).json()["job_id"]])

    client_ms, server_ms = bench_latency(session, args.api, args.latency_jobs)
    print(f"job latency 202 → completed, 10 turns, unloaded (ms)\n"
          f"  client-observed: {summary(client_ms)}\n  server (created→completed): {summary(server_ms)}")

    before = unfinished_jobs()
    if shutil.which("wrk"):
        rate, lat, bad = bench_accept_wrk(args.api, key, args.clients, args.seconds)
        print(f"POST /v1/memories/extract (wrk, {args.clients} connections, {args.seconds:g}s, "
              f"workers processing meanwhile): {rate:.0f} accepted/s; {show(lat)}; non-2xx {bad}")
    else:
        rate, lat, codes, _ = bench_accept(args.api, headers, args.clients, args.seconds)
        print(f"POST /v1/memories/extract (python client, {args.clients} threads, {args.seconds:g}s): "
              f"{rate:.0f} accepted/s; latency ms {summary(lat)}; status codes {codes} "
              f"(apt-get install wrk for a lighter client)")
    backlog = unfinished_jobs() - before
    took = drain_all()
    print(f"  backlog left by the burst: {backlog} jobs, drained in {took:.1f}s "
          f"({backlog / max(took, 1e-9):.0f} jobs/s end to end)")
    if shutil.which("wrk"):
        # The API's own acceptance capacity: the same burst while the pipeline's processes
        # are paused (SIGSTOP), as when a spike lands on a busy cluster; they resume after.
        paused = [int(p) for p in subprocess.run(
            ["pgrep", "-f", "celery -A tasks worker|pika_mem.index.graph_server"],
            capture_output=True, text=True).stdout.split()]
        for pid in paused:
            os.kill(pid, signal.SIGSTOP)
        try:
            rate, lat, bad = bench_accept_wrk(args.api, key, args.clients, args.seconds)
        finally:
            for pid in paused:
                os.kill(pid, signal.SIGCONT)
        print(f"POST /v1/memories/extract, pipeline paused (the API alone): {rate:.0f} accepted/s; "
              f"{show(lat)}; non-2xx {bad}")
        took = drain_all()
        print(f"  that backlog drained in {took:.1f}s once resumed")

    fps, n, secs = bench_embedding(session, args.api, jobs=10, facts_per_job=100)
    print(f"embedding throughput (new facts, cold cache): {fps:.0f} facts/s ({n} facts in {secs:.1f}s)")

    print("peak RSS per process (MiB, summed over its process tree):")
    for name, mib in sorted(peak_rss().items()):
        print(f"  {name:20s} {mib:8.1f}")


if __name__ == "__main__":
    main()
