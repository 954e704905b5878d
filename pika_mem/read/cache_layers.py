"""L0 (in-process LRU) and L1 (Redis) caches of search answers, keyed by version.

L0 is keyed by (tenant, user, query hash) and holds (version, answer): only an
answer at the version Redis reports now is served.

A key carries the user's version tag, so a write (which bumps the tag) makes every
older entry unreachable at once; nothing is ever deleted key by key.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from pika_mem import redis_client
from pika_mem.read import versions
from pika_mem.read.query_intent import normalize_query, Intent

class LocalLRU:
    """A small thread-safe LRU for one process (L0)."""

    def __init__(self, max_entries: int = 10_000):
        self.max_entries = max_entries
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


def query_hash(query: str, limit: int, categories: list[str] | None) -> str:
    ident = json.dumps([normalize_query(query), limit, sorted(categories or [])],
                       ensure_ascii=False)
    return hashlib.sha1(ident.encode()).hexdigest()[:24]


def l1_prefix(tenant: str, user_id: str) -> str:
    return f"search:{versions.user_tag(tenant, user_id)}:"


def l1_key(tenant: str, user_id: str, version: int, qhash: str) -> str:
    return f"{l1_prefix(tenant, user_id)}{version}:{qhash}"


def encode(results: list[dict]) -> bytes:
    """An answer as stored in L1 and L0: JSON bytes, spliced into responses as they are."""
    return json.dumps(results, ensure_ascii=False, separators=(",", ":")).encode()


def l1_get(key: str) -> bytes | None:
    return redis_client.get_redis().get(key)


def l1_put(key: str, answer: bytes, ttl: int) -> None:
    """Store an answer for `ttl` seconds (SEARCH_CACHE_TTL)."""
    redis_client.get_redis().set(key, answer, ex=ttl)


def favorites_answer(record: dict, intent: Intent, limit: int,
                     categories: list[str] | None) -> list[dict] | None:
    """Answer a favourites question from the materialized summary (L2), or None when
    the summary has nothing for the categories asked (the vector search then tries)."""
    summary = record["summary"]["summary"]
    wanted = [c for c in (categories or intent.categories) if c in summary]
    if (categories or intent.categories) and not wanted:
        return None
    cats = wanted or list(summary)
    out = []
    for cat in cats:
        for item in summary[cat]:
            out.append({"id": item.get("id", ""), "text": item["text"], "category": cat,
                        "object": item["object"], "polarity": "+",
                        "score": round(1.0 + item["importance"] / 10, 4),
                        "created_at": item["since"]})
    return out[:limit] or None
