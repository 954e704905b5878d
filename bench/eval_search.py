"""Search quality on the dev set, through the running stack (make run).

    .venv/bin/python bench/eval_search.py [path/to/dev_conversations.jsonl]

Posts each user's conversations in `seq` order under a fresh tenant (its own key),
waits for each job, then asks every `queries` entry through POST /v1/search and
prints NDCG@10 and recall@5 against the expected objects (matching rules of
shared/data/README.md: lower-case, NFC, trimmed punctuation, containment either way).
"""
from __future__ import annotations

import json
import math
import os
import sys
import time
import unicodedata
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT / "tests" / "data" / "dev_conversations.jsonl"


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().strip()
    return text.strip(" .,!?;:'\"()[]")


def matches(got: str, want: str) -> bool:
    g, w = norm(got), norm(want)
    return bool(g and w) and (w in g or g in w)


def ndcg_at(results: list[str], expect: list[str], k: int = 10) -> float:
    remaining = list(expect)
    dcg = 0.0
    for i, obj in enumerate(results[:k]):
        hit = next((w for w in remaining if matches(obj, w)), None)
        if hit is not None:
            remaining.remove(hit)
            dcg += 1 / math.log2(i + 2)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(expect), k)))
    return dcg / ideal if ideal else 0.0


def recall_at(results: list[str], expect: list[str], k: int = 5) -> float:
    return sum(any(matches(o, w) for o in results[:k]) for w in expect) / len(expect)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    path = Path(args[0]) if args else DEV
    api = os.environ.get("PIKA_API_URL", "http://127.0.0.1:8000")
    from pika_mem.access import api_keys
    tenant = f"eval-{uuid.uuid4().hex[:8]}"
    _, key = api_keys.create_key(tenant, "eval_search")
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {key}"
    convs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    convs.sort(key=lambda c: (c["user_id"], c["seq"]))
    rows = []
    for conv in convs:
        job = s.post(f"{api}/v1/memories/extract", json={"user_id": conv["user_id"],
                     "messages": conv["messages"]}, timeout=10).json()["job_id"]
        deadline = time.monotonic() + 60
        while s.get(f"{api}/v1/jobs/{job}", timeout=5).json()["status"] not in ("completed", "failed"):
            if time.monotonic() > deadline:
                sys.exit(f"job {job} did not finish")
            time.sleep(0.02)
        for q in conv.get("queries", []):
            body = s.post(f"{api}/v1/search", json={"user_id": conv["user_id"], "query": q["query"],
                                                    "limit": 10}, timeout=10).json()
            got = [r["object"] for r in body["results"]]
            rows.append((conv["lang"], q["query"], q["expect"], got, body["layer"],
                         ndcg_at(got, q["expect"]), recall_at(got, q["expect"])))
    for lang in ("vi", "en", None):
        sel = [r for r in rows if lang is None or r[0] == lang]
        print(f"{lang or 'all':4s} queries {len(sel):3d}  NDCG@10 {sum(r[5] for r in sel) / len(sel):.3f}"
              f"  recall@5 {sum(r[6] for r in sel) / len(sel):.3f}")
    layers = {}
    for r in rows:
        layers[r[4]] = layers.get(r[4], 0) + 1
    print("answered by layer:", layers)
    if "-v" in sys.argv:
        for r in rows:
            if r[5] < 1:
                print(f"  miss {r[5]:.2f} [{r[4]}] {r[1]!r} expect {r[2]} got {r[3][:5]}")


if __name__ == "__main__":
    main()
