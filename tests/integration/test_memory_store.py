"""mem0 over Qdrant Edge, for real: local MiniLM, Redis (db 15) as the L3 cache.

Self-contained: each test gets a fresh PIKA_DATA_DIR (a tmp dir) through a Settings
object built here, and a flushed Redis db 15. Run from the repository root:

    .venv/bin/python -m pytest tests/integration/test_memory_store.py
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import redis

from pika_mem.config import Settings
from pika_mem.facts.model import fact_id
from pika_mem.index import vectors as ms
from pika_mem.index.embedder import Embedder
from pika_mem.index.vectorstores import StoreLockedError
from pika_mem.index.vectorstores.edge import EdgeVectorStore

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"


def make_fact(tenant, user, category, predicate, obj, text, importance=3, polarity="+"):
    return {"id": fact_id(tenant, user, predicate, category, obj), "text": text, "category": category,
            "predicate": predicate, "object": obj, "polarity": polarity, "importance": importance,
            "created_at": "2025-01-02T03:04:05+00:00"}


@pytest.fixture(scope="module")
def embedder():
    # One model load for the module; its in-process LRU is cleared per test.
    return Embedder(Settings(redis_url=REDIS_URL))


@pytest.fixture
def settings(tmp_path, embedder):
    r = redis.Redis.from_url(REDIS_URL)
    r.flushdb()
    embedder.clear_local_cache()
    s = Settings(pika_data_dir=str(tmp_path / "data"), redis_url=REDIS_URL, qdrant_url="",
                 qdrant_collection="test_memories")
    ms.close()
    ms.get_memory(s, embedder)
    yield s
    ms.close()
    r.flushdb()
    r.close()


def history_rows(settings, memory_id=None):
    con = sqlite3.connect(Path(settings.pika_data_dir) / "mem0" / "history.db")
    try:
        if memory_id is None:
            return con.execute("SELECT memory_id, old_memory, new_memory, event FROM history").fetchall()
        return con.execute("SELECT memory_id, old_memory, new_memory, event FROM history WHERE memory_id = ?",
                           (memory_id,)).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------------- scoping
def test_search_returns_only_that_tenants_user(settings):
    people = {("t1", "minh"): [("pet", "likes", "mèo", "Thích mèo"), ("food", "likes", "pizza", "Likes pizza")],
              ("t1", "Bé Na"): [("pet", "likes", "dog", "Likes dogs"), ("food", "likes", "phở", "Thích phở")],
              ("t2", "minh"): [("pet", "likes", "rabbit", "Likes rabbits"), ("food", "likes", "sushi", "Likes sushi")]}
    for (tenant, user), rows in people.items():
        ms.add_facts(tenant, user, [make_fact(tenant, user, c, p, o, t) for c, p, o, t in rows])

    for (tenant, user), rows in people.items():
        assert ms.count(tenant, user) == 2
        found = ms.search(tenant, user, "favourite animal pet", limit=10)
        expected = {fact_id(tenant, user, p, c, o) for c, p, o, _ in rows}
        assert {f["id"] for f in found} == expected, (tenant, user)
        assert all(set(f) >= {"id", "text", "category", "object", "polarity", "importance", "score",
                              "created_at"} for f in found)
        assert found == sorted(found, key=lambda f: -f["score"])

    pets = ms.search("t1", "minh", "animals", limit=10, categories=["pet"])
    assert [f["object"] for f in pets] == ["mèo"]
    assert pets[0]["created_at"] == "2025-01-02T03:04:05+00:00"
    assert pets[0]["importance"] == 3 and pets[0]["polarity"] == "+"
    assert ms.search("t3", "minh", "animals", limit=10) == []
    assert ms.search("t1", "nobody", "animals", limit=10) == []

    top = ms.search("t1", "minh", "What food does he like? Pizza", limit=1)
    assert [f["object"] for f in top] == ["pizza"]


def test_same_fact_twice_is_one_point(settings):
    fact = make_fact("t1", "u1", "pet", "likes", "mèo", "Thích mèo")
    ids1 = ms.add_facts("t1", "u1", [fact])
    ids2 = ms.add_facts("t1", "u1", [dict(fact, importance=5)])
    assert ids1 == ids2 == [fact["id"]]
    assert ms.count("t1", "u1") == 1
    assert ms.search("t1", "u1", "cat", limit=5)[0]["importance"] == 5  # payload refreshed
    assert [r[3] for r in history_rows(settings, fact["id"])] == ["ADD"]  # no duplicate history
    # the same object written differently normalises to the same id
    again = make_fact("t1", "u1", "pet", "likes", "  Mèo! ", "Thích mèo lắm")
    assert again["id"] == fact["id"]
    ms.add_facts("t1", "u1", [again])
    assert ms.count("t1", "u1") == 1
    assert [r[3] for r in history_rows(settings, fact["id"])] == ["ADD", "UPDATE"]


def test_delete_facts(settings):
    a = make_fact("t1", "u1", "pet", "likes", "cat", "Likes cats")
    b = make_fact("t1", "u1", "food", "likes", "rice", "Likes rice")
    other = make_fact("t1", "u2", "pet", "likes", "cat", "Likes cats")
    ms.add_facts("t1", "u1", [a, b])
    ms.add_facts("t1", "u2", [other])

    assert ms.delete_facts("t1", "u1", [other["id"]]) == 0  # not u1's fact: untouched
    assert ms.count("t1", "u2") == 1
    assert ms.delete_facts("t1", "u1", [a["id"], "00000000-0000-0000-0000-000000000000"]) == 1
    assert ms.count("t1", "u1") == 1
    assert {f["id"] for f in ms.search("t1", "u1", "cats", limit=10)} == {b["id"]}
    assert history_rows(settings, a["id"]) == []


def test_delete_user_purges_points_and_history(settings):
    mine = [make_fact("t1", "u1", "fear", "fear", "bóng tối", "Sợ bóng tối"),
            make_fact("t1", "u1", "friend", "likes", "An", "Best friend is An")]
    theirs = [make_fact("t1", "u2", "fear", "fear", "spiders", "Scared of spiders")]
    ms.add_facts("t1", "u1", mine)
    ms.add_facts("t1", "u2", theirs)
    assert any(r[2] == "Sợ bóng tối" for r in history_rows(settings))

    assert ms.delete_user("t1", "u1") == 2
    assert ms.count("t1", "u1") == 0
    assert ms.search("t1", "u1", "afraid", limit=10) == []
    texts = {r[1] for r in history_rows(settings)} | {r[2] for r in history_rows(settings)}
    assert "Sợ bóng tối" not in texts and "Best friend is An" not in texts
    assert "Scared of spiders" in texts  # other users keep theirs
    assert ms.count("t1", "u2") == 1


# ---------------------------------------------------------------------- persistence
def test_reopen_after_close_finds_the_points(settings, embedder):
    facts = [make_fact("t1", "u1", "movie", "favorite", "Frozen", "Favourite film is Frozen"),
             make_fact("t1", "u1", "color", "likes", "blue", "Likes blue")]
    ms.add_facts("t1", "u1", facts)
    ms.close()
    ms.get_memory(settings, embedder)
    assert ms.count("t1", "u1") == 2
    found = ms.search("t1", "u1", "which movie", limit=1)
    assert found and found[0]["object"] == "Frozen"


def test_second_open_while_locked_fails_clearly(settings):
    base = Path(settings.pika_data_dir) / "qdrant-edge"
    with pytest.raises(StoreLockedError, match="already open"):
        EdgeVectorStore(collection_name=settings.qdrant_collection, embedding_model_dims=384, path=str(base))

    script = textwrap.dedent(f"""
        from pika_mem.index.vectorstores import StoreLockedError
        from pika_mem.index.vectorstores.edge import EdgeVectorStore
        try:
            EdgeVectorStore(collection_name={settings.qdrant_collection!r}, embedding_model_dims=384,
                            path={str(base)!r})
        except StoreLockedError as exc:
            print("LOCKED", exc)
        else:
            print("OPENED")
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.startswith("LOCKED"), out.stdout + out.stderr
    assert "pid" in out.stdout

    # The holder is unharmed: it still writes, reads and flushes.
    ms.add_facts("t1", "u1", [make_fact("t1", "u1", "toy", "likes", "lego", "Likes lego")])
    ms.flush()
    assert ms.count("t1", "u1") == 1


# ---------------------------------------------------------------------- embedding cache
def test_embedding_cache_in_redis(settings, embedder):
    r = redis.Redis.from_url(REDIS_URL)
    texts = ["Thích mèo", "Likes pizza", "Thích mèo"]
    before = embedder.stats["computed"]
    vecs = embedder.encode(texts)
    assert len(vecs) == 3 and len(vecs[0]) == 384 and vecs[0] == vecs[2]
    assert abs(sum(x * x for x in vecs[1]) - 1.0) < 1e-4
    assert embedder.stats["computed"] - before == 2  # duplicates computed once
    key = embedder.cache_key("Likes pizza")
    assert key.startswith("emb:all-minilm-l6-v2:")
    assert len(r.get(key)) == 384 * 4 and 0 < r.ttl(key) <= settings.embedding_cache_ttl

    embedder.clear_local_cache()
    before = embedder.stats["computed"]
    assert embedder.encode(["Likes pizza"]) == [vecs[1]]  # served from Redis
    assert embedder.stats["computed"] == before
    r.close()


def test_embedding_without_redis_still_computes(embedder):
    down = Embedder(Settings(redis_url="redis://127.0.0.1:1/0"))
    down._model = embedder.model  # same model, no second load
    vec = down.embed("Likes pizza", "search")
    assert len(vec) == 384
    assert down.embed_batch(["Likes pizza"], "add") == [vec]


def test_onnx_runtime_gives_the_vectors_pytorch_gives(tmp_path):
    texts = ["Likes pizza", "Thích mèo", "Con có một con mèo tên là Mướp và một con chó.",
             "what does she like to eat", "", "bé " * 400]
    onnx = Embedder(Settings(redis_url="redis://127.0.0.1:1/0", pika_data_dir=str(tmp_path)))
    assert onnx.settings.embedding_runtime == "onnx"  # the default
    got = onnx._compute(texts)
    assert onnx._onnx is not None and list((tmp_path / "models").glob("encoder-*.onnx"))
    plain = Embedder(Settings(redis_url="redis://127.0.0.1:1/0", pika_data_dir=str(tmp_path),
                              embedding_runtime="torch"))
    plain._model = onnx.model  # the same weights, run by PyTorch
    want = plain._compute(texts)
    assert got.shape == want.shape == (len(texts), 384)
    assert min(float(g @ w) for g, w in zip(got, want)) > 0.9999
    # One text alone gives the vector it gets inside a padded batch.
    assert float(onnx._compute([texts[2]])[0] @ got[2]) > 0.9999
