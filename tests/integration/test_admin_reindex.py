"""The admin CLI's reindex (rebuild vectors and graph from the Postgres ledger), run as
an operator runs it: a subprocess against the test database, its own data directory."""
from __future__ import annotations

import json
import select
import subprocess
import sys
import textwrap

from helpers import ROOT, checkpoint, cli, cli_env, seed, summaries
from pika_mem.facts.model import ExtractedFact
from pika_mem.ledger import facts as ledger

# ---------------------------------------------------------------------- reindex
_STORE_PROBE = textwrap.dedent("""
    import json, sys
    from pika_mem.index import vectors as ms
    tenant, users = sys.argv[1], sys.argv[2:]
    mem = ms.get_memory()
    out = {u: sorted(mem.vector_store.ids({"user_id": ms.scope_user_id(u), "tenant_id": tenant}))
           for u in users}
    ms.close()
    print(json.dumps(out))
""")

_STORE_HOLDER = textwrap.dedent("""
    import sys
    from pika_mem.index import vectors as ms
    ms.get_memory()
    print("open", flush=True)
    sys.stdin.readline()
    ms.close()
""")


def vector_ids(tenant: str, users: list[str], env: dict) -> dict[str, list[str]]:
    """Read the store in a subprocess (one opener per process; the lock goes with it)."""
    out = subprocess.run([sys.executable, "-c", _STORE_PROBE, tenant, *users], cwd=ROOT,
                         env=cli_env(**env), capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def active_ids(tenant: str, user: str) -> list[str]:
    return sorted(str(r["id"]) for r in ledger.active_facts(tenant, user))


def test_reindex_rebuilds_vectors_from_the_ledger(database, tenant, tmp_path):
    env = {"PIKA_DATA_DIR": str(tmp_path / "data"), "GRAPH_ENABLED": "false"}
    users = ["an", "Bé Na"]  # a space: stored percent-encoded in the store
    seed(tenant, users, [ExtractedFact(category="name", predicate="name", object="An")])
    first = cli("reindex", "--tenant", tenant, "-q", **env)
    assert first.returncode == 0, first.stderr
    ids = vector_ids(tenant, users, env)
    assert {u: ids[u] for u in users} == {u: active_ids(tenant, u) for u in users}
    assert all(len(ids[u]) == 3 for u in users)

    # The ledger moves on: a name superseded, a fact deleted. The store follows.
    before = active_ids(tenant, "an")
    ledger.upsert_facts(tenant, "an", [ExtractedFact(category="name", predicate="name", object="Bình")])
    gone = ledger.active_facts(tenant, "Bé Na")[0]["id"]
    ledger.delete_fact(tenant, gone)
    from pika_mem.read import versions
    version = versions.get_version(tenant, "an")

    second = cli("reindex", "--tenant", tenant, "-q", **env)
    assert second.returncode == 0, second.stderr
    ids = vector_ids(tenant, users, env)
    assert {u: ids[u] for u in users} == {u: active_ids(tenant, u) for u in users}
    assert len(ids["an"]) == 3 and set(before) - set(ids["an"])  # An's old name left
    assert gone not in ids["Bé Na"] and len(ids["Bé Na"]) == 2
    assert versions.get_version(tenant, "an") > version
    assert checkpoint("reindex", tenant, tmp_path / "data")["status"] == "complete"
    assert {"an", "Bé Na"} <= summaries(database, tenant)


def test_reindex_refuses_while_the_store_is_open_elsewhere(database, tenant, tmp_path):
    env = {"PIKA_DATA_DIR": str(tmp_path / "data"), "GRAPH_ENABLED": "false"}
    seed(tenant, ["an"])
    holder = subprocess.Popen([sys.executable, "-c", _STORE_HOLDER], cwd=ROOT, env=cli_env(**env),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        ready, _, _ = select.select([holder.stdout], [], [], 120)
        assert ready and holder.stdout.readline().strip() == "open"
        refused = cli("reindex", "--tenant", tenant, "-q", **env)
        assert refused.returncode == 2
        assert "stop worker-memory or set QDRANT_URL" in refused.stderr
        assert not (tmp_path / "data" / "admin").exists() or \
            checkpoint("reindex", tenant, tmp_path / "data")["status"] != "running"
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def test_reindex_rebuilds_the_graph_too(database, tenant, tmp_path):
    """With a graph server (the embedded ArcadeDB, on its own port and data dir)."""
    from helpers import Stack, free_port
    data = tmp_path / "data"
    graph_env = {"PIKA_DATA_DIR": str(data), "GRAPH_URI": f"bolt://127.0.0.1:{free_port()}"}

    class OwnGraph(Stack):
        def env(self, **extra):
            return super().env(**graph_env, **extra)

    seed(tenant, ["an"], [ExtractedFact(category="name", predicate="name", object="An")])
    graph = OwnGraph()
    try:
        graph.start_graph()
        env = {**graph_env, "GRAPH_ENABLED": "true"}
        done = cli("reindex", "--tenant", tenant, "-q", **env)
        assert done.returncode == 0, done.stderr
        ledger.upsert_facts(tenant, "an", [ExtractedFact(category="name", predicate="name", object="Bình")])
        done = cli("reindex", "--tenant", tenant, "--user", "an", **env)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["removed_relations"] == 1
        probe = subprocess.run(
            [sys.executable, "-c", "import sys; from pika_mem.index import graph; "
             "print(graph.count_relations(sys.argv[1], 'an'), "
             "sorted(n['object'] for n in graph.neighbours(sys.argv[1], 'an', ['mèo'])))", tenant],
            cwd=ROOT, env=cli_env(**env), capture_output=True, text=True, timeout=120)
        assert probe.returncode == 0, probe.stderr
        assert probe.stdout.split()[0] == "3"  # mèo, màu 0, Bình (An's relation removed)
        assert "An" not in probe.stdout and "Bình" in probe.stdout
    finally:
        graph.stop_all()
