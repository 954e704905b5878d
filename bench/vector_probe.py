"""Vector-store and embedding figures. Prints, never asserts.

1. Qdrant Edge through our adapter (EdgeVectorStore, no mem0 on top): N random
   normalised 384-d points over many users, then filtered top-10 latency p50/p95
   (filter: user_id + tenant_id, as search does).
2. Embedding throughput: texts/s at batch 64 with a cold cache (fresh Redis db, new
   texts), model already loaded; plus the same batch again from the L3 cache.

    .venv/bin/python bench/vector_probe.py [--points 10000] [--queries 1000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pika_mem.config import Settings  # noqa: E402
from pika_mem.index.embedder import Embedder  # noqa: E402
from pika_mem.index.vectorstores.edge import EdgeVectorStore  # noqa: E402

DIMS = 384
CATEGORIES = ["pet", "food", "movie", "friend", "color", "toy", "sport", "music"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def probe_edge(points: int, queries: int, users: int) -> None:
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory(prefix="pika-probe-") as tmp:
        store = EdgeVectorStore(collection_name="probe", embedding_model_dims=DIMS, path=tmp)
        vecs = rng.standard_normal((points, DIMS)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        t0 = time.perf_counter()
        batch = 1000
        for start in range(0, points, batch):
            chunk = range(start, min(points, start + batch))
            store.insert(
                vectors=[vecs[i].tolist() for i in chunk],
                ids=[str(uuid.uuid4()) for _ in chunk],
                payloads=[{"user_id": f"user-{i % users}", "tenant_id": f"tenant-{i % 3}",
                           "category": CATEGORIES[i % len(CATEGORIES)], "data": f"fact {i}"} for i in chunk],
            )
        store.flush()
        load_s = time.perf_counter() - t0

        q = rng.standard_normal((queries, DIMS)).astype(np.float32)
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        for i in range(20):  # warm-up
            store.search("", q[i].tolist(), top_k=10, filters={"user_id": "user-1", "tenant_id": "tenant-1"})
        lat, unfiltered, cat = [], [], []
        hits = 0
        for i in range(queries):
            u = i % users
            f = {"user_id": f"user-{u}", "tenant_id": f"tenant-{u % 3}"}
            t = time.perf_counter()
            res = store.search("", q[i].tolist(), top_k=10, filters=f)
            lat.append((time.perf_counter() - t) * 1000)
            hits += len(res)
            t = time.perf_counter()
            store.search("", q[i].tolist(), top_k=10,
                         filters=dict(f, category=["pet", "food"]))
            cat.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            store.search("", q[i].tolist(), top_k=10)
            unfiltered.append((time.perf_counter() - t) * 1000)
        info = store.col_info()
        store.close()
    print(f"edge: {points} points, {users} users, {info['segments_count']} segments, "
          f"insert {points / load_s:,.0f} points/s")
    print(f"  top-10 filtered user_id+tenant_id : p50 {pct(lat, 50):.3f} ms  p95 {pct(lat, 95):.3f} ms  "
          f"(avg hits {hits / queries:.1f})")
    print(f"  top-10 + category MatchAny        : p50 {pct(cat, 50):.3f} ms  p95 {pct(cat, 95):.3f} ms")
    print(f"  top-10 unfiltered                 : p50 {pct(unfiltered, 50):.3f} ms  "
          f"p95 {pct(unfiltered, 95):.3f} ms")


def probe_embedding(texts_n: int, redis_url: str) -> None:
    import redis

    r = redis.Redis.from_url(redis_url)
    try:
        r.flushdb()
        cache = "redis"
    except Exception:
        cache = "none (redis down)"
    emb = Embedder(Settings(redis_url=redis_url, embedding_batch_size=64))
    emb.warmup()
    salt = uuid.uuid4().hex[:8]
    texts = [f"Bé thích con vật số {i} và món ăn {i * 7 % 101} ({salt})" if i % 2 else
             f"The child likes toy number {i} and colour {i * 3 % 17} ({salt})" for i in range(texts_n)]
    t0 = time.perf_counter()
    for start in range(0, texts_n, 64):
        emb.encode(texts[start:start + 64])
    cold = time.perf_counter() - t0
    emb.clear_local_cache()
    t0 = time.perf_counter()
    for start in range(0, texts_n, 64):
        emb.encode(texts[start:start + 64])
    warm = time.perf_counter() - t0
    print(f"embedding ({emb.model_tag}, cpu, batch 64, cache {cache}):")
    print(f"  cold cache : {texts_n / cold:,.0f} texts/s ({texts_n} texts in {cold:.2f} s)")
    print(f"  L3 hits    : {texts_n / warm:,.0f} texts/s (Redis MGET, no model call)")
    try:
        r.flushdb()
    except Exception:
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=1_000)
    ap.add_argument("--users", type=int, default=100)
    ap.add_argument("--texts", type=int, default=1_024)
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    args = ap.parse_args()
    probe_edge(args.points, args.queries, args.users)
    probe_embedding(args.texts, args.redis_url)


if __name__ == "__main__":
    main()
