"""Scoring of extracted facts against labels: pure functions, no services.

Matching (tests/data/README.md): category and polarity exactly; the object after
lower-casing, Unicode NFC and trimming punctuation, an extracted object containing the
expected one (or contained by it) counting; one extracted fact matches at most one
expected fact. Favourites: the summary a child's conversations leave, replayed in
`seq` order through supersession.plan and favorites.compute_summary as the service does.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from pika_mem.facts.model import FAVORITE_CATEGORIES, fact_id, normalize_object
from pika_mem.facts.pii import mask_pii
from pika_mem.facts.supersession import plan
from pika_mem.read.favorites import compute_summary

FAMILIES = {
    "profile": ("name", "age", "birthday", "school", "grade", "lives_in", "family", "dream"),
    "favourites": FAVORITE_CATEGORIES,
    "safety": ("allergy", "fear"),
}
FAMILY_OF = {cat: fam for fam, cats in FAMILIES.items() for cat in cats}
LANGS = ("vi", "en", "mixed")
_LONG_DIGITS = re.compile(r"\d{8,}")


def norm(text: str) -> str:
    return normalize_object(unicodedata.normalize("NFC", text))


def same_object(got: str, want: str) -> bool:
    g, w = norm(got), norm(want)
    return bool(g) and bool(w) and (g == w or g in w or w in g)


def score(got: list[dict], want: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """(matched (got, want) pairs, false positives, misses); one-to-one, greedy in order."""
    free = list(want)
    pairs, fps = [], []
    for g in got:
        hit = next((w for w in free if w["category"] == g["category"]
                    and w["polarity"] == g["polarity"] and same_object(g["object"], w["object"])), None)
        if hit is None:
            fps.append(g)
        else:
            free.remove(hit)
            pairs.append((g, hit))
    return pairs, fps, free


def prf(tp: int, n_got: int, n_want: int) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty denominator counts as 1.0 (nothing to get wrong)."""
    p = tp / n_got if n_got else 1.0
    r = tp / n_want if n_want else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class Tally:
    """True positives / extracted / expected, summed over facts."""

    __slots__ = ("tp", "got", "want")

    def __init__(self, tp: int = 0, got: int = 0, want: int = 0):
        self.tp, self.got, self.want = tp, got, want

    def add(self, other: "Tally") -> "Tally":
        self.tp += other.tp
        self.got += other.got
        self.want += other.want
        return self

    def figures(self) -> dict:
        p, r, f1 = prf(self.tp, self.got, self.want)
        return {"precision": p if self.got else None, "recall": r if self.want else None,
                "f1": f1 if self.got or self.want else None,
                "tp": self.tp, "extracted": self.got, "expected": self.want}

    def __eq__(self, other) -> bool:
        return (self.tp, self.got, self.want) == (other.tp, other.got, other.want)

    def __repr__(self) -> str:
        return f"Tally({self.tp}, {self.got}, {self.want})"


def per_category(got: list[dict], want: list[dict]) -> tuple[dict[str, Tally], list[dict], list[dict]]:
    """Score one conversation: {category: Tally}, false positives, misses. A match has
    one category on both sides, so summing categories gives any family's figures."""
    pairs, fps, fns = score(got, want)
    cats: dict[str, Tally] = defaultdict(Tally)
    for g, _ in pairs:
        cats[g["category"]].tp += 1
    for g in got:
        cats[g["category"]].got += 1
    for w in want:
        cats[w["category"]].want += 1
    return dict(cats), fps, fns


def total(cats: dict[str, Tally], only: tuple[str, ...] | None = None) -> Tally:
    out = Tally()
    for cat, t in cats.items():
        if only is None or cat in only:
            out.add(t)
    return out


def aggregate(convs: list[dict]) -> dict:
    """convs: [{lang, classes, cats: {category: Tally}}] → Tallies overall, per language,
    per family, per category and per phenomenon class (the conversations carrying it)."""
    out = {"all": Tally(), "lang": {k: Tally() for k in LANGS}, "family": {k: Tally() for k in FAMILIES},
           "category": defaultdict(Tally), "class": defaultdict(Tally), "class_convs": defaultdict(int),
           "lang_convs": {k: 0 for k in LANGS}}
    for c in convs:
        t = total(c["cats"])
        out["all"].add(t)
        out["lang"].setdefault(c["lang"], Tally()).add(t)
        out["lang_convs"][c["lang"]] = out["lang_convs"].get(c["lang"], 0) + 1
        for fam, cats in FAMILIES.items():
            out["family"][fam].add(total(c["cats"], cats))
        for cat, ct in c["cats"].items():
            out["category"][cat].add(ct)
        for cls in c.get("classes", ()):
            out["class"][cls].add(t)
            out["class_convs"][cls] += 1
    return out


def same_favorites(got: dict, want: dict) -> bool:
    """Same categories, and per category the same objects one-to-one (any order)."""
    if set(got) != set(want):
        return False
    for cat, objs in want.items():
        mine = list(got[cat])
        if len(mine) != len(objs):
            return False
        for w in objs:
            hit = next((g for g in mine if same_object(g, w)), None)
            if hit is None:
                return False
            mine.remove(hit)
    return True


class FavouritesReplay:
    """Each child's active facts, conversation after conversation, as the ledger keeps
    them: supersession.plan closes what a new fact replaces; the summary is
    favorites.compute_summary of what stays. A fixed clock keeps runs identical."""

    def __init__(self):
        self.active: dict[str, list[dict]] = defaultdict(list)
        self._clock = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def add(self, user_id: str, facts) -> dict[str, list[str]]:
        view = self.active[user_id]
        for f in facts:
            self._clock += timedelta(seconds=1)
            new = {"id": fact_id("bench", user_id, f.predicate, f.category, f.object),
                   "category": f.category, "predicate": f.predicate, "object": f.object,
                   "polarity": f.polarity, "retracts": f.retracts, "text": f.text,
                   "importance": f.importance, "valid_from": self._clock}
            closed = {old for old, _ in plan(view, [new])}
            view[:] = [v for v in view if v["id"] not in closed]
            if all(v["id"] != new["id"] for v in view):
                view.append(new)
        return {c: [i["object"] for i in items] for c, items in compute_summary(view)["summary"].items()}


def favourites_exactness(convs: list[dict]) -> dict:
    """convs: [{user_id, seq, fav_exact}] → exact conversations, and children whose
    final summary (after their last conversation) is exact."""
    last: dict[str, dict] = {}
    for c in convs:
        if c["user_id"] not in last or c["seq"] > last[c["user_id"]]["seq"]:
            last[c["user_id"]] = c
    return {"conversations_exact": sum(c["fav_exact"] for c in convs), "conversations": len(convs),
            "children_exact": sum(c["fav_exact"] for c in last.values()), "children": len(last)}


def pii_leaks(row: dict, facts) -> list[str]:
    """must_not_store strings surviving in stored text or the masked messages, and runs
    of 8+ digits in an extracted fact's object."""
    stored = " ".join(f"{f.text} {f.object}" for f in facts)
    masked = " ".join(mask_pii(str(m.get("content") or "")) for m in row["messages"])
    leaks = [s for s in row.get("must_not_store", []) if s in stored or s in masked]
    leaks += [f"digits in object {f.object!r}" for f in facts if _LONG_DIGITS.search(f.object)]
    return leaks
