"""The graph store over the official neo4j driver (Bolt, portable Cypher).

Production: Neo4j 5. Embedded default and tests: ArcadeDB's Bolt plugin
(``python -m pika_mem.index.graph_server``). Nothing here is ArcadeDB-specific.

Model (every node carries tenant_id and user_id):

    (:Child {tenant_id, user_id})-[:LIKES|DISLIKES|FAVORITE|HAS|PROFILE
        {fact_id, predicate, category, polarity}]->(:Thing {tenant_id, user_id, key, name, category})

Thing.key is the normalized object; Things are per child, so a delete never
reaches another child's data. One relationship per fact, merged on its
deterministic fact_id: the same fact twice leaves one relationship. The graph is
derived data: Postgres can rebuild it.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import ConstraintError

from pika_mem.config import get_settings, Settings
from pika_mem.facts.model import normalize_object

# Fixed whitelist: types are never built from input.
REL_TYPES = ("LIKES", "DISLIKES", "FAVORITE", "HAS", "PROFILE")

_SCHEMA = (
    "CREATE CONSTRAINT child_key IF NOT EXISTS "
    "FOR (c:Child) REQUIRE (c.tenant_id, c.user_id) IS UNIQUE",
    "CREATE CONSTRAINT thing_key IF NOT EXISTS "
    "FOR (t:Thing) REQUIRE (t.tenant_id, t.user_id, t.key) IS UNIQUE",
)

# One statement per type: a relationship type cannot be a parameter.
_UPSERT = {
    rel: (
        "UNWIND $rows AS row "
        "MERGE (u:Child {tenant_id: $tenant, user_id: $user_id}) "
        "MERGE (o:Thing {tenant_id: $tenant, user_id: $user_id, key: row.key}) "
        "ON CREATE SET o.name = row.object "
        "SET o.category = row.category "
        f"MERGE (u)-[r:{rel} {{fact_id: row.id}}]->(o) "
        "SET r.predicate = row.predicate, r.category = row.category, r.polarity = row.polarity "
        "RETURN count(r) AS n"
    )
    for rel in REL_TYPES
}

# A fact whose polarity flipped keeps its id (the id does not cover polarity):
# drop its relationship of the other type before merging the new one.
_DROP_RETYPED = (
    "UNWIND $rows AS row "
    "MATCH (:Child {tenant_id: $tenant, user_id: $user_id})-[r]->(:Thing) "
    "WHERE r.fact_id = row.id AND type(r) <> row.rel "
    "DELETE r"
)

# Things left with no relationship are removed with the last fact about them.
_DROP_ORPHANS = (
    "MATCH (o:Thing {tenant_id: $tenant, user_id: $user_id}) WHERE o.key IN $keys "
    "OPTIONAL MATCH (o)-[x]-() "
    "WITH o, count(x) AS degree WHERE degree = 0 "
    "DELETE o"
)

_MERGE_ATTEMPTS = 5
_lock = threading.Lock()
_driver: Driver | None = None
_database: str | None = None


def get_driver(settings: Settings | None = None) -> Driver:
    """The process-wide driver, created on first use (connects lazily)."""
    global _driver, _database
    if _driver is None:
        with _lock:
            if _driver is None:
                s = settings or get_settings()
                _database = s.graph_database
                _driver = GraphDatabase.driver(
                    s.graph_uri,
                    auth=(s.graph_user, s.graph_password),
                    connection_timeout=5.0,
                    connection_acquisition_timeout=10.0,
                    max_transaction_retry_time=5.0,
                )
    return _driver


_schema_ready = False


def enabled() -> bool:
    """Whether facts go to the graph too (GRAPH_ENABLED); ensures the schema once."""
    global _schema_ready
    if not get_settings().graph_enabled:
        return False
    if not _schema_ready:
        ensure_schema()
        _schema_ready = True
    return True


def close() -> None:
    """Close the driver; the next call creates a new one."""
    global _driver
    with _lock:
        if _driver is not None:
            _driver.close()
            _driver = None


def _session():
    driver = get_driver()  # sets _database on first use
    return driver.session(database=_database)


def _write(work, *args: Any) -> Any:
    with _session() as session:
        return session.execute_write(work, *args)


def _read(work, *args: Any) -> Any:
    with _session() as session:
        return session.execute_read(work, *args)


def ensure_schema() -> None:
    """Composite unique constraints on the MERGE keys (idempotent)."""
    with _session() as session:
        for statement in _SCHEMA:
            session.run(statement).consume()  # schema: auto-commit, one per statement


def relation_for(predicate: str, polarity: str) -> str | None:
    """Relationship type for a fact, or None when the graph does not hold it."""
    positive = polarity != "-"
    if predicate == "likes":
        return "LIKES" if positive else "DISLIKES"
    if predicate == "dislikes":
        return "DISLIKES" if positive else None  # "doesn't dislike" is not "likes"
    if predicate == "favorite":
        return "FAVORITE" if positive else None
    if predicate == "has":
        return "HAS" if positive else None
    # A profile fact's predicate is its category (name, age, school, ...).
    return "PROFILE" if positive and predicate else None


def upsert_facts(tenant: str, user_id: str, facts: list[dict]) -> int:
    """Merge facts (dicts with id, category, predicate, object, polarity) into the graph.

    Returns the number of relationships written; facts the graph does not hold
    (see relation_for) or with an empty object are skipped.
    """
    by_rel: dict[str, list[dict]] = {}
    for f in facts:
        rel = relation_for(f.get("predicate", ""), f.get("polarity", "+"))
        key = normalize_object(str(f.get("object", "")))
        if rel is None or not key:
            continue
        by_rel.setdefault(rel, []).append({
            "id": str(f["id"]), "rel": rel, "key": key, "object": str(f["object"]).strip(),
            "category": f.get("category", ""), "predicate": f["predicate"],
            "polarity": f.get("polarity", "+"),
        })
    if not by_rel:
        return 0
    all_rows = [row for rows in by_rel.values() for row in rows]

    def work(tx: ManagedTransaction) -> int:
        p = {"tenant": tenant, "user_id": user_id}
        tx.run(_DROP_RETYPED, rows=all_rows, **p).consume()
        written = 0
        for rel, rows in by_rel.items():
            written += tx.run(_UPSERT[rel], rows=rows, **p).single()["n"]
        return written

    # Two writers MERGEing the same new node race: the unique constraint makes the
    # loser fail (ArcadeDB) instead of duplicating; a rerun then matches the node.
    for attempt in range(_MERGE_ATTEMPTS):
        try:
            return _write(work)
        except ConstraintError:
            if attempt == _MERGE_ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def delete_fact(tenant: str, user_id: str, fact_id: str) -> int:
    """Remove the relationship of one fact (and its Thing if now unconnected)."""

    def work(tx: ManagedTransaction) -> int:
        p = {"tenant": tenant, "user_id": user_id}
        rec = tx.run(
            "MATCH (:Child {tenant_id: $tenant, user_id: $user_id})-[r]->(o:Thing) "
            "WHERE r.fact_id = $fact_id "
            "WITH r, o.key AS key DELETE r RETURN collect(key) AS keys",
            fact_id=fact_id, **p,
        ).single()
        keys = rec["keys"] if rec else []
        if keys:
            tx.run(_DROP_ORPHANS, keys=keys, **p).consume()
        return len(keys)

    return _write(work)


def delete_user(tenant: str, user_id: str) -> int:
    """Remove everything of one child. Returns the number of nodes deleted."""

    def work(tx: ManagedTransaction) -> int:
        p = {"tenant": tenant, "user_id": user_id}
        n = 0
        for label in ("Thing", "Child"):
            rec = tx.run(
                f"MATCH (n:{label} {{tenant_id: $tenant, user_id: $user_id}}) "
                "DETACH DELETE n RETURN count(*) AS n", **p,
            ).single()
            n += rec["n"] if rec else 0
        return n

    return _write(work)


def neighbours(tenant: str, user_id: str, objects: list[str], limit: int = 10) -> list[dict]:
    """Other things of the child who is connected to `objects` (same category first).

    Each: {object, key, category, relation, predicate, fact_id, same_category}.
    Empty when the child has none of the objects.
    """
    keys = sorted({k for k in (normalize_object(o) for o in objects) if k})
    if not keys or limit <= 0:
        return []

    def work(tx: ManagedTransaction) -> list[dict]:
        result = tx.run(
            "MATCH (u:Child {tenant_id: $tenant, user_id: $user_id})-->(s:Thing) "
            "WHERE s.key IN $keys "
            "WITH u, collect(DISTINCT s.category) AS cats "
            "MATCH (u)-[r]->(o:Thing) WHERE NOT o.key IN $keys "
            "RETURN o.name AS object, o.key AS key, o.category AS category, "
            "type(r) AS relation, r.predicate AS predicate, r.fact_id AS fact_id, "
            "o.category IN cats AS same_category "
            "ORDER BY same_category DESC, key ASC LIMIT $limit",
            tenant=tenant, user_id=user_id, keys=keys, limit=int(limit),
        )
        return [rec.data() for rec in result]

    return _read(work)


def fact_ids(tenant: str, user_id: str) -> set[str]:
    """Ids of the facts whose relationships the graph holds for a child."""
    def work(tx: ManagedTransaction) -> list:
        return [r["fid"] for r in tx.run(
            "MATCH (:Child {tenant_id: $tenant, user_id: $user_id})-[r]->(:Thing) "
            "RETURN r.fact_id AS fid", tenant=tenant, user_id=user_id)]
    return {str(f) for f in _read(work) if f}


def count_relations(tenant: str, user_id: str) -> int:
    """How many fact relationships the graph holds for a child (operators and tests)."""
    def work(tx: ManagedTransaction) -> int:
        rec = tx.run("MATCH (u:Child {tenant_id: $tenant, user_id: $user_id})-[r]->(:Thing) "
                     "RETURN count(r) AS n", tenant=tenant, user_id=user_id).single()
        return rec["n"] if rec else 0
    return _read(work)
