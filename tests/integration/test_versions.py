"""Version tags survive losing Redis's copy (Redis here keeps nothing on disk): a tag
that comes back never reaches a version the old state's cache entries carry."""
from __future__ import annotations

import redis

from helpers import TEST_ENV, wait_job
from pika_mem.read import versions


def _give(api, user_id, obj):
    resp = api.post(api.base + "/v1/memories", timeout=10, json={
        "user_id": user_id, "facts": [{"text": f"Likes {obj}", "category": "toy", "object": obj}]})
    assert resp.status_code == 202, resp.text
    return wait_job(api, resp.json()["job_id"])


def _toys(api, user_id):
    body = api.post(api.base + "/v1/search", json={"user_id": user_id, "query": "toys"}, timeout=10).json()
    return body["layer"], sorted(r["object"] for r in body["results"])


def test_a_lost_version_tag_never_serves_the_old_state(api):
    _give(api, "kid-ver", "kite")
    before = versions.get_version(api.tenant, "kid-ver")
    assert _toys(api, "kid-ver")[1] == ["kite"]
    assert _toys(api, "kid-ver")[0] in ("L0", "L1")  # the answer at `before` is cached

    # What a Redis restart does to this child's tag (only this key: the broker lives on).
    redis.Redis.from_url(TEST_ENV["REDIS_URL"]).delete(versions.version_key(api.tenant, "kid-ver"))
    _give(api, "kid-ver", "yoyo")
    after = versions.get_version(api.tenant, "kid-ver")
    assert after > before, (before, after)
    layer, toys = _toys(api, "kid-ver")
    assert toys == ["kite", "yoyo"] and layer not in ("L0", "L1"), (layer, toys)
    fav = api.get(f"{api.base}/v1/users/kid-ver/favorites", timeout=5).json()
    assert sorted(i["object"] for i in fav["summary"]["toy"]) == ["kite", "yoyo"]
    assert fav["version"] == after


def test_a_child_never_written_reads_a_seeded_tag_not_zero(api):
    v = versions.get_version(api.tenant, "kid-new")
    assert v > 10**12 and versions.get_version(api.tenant, "kid-new") == v  # ms since 1970
    assert versions.bump_version(api.tenant, "kid-new") == v + 1
