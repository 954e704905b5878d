"""Favourites figures: refresh throughput, GET /favorites warm and cold, memory per 10k.

    .venv/bin/python bench/favorites.py [--users 10000] [--facts 20] [--procs 2]

Seeds users × facts straight into the Postgres ledger (COPY) under a fresh tenant,
refreshes every summary with `pika_mem.read.favorites.refresh_summary` in --procs
processes (recompute → upsert → Redis warm), then drives GET /v1/users/{id}/favorites
over HTTP with wrk against the running stack (make run): warm (Redis) and cold (Redis
copies removed → Postgres). Prints Postgres and Redis memory per 10,000 summaries.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadgen import run_wrk, show  # noqa: E402
from pika_mem.facts.model import FAVORITE_CATEGORIES, fact_id  # noqa: E402


def seed(tenant: str, users: int, facts: int) -> list[str]:
    from pika_mem.db import get_engine
    rng = random.Random(5)
    ids = [f"fav-kid-{i:05d}" for i in range(users)]
    raw = get_engine().raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy("COPY memories (id, tenant_id, user_id, text, lang, category, predicate, "
                      "object, polarity, importance) FROM STDIN") as copy:
            for user in ids:
                for j in range(facts):
                    cat = FAVORITE_CATEGORIES[(j + rng.randrange(16)) % 16]
                    obj = f"{cat} thing {j}"
                    pred, pol = ("dislikes", "-") if j % 7 == 6 else ("likes", "+")
                    copy.write_row((fact_id(tenant, user, pred, cat, obj), tenant, user,
                                    f"Thích {obj}", "vi", cat, pred, obj, pol, rng.randint(1, 5)))
        raw.commit()
    finally:
        raw.close()
    return ids


def _fresh_clients():
    """A forked child must not share the parent's Postgres and Redis sockets."""
    from pika_mem.db import dispose_engine
    from pika_mem.redis_client import reset_redis
    dispose_engine()
    reset_redis()


def _refresh_slice(args):
    tenant, users, batch = args
    from pika_mem.read import favorites
    if batch == 1:
        for user in users:
            favorites.refresh_summary(tenant, user)
        return len(users)
    done = 0
    for i in range(0, len(users), batch):
        done += len(favorites.refresh_users([(tenant, u) for u in users[i:i + batch]]))
    return done


def refresh_all(tenant: str, users: list[str], procs: int, batch: int = 200) -> float:
    chunks = [users[i::procs] for i in range(procs)]
    t0 = time.perf_counter()
    with Pool(procs, initializer=_fresh_clients) as pool:
        done = sum(pool.map(_refresh_slice, [(tenant, c, batch) for c in chunks]))
    return done / (time.perf_counter() - t0)


def wrk_get(api, key, tenant_users, connections, seconds):
    users = ",".join(f'"{u}"' for u in tenant_users)
    lua = f"""
wrk.headers["Authorization"] = "Bearer {key}"
local users = {{ {users} }}
request = function()
  return wrk.format("GET", "/v1/users/" .. users[math.random(#users)] .. "/favorites")
end
"""
    return run_wrk(api + "/v1/", lua, connections, seconds)


def one_client(api, key, users, n):
    import requests
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {key}"
    lat, layers = [], {}
    for i in range(n):
        t0 = time.perf_counter()
        body = s.get(f"{api}/v1/users/{users[(i * 7919) % len(users)]}/favorites", timeout=5).json()
        lat.append((time.perf_counter() - t0) * 1000)
        layers[body["layer"]] = layers.get(body["layer"], 0) + 1
    lat.sort()
    return lat[len(lat) // 2], lat[int(len(lat) * 0.95)], layers


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--api", default="http://127.0.0.1:8000")
    p.add_argument("--users", type=int, default=10_000)
    p.add_argument("--facts", type=int, default=20)
    p.add_argument("--procs", type=int, default=2)
    p.add_argument("--connections", type=int, default=32)
    args = p.parse_args()
    from sqlalchemy import text

    from pika_mem.access import api_keys
    from pika_mem.db import get_engine
    from pika_mem.redis_client import get_redis
    tenant = f"benchfav-{uuid.uuid4().hex[:6]}"
    _, key = api_keys.create_key(tenant, "bench/favorites.py")
    print(f"machine: {os.uname().nodename}, {os.cpu_count()} cores; tenant {tenant}")

    t0 = time.perf_counter()
    users = seed(tenant, args.users, args.facts)
    print(f"seeded {args.users * args.facts} facts for {args.users} users (COPY) in "
          f"{time.perf_counter() - t0:.1f}s")
    rate1 = refresh_all(tenant, users[:1000], 1, batch=1)
    print(f"refresh throughput, 1 process, one user per transaction (first 1,000 users, "
          f"as the chord callback does): {rate1:.0f} users/s")
    rate = refresh_all(tenant, users, args.procs)
    print(f"refresh throughput, {args.procs} processes, batches of 200 users (beat's fan-out), "
          f"{args.users} users × {args.facts} facts: {rate:.0f} users/s")

    r, lat, bad = wrk_get(args.api, key, users, args.connections, 10)
    _, one, _ = wrk_get(args.api, key, users, 1, 5)
    _, _, layers = one_client(args.api, key, users, 200)
    print(f"GET /favorites warm (Redis, layers {layers}):\n   {args.connections} connections: "
          f"{r:.0f} req/s  {show(lat)}  (non-2xx {bad})\n   1 connection:  {show(one)}")

    redis_bytes = 0
    keys = list(get_redis().scan_iter(f"fav:{tenant}:*", count=2000))
    for k in keys:
        redis_bytes += get_redis().memory_usage(k) or 0
    get_redis().delete(*keys) if keys else None
    r, lat, bad = wrk_get(args.api, key, users, args.connections, 10)
    _, one, _ = wrk_get(args.api, key, users, 1, 5)
    _, _, layers = one_client(args.api, key, users, 200)
    print(f"GET /favorites cold (Redis copies removed → Postgres, layers {layers}):\n"
          f"   {args.connections} connections: {r:.0f} req/s  {show(lat)}  (non-2xx {bad})\n"
          f"   1 connection:  {show(one)}")

    with get_engine().connect() as conn:
        row_bytes = conn.execute(text(
            "SELECT sum(pg_column_size(s.*)) FROM user_favorite_summary s WHERE tenant_id = :t"),
            {"t": tenant}).scalar() or 0
        table = conn.execute(text("SELECT pg_total_relation_size('user_favorite_summary')")).scalar()
        rows = conn.execute(text("SELECT count(*) FROM user_favorite_summary")).scalar()
    per10k = 10_000 / max(len(users), 1)
    print(f"memory per 10,000 summaries: Postgres rows {row_bytes * per10k / 2**20:.1f} MiB "
          f"(table with indexes and TOAST {table * 10_000 / max(rows, 1) / 2**20:.1f} MiB); "
          f"Redis {redis_bytes * 10_000 / max(len(keys), 1) / 2**20:.1f} MiB ({len(keys)} keys measured)")


if __name__ == "__main__":
    main()
