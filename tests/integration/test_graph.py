"""Graph store against a real Bolt server: the embedded ArcadeDB graph server.

Starts `python -m pika_mem.index.graph_server` as a subprocess on free ports under a
temporary PIKA_DATA_DIR. Run from the repository root:

    .venv/bin/python -m pytest tests/integration/test_graph.py
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from helpers import wait_until
from neo4j import GraphDatabase
from neo4j.exceptions import ConstraintError, ServiceUnavailable

from pika_mem.config import Settings
from pika_mem.facts.model import fact_id
from pika_mem.index import graph

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "test-graph-pw"
START_DEADLINE = 90.0
STOP_DEADLINE = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("pika-data")
    port = _free_port()
    uri = f"bolt://127.0.0.1:{port}"
    log = data / "graph_server.log"
    env = dict(os.environ, PIKA_DATA_DIR=str(data), GRAPH_URI=uri, GRAPH_PASSWORD=PASSWORD,
               PYTHONPATH=str(ROOT))
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pika_mem.index.graph_server", "--http-port", str(_free_port())],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    settings = Settings(graph_uri=uri, graph_password=PASSWORD, pika_data_dir=str(data))
    try:
        def ready():
            if proc.poll() is not None:
                pytest.fail(f"graph server exited {proc.returncode}:\n{log.read_text()}")
            return f"graph: {uri} ready" in log.read_text(errors="replace")
        wait_until(ready, timeout=START_DEADLINE, interval=0.1, what="graph server ready")
        with GraphDatabase.driver(uri, auth=("root", PASSWORD), connection_timeout=5) as d:
            d.verify_connectivity()
        yield settings
    finally:
        graph.close()
        proc.terminate()
        try:
            proc.wait(STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail("graph server ignored SIGTERM")
    assert proc.returncode == 0, log.read_text()
    assert "graph: stopped" in log.read_text()


@pytest.fixture
def store(server):
    graph.close()
    graph.get_driver(server)
    graph.ensure_schema()
    yield graph
    graph.close()


@pytest.fixture
def tenant():
    return f"t-{uuid.uuid4().hex[:8]}"


def fact(tenant: str, user: str, category: str, obj: str, predicate: str = "likes",
         polarity: str = "+") -> dict:
    return {"id": fact_id(tenant, user, predicate, category, obj), "category": category,
            "predicate": predicate, "object": obj, "polarity": polarity}


def counts(tenant: str, user: str) -> dict:
    def work(tx):
        p = {"t": tenant, "u": user}
        rels = tx.run("MATCH (:Child {tenant_id: $t, user_id: $u})-[r]->() "
                      "RETURN type(r) AS type, r.fact_id AS fact_id", **p).data()
        things = tx.run("MATCH (o:Thing {tenant_id: $t, user_id: $u}) RETURN count(o) AS n",
                        **p).single()["n"]
        children = tx.run("MATCH (c:Child {tenant_id: $t, user_id: $u}) RETURN count(c) AS n",
                          **p).single()["n"]
        return {"rels": rels, "things": things, "children": children}

    return graph._read(work)


def test_upsert_is_idempotent(store, tenant):
    f = fact(tenant, "u1", "animal", "Dinosaurs!")
    assert store.upsert_facts(tenant, "u1", [f]) == 1
    assert store.upsert_facts(tenant, "u1", [f]) == 1
    store.upsert_facts(tenant, "u1", [f, dict(f)])  # duplicate inside one batch
    c = counts(tenant, "u1")
    assert c["children"] == 1 and c["things"] == 1
    assert c["rels"] == [{"type": "LIKES", "fact_id": f["id"]}]


def test_relationship_types_and_polarity_flip(store, tenant):
    liked = fact(tenant, "u1", "food", "pizza")
    store.upsert_facts(tenant, "u1", [
        liked,
        fact(tenant, "u1", "pet", "a dog", predicate="has"),
        fact(tenant, "u1", "color", "blue", predicate="favorite"),
        fact(tenant, "u1", "school", "Sunrise Primary", predicate="school"),
        fact(tenant, "u1", "toy", "robots", predicate="has", polarity="-"),  # not held
    ])
    types = sorted(r["type"] for r in counts(tenant, "u1")["rels"])
    assert types == ["FAVORITE", "HAS", "LIKES", "PROFILE"]
    # Same id, polarity now negative: the LIKES edge becomes DISLIKES, not a second edge.
    store.upsert_facts(tenant, "u1", [dict(liked, polarity="-")])
    rels = [r for r in counts(tenant, "u1")["rels"] if r["fact_id"] == liked["id"]]
    assert rels == [{"type": "DISLIKES", "fact_id": liked["id"]}]


def test_tenant_isolation(store, tenant):
    other = tenant + "-b"
    store.upsert_facts(tenant, "u1", [fact(tenant, "u1", "animal", "cats"),
                                      fact(tenant, "u1", "animal", "owls")])
    store.upsert_facts(other, "u1", [fact(other, "u1", "animal", "cats"),
                                     fact(other, "u1", "animal", "sharks")])
    assert [n["key"] for n in store.neighbours(tenant, "u1", ["cats"])] == ["owls"]
    assert [n["key"] for n in store.neighbours(other, "u1", ["cats"])] == ["sharks"]
    assert store.delete_user(tenant, "u1") == 3  # child + 2 things
    assert counts(tenant, "u1") == {"rels": [], "things": 0, "children": 0}
    assert counts(other, "u1")["things"] == 2
    assert store.delete_fact(tenant, "u1", fact(other, "u1", "animal", "sharks")["id"]) == 0
    assert counts(other, "u1")["things"] == 2


def test_delete_fact(store, tenant):
    cats_likes = fact(tenant, "u1", "animal", "cats")
    cats_has = fact(tenant, "u1", "pet", "cats", predicate="has")
    owls = fact(tenant, "u1", "animal", "owls")
    store.upsert_facts(tenant, "u1", [cats_likes, cats_has, owls])
    assert store.delete_fact(tenant, "u1", cats_likes["id"]) == 1
    c = counts(tenant, "u1")
    assert sorted(r["fact_id"] for r in c["rels"]) == sorted([cats_has["id"], owls["id"]])
    assert c["things"] == 2  # cats still has the HAS edge
    assert store.delete_fact(tenant, "u1", cats_has["id"]) == 1
    assert counts(tenant, "u1")["things"] == 1  # orphaned "cats" removed
    assert store.delete_fact(tenant, "u1", cats_has["id"]) == 0


def test_neighbours(store, tenant):
    store.upsert_facts(tenant, "u1", [
        fact(tenant, "u1", "animal", "cats"),
        fact(tenant, "u1", "animal", "Owls"),
        fact(tenant, "u1", "food", "pizza"),
        fact(tenant, "u1", "food", "broccoli", predicate="dislikes"),
    ])
    store.upsert_facts(tenant, "u2", [fact(tenant, "u2", "animal", "tigers")])
    got = store.neighbours(tenant, "u1", ["Cats", "unknown thing"], limit=10)
    assert [(n["key"], n["same_category"]) for n in got] == [
        ("owls", True), ("broccoli", False), ("pizza", False)]
    assert got[0]["object"] == "Owls" and got[0]["relation"] == "LIKES"
    assert got[1]["relation"] == "DISLIKES"
    assert len(store.neighbours(tenant, "u1", ["cats"], limit=1)) == 1
    assert store.neighbours(tenant, "u1", ["tigers"]) == []  # another child's thing
    assert store.neighbours(tenant, "nobody", ["cats"]) == []


def test_composite_unique_constraint_is_enforced(store, tenant):
    store.upsert_facts(tenant, "u1", [fact(tenant, "u1", "animal", "cats")])
    with pytest.raises(ConstraintError):
        graph._write(lambda tx: tx.run(
            "CREATE (:Thing {tenant_id: $t, user_id: 'u1', key: 'cats'})", t=tenant).consume())


def test_driver_fails_fast_without_server(server):
    s = Settings(graph_uri=f"bolt://127.0.0.1:{_free_port()}", graph_password=PASSWORD)
    graph.close()
    graph.get_driver(s)
    start = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        graph.neighbours("t", "u", ["x"])
    graph.close()
    assert time.monotonic() - start < 15


def test_concurrent_upserts_of_a_new_child(store, tenant):
    import threading

    errors: list[Exception] = []

    def run(i: int) -> None:
        try:
            store.upsert_facts(tenant, "u1", [fact(tenant, "u1", "animal", o)
                                              for o in ("cats", "owls", f"x{i}")])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    c = counts(tenant, "u1")
    assert c["children"] == 1 and c["things"] == 8 and len(c["rels"]) == 8
