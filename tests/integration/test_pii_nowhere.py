"""PII never reaches a store: not the job row, the ledger, Redis, the vectors or mem0's history."""
from __future__ import annotations

import json
import sqlite3

import redis
from sqlalchemy import text

from helpers import DATA_DIR, DEV, TEST_ENV, post_extract, search_rpc, wait_job


def test_must_not_store_strings_appear_nowhere(api, database):
    convs = [json.loads(line) for line in DEV.read_text().splitlines()]
    secrets = []
    for conv in sorted(convs, key=lambda c: (c["user_id"], c["seq"])):
        if not conv.get("must_not_store"):
            continue
        secrets += conv["must_not_store"]
        job = post_extract(api, conv["user_id"], conv["messages"]).json()["job_id"]
        wait_job(api, job)
        for q in conv["queries"]:
            search_rpc(api.tenant, conv["user_id"], q["query"])  # fills caches too
    extra = "Email me at kid.parent@example.org or call +84 912 345 678, card 4111 1111 1111 1111."
    job = post_extract(api, "kid-pii", [{"role": "user", "content": extra + " I love pizza."}]).json()["job_id"]
    wait_job(api, job)
    secrets += ["kid.parent@example.org", "912 345 678", "4111 1111 1111 1111"]
    meta = api.post(api.base + "/v1/memories/extract", timeout=10, json={
        "user_id": "kid-pii", "session_id": "sess-mum@example.net",
        "metadata": {"parent": {"phone": "0987654321"}, "mum.two@example.com": ["0912 000 111"]},
        "messages": [{"role": "user", "content": "I like owls."}]})
    wait_job(api, meta.json()["job_id"])
    secrets += ["sess-mum@example.net", "0987654321", "mum.two@example.com", "0912 000 111"]
    assert secrets

    with database.connect() as conn:
        dumped = "\n".join(str(r) for table in ("jobs", "memories", "user_favorite_summary")
                           for r in conn.execute(text(f"SELECT * FROM {table}")))
    blobs = [dumped]
    for url in (TEST_ENV["REDIS_URL"], TEST_ENV["CELERY_BROKER_URL"], TEST_ENV["CELERY_RESULT_BACKEND"]):
        r = redis.Redis.from_url(url)
        for key in r.scan_iter(count=1000):
            kind = r.type(key)
            if kind == b"string":
                blobs.append(repr(r.get(key)))
            elif kind == b"list":
                blobs.append(repr(r.lrange(key, 0, -1)))
            elif kind == b"hash":
                blobs.append(repr(r.hgetall(key)))
    history = DATA_DIR / "mem0" / "history.db"
    con = sqlite3.connect(history)
    blobs.append(repr(con.execute("SELECT * FROM history").fetchall()))
    con.close()
    # Vector payloads (Qdrant Edge) and logs: the raw files of the data directory.
    for path in DATA_DIR.rglob("*"):
        if path.is_file() and path.stat().st_size < 50_000_000:
            blobs.append(path.read_bytes().decode("utf-8", "ignore"))
    everything = "\n".join(blobs)
    for secret in secrets:
        assert secret not in everything, f"{secret!r} was stored somewhere"
