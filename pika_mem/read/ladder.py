"""The read ladder's decisions: which layer answers a search, and what is written back.

version tag → L0 (this process's LRU, at that version) → L1 (Redis, at that version;
read in the admission round trip when the caller made one) → L2 (the favourites summary,
when the query asks for favourites) → L3/L4 (the caller's RPC to worker-memory) →
written back to L1 and L0. HTTP and the RPC stay with the caller (api/).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pika_mem.access.admission import Preflight, SearchProbe
from pika_mem.config import get_settings
from pika_mem.read import cache_layers, favorites, query_intent, versions

# (tenant, user, query hash) → (version, answer bytes); only served at the current version.
L0 = cache_layers.LocalLRU(get_settings().search_l0_entries)


@dataclass(frozen=True)
class Question:
    """One search of one tenant's child, with its cache identity."""
    tenant: str
    user_id: str
    query: str
    limit: int
    categories: list[str] | None
    qhash: str

    @property
    def l0_key(self) -> tuple[str, str, str]:
        return (self.tenant, self.user_id, self.qhash)


def question(tenant: str, user_id: str, query: str, limit: int,
             categories: list[str] | None) -> Question:
    return Question(tenant, user_id, query, limit, categories,
                    cache_layers.query_hash(query, limit, categories))


def probe(q: Question) -> SearchProbe:
    """What the admission round trip should fetch for this search (L1 unless L0 has it)."""
    held = L0.get(q.l0_key)
    return SearchProbe(q.tenant, q.user_id, q.qhash, held[0] if held else None)


def lookups(q: Question) -> Preflight:
    """The version tag and L1 entry one at a time, for a caller without admission's."""
    version = versions.get_version(q.tenant, q.user_id)
    return Preflight(None, 0, 0, version,
                     cache_layers.l1_get(cache_layers.l1_key(q.tenant, q.user_id, version, q.qhash)))


def cached(q: Question, pre: Preflight) -> tuple[str, bytes] | None:
    """("L0" | "L1", answer) when a cache holds the answer at the current version."""
    held = L0.get(q.l0_key)
    if held is not None and held[0] == pre.version:
        return "L0", held[1]
    if pre.cached is not None:
        L0.put(q.l0_key, (pre.version, pre.cached))
        return "L1", pre.cached
    return None


def answer_miss(q: Question, version: int,
                rpc: Callable[[Question], list[dict]]) -> tuple[str, bytes, bool]:
    """L2 for a favourites question the summary can answer, else the RPC (L3/L4); the
    answer is written to L1 and L0 at `version`. Returns (layer, answer, L2 was tried)."""
    intent = query_intent.parse(q.query)
    results, layer, tried_l2 = None, "L4", False
    if intent.favorites:
        tried_l2 = True
        record, _ = favorites.read_summary(q.tenant, q.user_id, version)
        if record is not None:
            results = cache_layers.favorites_answer(record, intent, q.limit, q.categories)
            if results is not None:
                layer = "L2"
    if results is None:
        results = rpc(q)
    answer = cache_layers.encode(results)
    cache_layers.l1_put(cache_layers.l1_key(q.tenant, q.user_id, version, q.qhash), answer,
                        get_settings().search_cache_ttl)
    L0.put(q.l0_key, (version, answer))
    return layer, answer, tried_l2
