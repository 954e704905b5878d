"""Read-path figures against the running stack (make run), per cache layer.

    .venv/bin/python bench/search.py [--users 200] [--facts-per-user 50] [--connections 32]

1. Seeds users × facts through the real pipeline (POST /v1/memories under a fresh
   tenant), waits until every job completed.
2. Drives POST /v1/search over HTTP with wrk (apt: wrk) at --connections, one phase per
   layer: L4 (every query new: RPC → L3 embedding cache → mem0/Qdrant Edge), L2
   (favourites questions, every one new: the materialized summary), L1 (repeat queries
   on a second API process started with the in-process cache off), L0 (repeat queries on
   the main API). The layer mix of each phase is read from /metrics.
3. Times plain mem0 `Memory.search` (same model, a store holding the same facts, no
   cache of ours) on the same queries, in this process, and prints the ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadgen import fmt, pct, run_wrk, show  # noqa: E402
from pika_mem.facts.extraction import lexicon  # noqa: E402

CATEGORY_TERMS = {"food": lexicon.FOOD, "animal": lexicon.ANIMAL, "color": lexicon.COLOR,
                  "sport": lexicon.SPORT, "toy": lexicon.TOY, "movie": lexicon.MOVIE,
                  "book": lexicon.BOOK, "game": lexicon.GAME, "music": lexicon.MUSIC,
                  "activity": lexicon.ACTIVITY, "subject": lexicon.SUBJECT}
FAV_WORDS = {"food": "food", "animal": "animal", "color": "color", "sport": "sport",
             "toy": "toy", "movie": "movie", "book": "book", "game": "game",
             "music": "song", "activity": "hobby", "subject": "subject"}
OPEN_QUESTIONS = ["what does she like to eat", "tell me about the animals", "what games",
                  "bé thích ăn gì", "con vật nào", "which movies did he watch",
                  "what sport does she play", "đồ chơi của bé", "what colour", "bài hát"]


def seed(api, key, users, per_user):
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {key}"
    rng = random.Random(7)
    plan, jobs = {}, []
    for u in range(users):
        user = f"bench-kid-{u:04d}"
        facts, seen = [], set()
        while len(facts) < per_user:
            cat = rng.choice(list(CATEGORY_TERMS))
            term = rng.choice(CATEGORY_TERMS[cat])
            if (cat, term) in seen:
                continue
            seen.add((cat, term))
            vi = any(ord(ch) > 127 for ch in term)
            facts.append({"text": f"Thích {term}" if vi else f"Likes {term}", "category": cat,
                          "object": term, "importance": rng.randint(2, 5)})
        plan[user] = facts
        r = s.post(f"{api}/v1/memories", json={"user_id": user, "facts": facts}, timeout=30)
        r.raise_for_status()
        jobs.append(r.json()["job_id"])
    t0 = time.monotonic()
    for job in jobs:
        while s.get(f"{api}/v1/jobs/{job}", timeout=10).json()["status"] not in ("completed", "failed"):
            if time.monotonic() - t0 > 1800:
                sys.exit("seeding did not finish")
            time.sleep(0.2)
    return plan


def lua_script(key, bodies, unique, rate=None, threads=2):
    """A wrk script cycling over request bodies; with `unique`, a counter makes each new.
    With `rate`, requests are paced to that many per second in all (open loop: each
    thread books fixed send slots, so a slow answer does not slow the offered load)."""
    items = ",\n".join("[==[" + b + "]==]" for b in bodies)
    tag = uuid.uuid4().hex[:6]  # new keys in every run, not only within one
    suffix = f' .. " #{tag}-" .. counter' if unique else ""
    pacing = "" if not rate else f"""
local ffi = require("ffi")
ffi.cdef[[ typedef struct {{ long tv_sec; long tv_nsec; }} pika_ts; int clock_gettime(int, pika_ts *); ]]
local ts = ffi.new("pika_ts")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local interval = {threads * 1000.0 / rate}
local next_slot = nil
delay = function()
  local t = now_ms()
  if next_slot == nil or next_slot < t - 1000 then next_slot = t end
  local d = next_slot - t
  next_slot = next_slot + interval
  if d < 0 then return 0 end
  return d
end
"""
    return f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
local bodies = {{ {items} }}
counter = 0
request = function()
  counter = counter + 1
  local b = bodies[(counter % #bodies) + 1]
  local q = string.match(b, '"query": "([^"]*)"')
  b = string.gsub(b, '"query": "[^"]*"', '"query": "' .. q{suffix} .. '"')
  return wrk.format(nil, "/v1/search", nil, b)
end
{pacing}"""


def layer_hits(api):
    text = requests.get(f"{api}/metrics", timeout=10).text
    return {m.group(1): float(m.group(2)) for m in re.finditer(
        r'pika_search_cache_total\{layer="(\w+)",outcome="hit"\} ([\d.e+]+)', text)}


def wait_search_queue_empty(api, timeout=120):
    """After a loaded phase, let worker-memory drain the RPCs whose callers gave up, so the
    next phase is not measured against that backlog."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(r'pika_queue_length\{queue="search"\} ([\d.e+]+)',
                      requests.get(f"{api}/metrics", timeout=10).text)
        if m and float(m.group(1)) == 0:
            return
        time.sleep(0.5)
    print("WARNING: the search queue did not drain")


def plain_mem0_latency(plan, queries, n):
    """mem0.Memory.search with mem0's own HuggingFace embedder over a Qdrant Edge store
    holding the same facts (vectors written directly), no cache of ours."""
    from mem0 import Memory
    from mem0.configs.embeddings.base import BaseEmbedderConfig  # noqa: F401
    from mem0.embeddings.configs import EmbedderConfig

    from pika_mem.config import Settings
    from pika_mem.facts.model import fact_id
    from pika_mem.index.embedder import default_model_path, Embedder
    from pika_mem.index.vectors import build_config
    from pika_mem.index.vectorstores import register_with_mem0
    register_with_mem0()
    tmp = tempfile.mkdtemp(prefix="plain-mem0-")
    settings = Settings(pika_data_dir=tmp)
    config = build_config(settings)
    config.embedder = EmbedderConfig(provider="huggingface", config={
        "model": default_model_path(), "embedding_dims": 384})
    plain = Memory(config)
    seeder = Embedder()  # our cached embedder only to write the copy quickly
    for user, facts in plan.items():
        texts = [f["text"] for f in facts]
        vectors = seeder.encode(texts)
        plain.vector_store.insert(
            vectors=vectors, ids=[fact_id("bench", user, "likes", f["category"], f["object"]) for f in facts],
            payloads=[{"data": t, "user_id": user, "tenant_id": "bench", "category": f["category"],
                       "object": f["object"], "created_at": "2026-11-22T00:00:00+00:00"}
                      for t, f in zip(texts, facts)])
    for user, query in queries[:20]:  # warm up the model
        plain.search(query, top_k=10, filters={"user_id": user})
    lat = []
    for i in range(n):
        user, query = queries[i % len(queries)]
        t0 = time.perf_counter()
        plain.search(query, top_k=10, filters={"user_id": user})
        lat.append((time.perf_counter() - t0) * 1000)
    plain.vector_store.close()
    return lat


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--api", default="http://127.0.0.1:8000")
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--facts-per-user", type=int, default=50)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--seconds", type=int, default=10)
    args = p.parse_args()
    from pika_mem.access import api_keys
    tenant = f"bench-{uuid.uuid4().hex[:6]}"
    _, key = api_keys.create_key(tenant, "bench/search.py")

    def fresh_key():
        """Each load run gets its own key: RATE_LIMIT is per key (1,200/minute by default;
        run the stack with RATE_LIMIT=1000000/minute to benchmark), and the service outruns
        any sane limit; this measures the service, not the limiter."""
        return api_keys.create_key(tenant, "bench/search.py")[1]
    print(f"machine: {os.uname().nodename}, {os.cpu_count()} cores; tenant {tenant}")

    t0 = time.monotonic()
    plan = seed(args.api, key, args.users, args.facts_per_user)
    n_facts = sum(len(f) for f in plan.values())
    print(f"seeded {n_facts} facts over {len(plan)} users through the pipeline in "
          f"{time.monotonic() - t0:.1f}s")

    rng = random.Random(11)
    users = list(plan)
    open_bodies, fav_bodies, repeat_bodies, queries = [], [], [], []
    for u in users:
        q = rng.choice(OPEN_QUESTIONS)
        open_bodies.append(json.dumps({"user_id": u, "query": q, "limit": 10}, ensure_ascii=False))
        cat = rng.choice(list(FAV_WORDS))
        fav_bodies.append(json.dumps({"user_id": u, "query": f"favorite {FAV_WORDS[cat]}",
                                      "limit": 10}, ensure_ascii=False))
        for q in rng.sample(OPEN_QUESTIONS, 5):
            repeat_bodies.append(json.dumps({"user_id": u, "query": q, "limit": 10}, ensure_ascii=False))
            queries.append((u, q))
    bad_total = 0

    def phase(name, url, bodies, unique):
        """Latency with one connection, then throughput and latency at --connections."""
        nonlocal bad_total
        # One connection first: the loaded run leaves a backlog (expired RPCs) behind it.
        _, one, bad1 = run_wrk(url + "/v1/search", lua_script(fresh_key(), bodies, unique), 1, 5)
        before = layer_hits(url)
        rate, lat, bad = run_wrk(url + "/v1/search", lua_script(fresh_key(), bodies, unique),
                                 args.connections, args.seconds)
        mid = layer_hits(url)
        mix = {k: int(mid.get(k, 0) - before.get(k, 0)) for k in mid if mid.get(k, 0) - before.get(k, 0)}
        wait_search_queue_empty(args.api)
        bad_total += bad + bad1
        print(f"{name}\n   {args.connections} connections: {rate:7.0f} req/s  {show(lat)}"
              f"  (answered by {mix}, non-2xx {bad})\n   1 connection:  {show(one)}")
        return one

    phase("L4 (new queries → RPC to worker-memory)", args.api, open_bodies, True)
    l2 = phase("L2 (new favourites questions → summary)", args.api, fav_bodies, True)
    # Prime L1 with the repeat set, then measure it on an API without L0.
    s = requests.Session()
    s.headers.update({"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    for b in repeat_bodies:
        s.post(f"{args.api}/v1/search", data=b.encode(), timeout=10)
    env = dict(os.environ, SEARCH_L0_ENTRIES="0",
               PROMETHEUS_MULTIPROC_DIR=tempfile.mkdtemp(prefix="prom-l1-"))
    l1_url = "http://127.0.0.1:8012"
    web = subprocess.Popen([str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "--workers", "2",
                            "--blocking-threads", "4", "--host", "127.0.0.1", "--port", "8012",
                            "api.wsgi:app"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{l1_url}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                sys.exit("second API did not start")
            time.sleep(0.1)
        l1 = phase("L1 (repeat queries → Redis; a second API with L0 off)", l1_url, repeat_bodies, False)
        for rate in (1500, 2000):
            got, lat, bad = run_wrk(l1_url + "/v1/search", lua_script(fresh_key(), repeat_bodies, False, rate),
                                    args.connections, args.seconds)
            bad_total += bad
            print(f"   offered {rate} req/s (paced, {args.connections} connections): served "
                  f"{got:7.0f} req/s  {show(lat)}")
    finally:
        web.terminate()
        web.wait()
    run_wrk(args.api + "/v1/search", lua_script(fresh_key(), repeat_bodies, False), args.connections, 2)
    l0 = phase("L0 (repeat queries → in-process LRU)", args.api, repeat_bodies, False)

    plain = plain_mem0_latency(plan, queries, 300)
    print(f"plain mem0 Memory.search (same model, same facts in Qdrant Edge, no cache), in-process: "
          f"{fmt(plain)}")
    print(f"repeat queries vs plain mem0 (p50): L0 {pct(plain, 50) / l0['p50']:.1f}x faster, "
          f"L1 {pct(plain, 50) / l1['p50']:.1f}x, L2 {pct(plain, 50) / l2['p50']:.1f}x "
          f"(HTTP round trip included for ours, not for mem0)")
    if bad_total:
        print(f"WARNING: {bad_total} non-2xx responses")


if __name__ == "__main__":
    main()
