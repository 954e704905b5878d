"""Which active facts new facts close, and the favourites summary of what is active.

Pure functions over plain dicts {id, category, predicate, object, polarity[, retracts]}
with `object` already normalized (facts.normalize_object); the ledger does the I/O.
"""
from __future__ import annotations

from pika_mem.facts.model import FAVORITE_CATEGORIES, POSITIVE_PREDICATES, is_single_valued, normalize_object



def _tokens_within(short: str, long: str) -> bool:
    """"voi" within "con voi", "kem" within "kem dâu": whole words, in order."""
    a, b = short.split(), long.split()
    return bool(a) and any(b[i:i + len(a)] == a for i in range(len(b) - len(a) + 1))


def _same_thing(x: str, y: str) -> bool:
    x, y = normalize_object(x), normalize_object(y)
    return x == y or _tokens_within(x, y) or _tokens_within(y, x)


def _closes(new: dict, old: dict) -> bool:
    if old["id"] == new["id"]:
        return False
    cat, pred = new["category"], new["predicate"]
    same_cat = old["category"] == cat
    if is_single_valued(pred, cat) and same_cat and old["predicate"] == pred:
        return True
    if new.get("retracts"):
        # The category of a retraction is a guess; the object is what the child named.
        if old["predicate"] not in POSITIVE_PREDICATES:
            return False
        if normalize_object(old["object"]) == normalize_object(new["object"]):
            return True
        known = cat in FAVORITE_CATEGORIES
        return (same_cat or not known) and _same_thing(old["object"], new["object"])
    if not same_cat or normalize_object(old["object"]) != normalize_object(new["object"]):
        return False
    if pred in ("likes", "favorite"):
        return old["predicate"] == "dislikes"  # changed their mind: now likes it
    if pred == "dislikes":
        return old["predicate"] in ("likes", "favorite")
    return False


def plan(active: list[dict], new: list[dict]) -> list[tuple[str, str]]:
    """[(old_id, new_id)]: active facts each new fact closes, new facts taken in order
    (a later new fact may close an earlier one of the same batch). Idempotent: a fact
    never closes itself, so writing the same facts twice closes nothing more."""
    view = list(active)
    closures: list[tuple[str, str]] = []
    for n in new:
        kept = []
        for old in view:
            if _closes(n, old):
                closures.append((old["id"], n["id"]))
            else:
                kept.append(old)
        view = [v for v in kept if v["id"] != n["id"]] + [n]
    return closures
