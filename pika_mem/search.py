"""L3 + L4 of the read path: embed the query (cached), search mem0/Qdrant, keep only
facts the ledger still holds as active."""
from __future__ import annotations

from datetime import datetime, timezone

from . import ledger, memory_store


def search_active(tenant: str, user_id: str, query: str, limit: int = 10,
                  categories: list[str] | None = None) -> list[dict]:
    """Top facts for a query, over-fetched then checked against Postgres."""
    hits = memory_store.search(tenant, user_id, query, limit=limit * 2, categories=categories)
    rows = {str(r["id"]): r for r in ledger.get_facts([h["id"] for h in hits])}
    now = datetime.now(timezone.utc)
    out = []
    for h in hits:
        row = rows.get(h["id"])
        if row is None or row["tenant_id"] != tenant or row["user_id"] != user_id:
            continue
        if row["valid_to"] is not None or (row["expires_at"] and row["expires_at"] <= now):
            continue
        out.append({"id": h["id"], "text": row["text"], "category": row["category"],
                    "object": row["object"], "polarity": row["polarity"],
                    "score": round(float(h["score"]), 4),
                    "created_at": row["created_at"].isoformat()})
        if len(out) >= limit:
            break
    return out
