"""One JSON line per event; the request id follows a job into every task of its chord."""
from __future__ import annotations

import json
import uuid

from helpers import post_extract, wait_job


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
    assert "derived stores synced" in events.get("memory", [])
    assert "job completed" in events.get("maintenance", [])
    for name in ("extraction", "memory", "maintenance"):
        assert secret not in (stack.logs / f"worker-{name}.log").read_text(errors="ignore")


def test_search_questions_and_answers_stay_out_of_the_logs(api, stack):
    post = post_extract(api, "kid-log-q", [{"role": "user", "content": "I love origami."}])
    wait_job(api, post.json()["job_id"])
    question = "which paper crafts " + uuid.uuid4().hex[:8]
    resp = api.post(api.base + "/v1/search", json={"user_id": "kid-log-q", "query": question},
                    timeout=15)
    assert resp.status_code == 200 and resp.json()["layer"] == "L4"
    assert "origami" in {r["object"] for r in resp.json()["results"]}
    logs = "".join((stack.logs / f"{name}.log").read_text(errors="ignore")
                   for name in ("worker-memory", "api"))
    assert question not in logs and "I love origami" not in logs
