"""The materialized favourites summary: computed from the ledger, upserted, warmed."""
from __future__ import annotations

import json

from sqlalchemy import select

from pika_mem import redis_client
from pika_mem.db import get_engine
from pika_mem.facts.model import (FAVORITE_CATEGORIES, POSITIVE_PREDICATES, PROFILE_PREDICATES,
                                  normalize_object)
from pika_mem.ledger import facts as ledger
from pika_mem.ledger.tables import user_favorite_summary
from pika_mem.read import versions

SUMMARY_TTL_SECONDS = 24 * 3600


def fav_key(tenant: str, user_id: str, version: int) -> str:
    return f"fav:{versions.user_tag(tenant, user_id)}:{version}"


def compute_summary(facts: list[dict]) -> dict:
    """Active facts → {summary: {category: [...]}, dislikes: {...}, profile: {...}}."""
    summary: dict[str, list] = {}
    dislikes: dict[str, list] = {}
    profile: dict[str, list] = {}
    for f in facts:
        item = {"id": str(f["id"]), "object": f["object"], "text": f["text"],
                "importance": f["importance"], "since": f["valid_from"].isoformat()}
        if f["category"] in PROFILE_PREDICATES:
            profile.setdefault(f["category"], []).append(item)
        elif f["category"] in FAVORITE_CATEGORIES:
            if f["polarity"] == "+" and f["predicate"] in POSITIVE_PREDICATES:
                summary.setdefault(f["category"], []).append(item)
            elif f["polarity"] == "-":
                dislikes.setdefault(f["category"], []).append(item)
    for group in (summary, dislikes, profile):
        for cat, items in group.items():
            # Most important first, then most recent; one entry per object ("likes cà rốt"
            # and "favourite cà rốt" are one thing the child likes).
            items.sort(key=lambda i: i["since"], reverse=True)
            items.sort(key=lambda i: -i["importance"])
            seen: set[str] = set()
            group[cat] = [i for i in items if not (normalize_object(i["object"]) in seen
                                                   or seen.add(normalize_object(i["object"])))]
    return {"summary": summary, "dislikes": dislikes, "profile": profile}


# Straight to the driver, like the ledger reads: SQLAlchemy's statement building and
# parameter/result processing cost ~2/3 of a refresh, and beat refreshes thousands.
_UPSERT = ("INSERT INTO user_favorite_summary (tenant_id, user_id, summary_json, version)"
           " VALUES (%s, %s, %s::jsonb, %s)"
           " ON CONFLICT (tenant_id, user_id) DO UPDATE SET summary_json = EXCLUDED.summary_json,"
           " version = EXCLUDED.version, last_updated = now()"
           " WHERE user_favorite_summary.version <= EXCLUDED.version RETURNING last_updated")


def upsert_summary(conn, tenant: str, user_id: str, version: int) -> dict:
    """Recompute from the ledger and upsert, inside the caller's transaction.

    A row never moves to an older version (a slow refresh cannot undo a newer one),
    and refreshes of one child run one at a time, each reading the ledger after the
    previous one committed: concurrent refreshes end with the newest state.
    """
    ledger.lock_child(conn, tenant, user_id)
    body = compute_summary(ledger.active_facts(tenant, user_id, conn))
    last = conn.exec_driver_sql(_UPSERT, (tenant, user_id, json.dumps(body), version)).scalar()
    return {"summary": body, "version": version,
            "last_updated": last.isoformat() if last else None}


def warm(tenant: str, user_id: str, record: dict) -> None:
    """The Redis copy for this version (after the Postgres commit)."""
    redis_client.get_redis().set(fav_key(tenant, user_id, record["version"]), json.dumps(record),
                          ex=SUMMARY_TTL_SECONDS)


def refresh_users(pairs: list[tuple[str, str]]) -> list[dict]:
    """Refresh summaries: one transaction and one Redis round trip per batch (beat's
    fan-out and the admin CLI pass many; the chord callback's path passes one)."""
    if not pairs:
        return []
    r = redis_client.get_redis()
    current = [int(v) if v is not None else versions.get_version(t, u)  # seeds a lost tag
               for (t, u), v in zip(pairs, r.mget([versions.version_key(t, u) for t, u in pairs]))]
    with get_engine().begin() as conn:
        records = [upsert_summary(conn, t, u, v) for (t, u), v in zip(pairs, current)]
    pipe = r.pipeline(transaction=False)
    for (t, u), record in zip(pairs, records):
        pipe.set(fav_key(t, u, record["version"]), json.dumps(record), ex=SUMMARY_TTL_SECONDS)
    pipe.execute()
    return records


def refresh_summary(tenant: str, user_id: str) -> dict:
    """Recompute one child's summary from Postgres, upsert, warm Redis."""
    return refresh_users([(tenant, user_id)])[0]


def read_summary(tenant: str, user_id: str, version: int | None = None) -> tuple[dict | None, str]:
    """Redis warm copy for the current version, else the Postgres row; (record, layer).
    A caller that has just read the version tag passes it (one round trip fewer)."""
    if version is None:
        version = versions.get_version(tenant, user_id)
    raw = redis_client.get_redis().get(fav_key(tenant, user_id, version))
    if raw:
        return json.loads(raw), "redis"
    with get_engine().connect() as conn:
        row = conn.execute(select(user_favorite_summary).where(
            user_favorite_summary.c.tenant_id == tenant,
            user_favorite_summary.c.user_id == user_id)).mappings().first()
    if row and row["version"] == version:
        return {"summary": row["summary_json"], "version": row["version"],
                "last_updated": row["last_updated"].isoformat()}, "postgres"
    return None, "miss"


def stale_users(limit: int = 100_000) -> list[tuple[str, str]]:
    """Users whose summary is missing or older than their newest fact change."""
    from sqlalchemy import text
    with get_engine().connect() as conn:
        rows = conn.execute(text(
            "SELECT m.tenant_id, m.user_id FROM memories m "
            "LEFT JOIN user_favorite_summary s "
            "  ON s.tenant_id = m.tenant_id AND s.user_id = m.user_id "
            "GROUP BY m.tenant_id, m.user_id, s.last_updated "
            "HAVING s.last_updated IS NULL OR max(m.updated_at) > s.last_updated "
            "LIMIT :n"), {"n": limit}).all()
    return [(r[0], r[1]) for r in rows]
