"""Score the rule extractor on the labelled dev set.

Prints precision / recall / F1 per language and overall (matching rules of
shared/data/README.md), per-user favourites-summary exactness (conversations replayed
in seq order through supersession.plan and favorites.compute_summary, as the service
does), a PII leak check and
messages/s on one core.

    .venv/bin/python bench/eval_extraction.py [path/to/dev_conversations.jsonl]
"""
from __future__ import annotations

import json
import sys
import time
import unicodedata
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pika_mem.facts.extraction import extract_facts  # noqa: E402
from pika_mem.facts.model import fact_id, normalize_object  # noqa: E402
from pika_mem.facts.pii import mask_pii  # noqa: E402
from pika_mem.facts.supersession import plan  # noqa: E402
from pika_mem.read.favorites import compute_summary  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[1] / "tests/data/dev_conversations.jsonl"


def norm(text: str) -> str:
    return normalize_object(unicodedata.normalize("NFC", text))


def same_object(got: str, want: str) -> bool:
    g, w = norm(got), norm(want)
    return bool(g) and bool(w) and (g == w or g in w or w in g)


def score(got: list[dict], want: list[dict]) -> tuple[int, int, int, list, list]:
    """(true positives, extracted, expected, false positives, misses); one-to-one."""
    free = list(want)
    tp, fps = 0, []
    for g in got:
        hit = next((w for w in free if w["category"] == g["category"]
                    and w["polarity"] == g["polarity"] and same_object(g["object"], w["object"])), None)
        if hit is None:
            fps.append(g)
        else:
            free.remove(hit)
            tp += 1
    return tp, len(got), len(want), fps, free


def prf(tp: int, n_got: int, n_want: int) -> tuple[float, float, float]:
    p = tp / n_got if n_got else 1.0
    r = tp / n_want if n_want else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def same_favorites(got: dict, want: dict) -> bool:
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


def main(path: Path) -> int:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses = []
    active: dict[str, list[dict]] = defaultdict(list)
    fav_ok = fav_n = 0
    leaks = []
    for row in sorted(rows, key=lambda r: (r["user_id"], r["seq"])):
        facts = extract_facts(row["messages"])
        got = [{"category": f.category, "object": f.object, "polarity": f.polarity} for f in facts]
        tp, n_got, n_want, fps, fns = score(got, row["facts"])
        for key in (row["lang"], "all"):
            for i, v in enumerate((tp, n_got, n_want)):
                totals[key][i] += v
        if fps or fns:
            misses.append((row["id"], fps, fns))
        view = active[row["user_id"]]
        for f in facts:
            new = {"id": fact_id("bench", row["user_id"], f.predicate, f.category, f.object),
                   "category": f.category, "predicate": f.predicate, "object": f.object,
                   "polarity": f.polarity, "retracts": f.retracts, "text": f.text,
                   "importance": f.importance, "valid_from": datetime.now(timezone.utc)}
            closed = {old for old, _ in plan(view, [new])}
            view[:] = [v for v in view if v["id"] not in closed]
            if all(v["id"] != new["id"] for v in view):
                view.append(new)
        fav_n += 1
        got_fav = {c: [i["object"] for i in items]
                   for c, items in compute_summary(view)["summary"].items()}
        if same_favorites(got_fav, row["favorites"]):
            fav_ok += 1
        else:
            misses.append((row["id"], {"favorites": got_fav}, {"favorites": row["favorites"]}))
        stored = " ".join(f"{f.text} {f.object}" for f in facts)
        masked = " ".join(mask_pii(m["content"]) for m in row["messages"])
        for secret in row.get("must_not_store", []):
            if secret in stored or secret in masked:
                leaks.append((row["id"], secret))

    print(f"dev set: {path} ({len(rows)} conversations)")
    print(f"{'':6} {'P':>6} {'R':>6} {'F1':>6}   tp/extracted/expected")
    for key in sorted(k for k in totals if k != "all") + ["all"]:
        tp, n_got, n_want = totals[key]
        p, r, f1 = prf(tp, n_got, n_want)
        print(f"{key:6} {p:6.3f} {r:6.3f} {f1:6.3f}   {tp}/{n_got}/{n_want}")
    print(f"favourites summary exact: {fav_ok}/{fav_n} conversations ({fav_ok / max(fav_n, 1):.1%})")
    print(f"PII leaks: {len(leaks)}" + (f" {leaks}" if leaks else " (none of must_not_store survives)"))
    if misses and "-v" in sys.argv:
        for conv, fps, fns in misses:
            print(f"  {conv}: extra {fps}  missed {fns}")

    messages = [row["messages"] for row in rows]
    per_pass = sum(len(m) for m in messages)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0:
        for m in messages:
            extract_facts(m)
        done += per_pass
    rate = done / (time.perf_counter() - start)
    print(f"throughput: {rate:,.0f} messages/s on one core ({done} messages)")
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    sys.exit(main(Path(args[0]) if args else DEFAULT))
