"""One JSON line per event; the request id follows a job into every task of its chord."""
from __future__ import annotations

import json
import uuid

from test_ingestion import post_extract, wait_job


def json_lines(path):
    out = []
    for line in path.read_text(errors="ignore").splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def test_request_id_follows_the_job_into_every_stage(api, stack):
    rid = "req-" + uuid.uuid4().hex
    secret = "Con tên là Bông"
    resp = post_extract(api, "kid-log", [{"role": "user", "content": secret}], **{"X-Request-ID": rid})
    assert resp.headers["X-Request-ID"] == rid
    job = resp.json()["job_id"]
    wait_job(api, job)
    events = {}
    for name in ("extraction", "memory", "maintenance"):
        for e in json_lines(stack.logs / f"worker-{name}.log"):
            if e.get("request_id") == rid:
                events.setdefault(name, []).append(e["event"])
    assert "job extracted" in events.get("extraction", [])
    assert "facts embedded" in events.get("memory", [])
    assert "job completed" in events.get("maintenance", [])
    for name in ("extraction", "memory", "maintenance"):
        assert secret not in (stack.logs / f"worker-{name}.log").read_text(errors="ignore")
