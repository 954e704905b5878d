"""L3 + L4 of the read path: embed the query (cached), search mem0/Qdrant, re-rank,
and keep only facts the ledger still holds as active."""
from __future__ import annotations

from pika_mem.facts.model import normalize_object
from pika_mem.index import vectors
from pika_mem.ledger import facts as ledger
from pika_mem.read import query_intent

# Re-ranking weights: similarity first; a category the query names, the object
# said verbatim, the polarity asked for, and importance move a fact up.
_CATEGORY_BOOST = (0.35, 0.25, 0.2)
_LEXICAL_BOOST = 0.3
_POLARITY_BOOST = 0.2
_IMPORTANCE_WEIGHT = 0.02


def rerank(query: str, hits: list[dict], intent: query_intent.Intent) -> list[dict]:
    """Score = cosine + boosts; returns hits sorted best first (score replaced)."""
    q = normalize_object(query)
    out = []
    for h in hits:
        score = float(h["score"])
        if h["category"] in intent.categories:
            score += _CATEGORY_BOOST[min(intent.categories.index(h["category"]), 2)]
        obj = normalize_object(h["object"])
        if obj and len(obj) > 2 and obj in q:
            score += _LEXICAL_BOOST
        if intent.dislikes:
            score += _POLARITY_BOOST if h["polarity"] == "-" else -_POLARITY_BOOST
        elif h["polarity"] == "-":
            score -= _POLARITY_BOOST / 2
        score += _IMPORTANCE_WEIGHT * int(h.get("importance") or 3)
        out.append(dict(h, score=score))
    out.sort(key=lambda h: -h["score"])
    return out


def search_active(tenant: str, user_id: str, query: str, limit: int = 10,
                  categories: list[str] | None = None) -> list[dict]:
    """Top facts for a query: vector candidates (+ the categories it names), re-ranked,
    checked against Postgres (superseded, deleted or expired facts never come back)."""
    intent = query_intent.parse(query)
    # mem0 fetches max(4 × top_k, 60) candidates whatever we ask: 60 costs no more.
    pool = max(limit * 3, 60)
    hits = {h["id"]: h for h in vectors.search(tenant, user_id, query, limit=pool,
                                                      categories=categories)}
    named = [c for c in intent.categories if not categories or c in categories]
    # A full pool may have left out facts of the category the query names: fetch those
    # too. A child with fewer facts than the pool is already covered by one search.
    if named and len(hits) >= pool:
        for h in vectors.search(tenant, user_id, query, limit=pool, categories=named):
            hits.setdefault(h["id"], h)
    ranked = rerank(query, list(hits.values()), intent)
    rows = ledger.active_among(tenant, user_id, [h["id"] for h in ranked[:pool]])
    out = []
    for h in ranked:
        row = rows.get(h["id"])
        if row is None:
            continue
        out.append({"id": h["id"], "text": row["text"], "category": row["category"],
                    "object": row["object"], "polarity": row["polarity"],
                    "score": round(h["score"], 4), "created_at": row["created_at"].isoformat()})
        if len(out) >= limit:
            break
    return out
