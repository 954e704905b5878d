"""The extraction scorecard: the rule extractor on the labelled sets, side by side.

Sets (each scored and printed on its own): `dev` (tests/data/dev_conversations.jsonl),
`train` (tests/data/corpus/train/*.jsonl) and `test` (tests/data/corpus/test/*.jsonl,
the FROZEN test split: reported, never used to choose a rule, pattern or feature).
Per set: precision / recall / F1 overall, per language, per family (profile,
favourites, safety) and per phenomenon class; favourites-summary exactness per child
and per conversation (each child's conversations replayed in seq order through
supersession.plan and favorites.compute_summary, as the service does); PII leaks; and
messages/s of the extractor alone on one core. Matching rules: bench/extraction_scoring.py.

    .venv/bin/python bench/eval_extraction.py                  # dev, train, test
    .venv/bin/python bench/eval_extraction.py --set dev -v     # misses per conversation
    .venv/bin/python bench/eval_extraction.py --set path/to/file.jsonl --json out.json
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import extraction_report as report  # noqa: E402
from bench.extraction_scoring import (FAMILIES, LANGS, FavouritesReplay, aggregate, favourites_exactness,  # noqa: E402
                                      per_category, pii_leaks, same_favorites)
from pika_mem.facts.extraction import extract_facts  # noqa: E402

DATA = ROOT / "tests/data"
TEST_DIR = DATA / "corpus/test"
NAMED = {"dev": lambda: [DATA / "dev_conversations.jsonl"],
         "train": lambda: sorted((DATA / "corpus/train").glob("*.jsonl")),
         "test": lambda: sorted(TEST_DIR.glob("*.jsonl"))}
CLASSES = ("cue_word", "safety_consequence", "dialogue_answer", "reason_filler", "possessive_title",
           "family_names", "correction", "other_person", "rhetorical_negation", "retraction",
           "unaccented", "code_switch", "misspelling", "list_contrast", "multi_profile", "plain", "no_fact")


def resolve(spec: str) -> tuple[str, list[Path], bool]:
    """(label, files, frozen): a named set, a .jsonl file or a folder of them. Any file
    of the frozen test split makes the set frozen, however it was named."""
    if spec in NAMED:
        files = NAMED[spec]()
    else:
        p = Path(spec)
        files = sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    missing = [f for f in files if not f.is_file()]
    if not files or missing:
        raise SystemExit(f"set {spec!r}: no such file(s) {missing or spec}")
    frozen = any(f.resolve().is_relative_to(TEST_DIR.resolve()) for f in files)
    return spec, files, frozen


def load(files: list[Path]) -> list[dict]:
    return [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def score_set(rows: list[dict]) -> list[dict]:
    """One scored record per conversation, children replayed in seq order."""
    replay = FavouritesReplay()
    convs = []
    for row in sorted(rows, key=lambda r: (r["user_id"], r["seq"])):
        facts = extract_facts(row["messages"])
        got = [{"category": f.category, "object": f.object, "polarity": f.polarity} for f in facts]
        cats, fps, fns = per_category(got, row["facts"])
        fav = replay.add(row["user_id"], facts)
        convs.append({"id": row["id"], "user_id": row["user_id"], "seq": row["seq"], "lang": row["lang"],
                      "classes": row.get("classes", []), "cats": cats, "fps": fps, "fns": fns,
                      "fav_exact": same_favorites(fav, row["favorites"]), "fav_got": fav,
                      "fav_want": row["favorites"], "leaks": pii_leaks(row, facts)})
    return convs


def throughput(rows: list[dict], min_seconds: float = 1.0) -> dict:
    """Messages/s of extract_facts alone, one thread (one core): only the extractor calls
    are inside the timed spans, repeated over the set until at least min_seconds of
    extractor CPU time. CPU time is the figure (other processes on a shared VM do not
    count against it); wall-clock time is kept beside it."""
    batches = [r["messages"] for r in rows]
    per_pass = sum(len(m) for m in batches)
    for m in batches:  # warm: compiled patterns, caches
        extract_facts(m)
    done, cpu, wall = 0, 0.0, 0.0
    while cpu < min_seconds:
        c0, w0 = time.thread_time(), time.perf_counter()
        for m in batches:
            extract_facts(m)
        cpu += time.thread_time() - c0
        wall += time.perf_counter() - w0
        done += per_pass
    return {"messages_per_s": done / cpu, "messages_per_s_wall": done / wall, "messages": done,
            "cpu_seconds": cpu, "wall_seconds": wall}


def summarize(label: str, files: list[Path], frozen: bool, rows: list[dict], convs: list[dict],
              speed: dict) -> dict:
    """All figures of one set, JSON-ready."""
    agg = aggregate(convs)
    safety = {cat: agg["category"].get(cat) for cat in FAMILIES["safety"]}
    leaks = [{"id": c["id"], "leak": s} for c in convs for s in c["leaks"]]
    return {
        "set": label, "frozen_test_split": frozen,
        "files": [str(f.resolve().relative_to(ROOT)) if f.resolve().is_relative_to(ROOT) else str(f)
                  for f in files],
        "conversations": len(rows), "messages": sum(len(r["messages"]) for r in rows),
        "overall": agg["all"].figures(),
        "language": {k: dict(agg["lang"][k].figures(), conversations=agg["lang_convs"].get(k, 0))
                     for k in (*LANGS, *sorted(set(agg["lang"]) - set(LANGS)))},
        "family": {k: agg["family"][k].figures() for k in FAMILIES},
        "safety": {**{cat: (t.figures() if t else None) for cat, t in safety.items()},
                   "allergy+fear": agg["family"]["safety"].figures()},
        "category": {k: t.figures() for k, t in sorted(agg["category"].items())},
        "class": {k: dict(agg["class"][k].figures(), conversations=agg["class_convs"][k])
                  for k in (*CLASSES, *sorted(set(agg["class"]) - set(CLASSES))) if k in agg["class"]},
        "favourites": favourites_exactness(convs),
        "pii": {"leaks": len(leaks), "details": leaks},
        "throughput": speed,
    }


def misses(convs: list[dict]) -> list[dict]:
    return [c for c in convs if c["fps"] or c["fns"] or not c["fav_exact"] or c["leaks"]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help="same as --set PATH")
    ap.add_argument("--set", dest="sets", action="append", metavar="NAME|PATH",
                    help="dev, train, test, a .jsonl file or a folder of them; repeatable (default: dev train test)")
    ap.add_argument("--json", metavar="PATH", help="write all figures as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="misses per conversation (not for the test split)")
    ap.add_argument("--show-test-misses", action="store_true",
                    help="also list the frozen test split's misses (for reporting only)")
    ap.add_argument("--markdown", action="store_true", help="the side-by-side table as Markdown")
    ap.add_argument("--min-seconds", type=float, default=1.0, help="extractor time per throughput run")
    args = ap.parse_args(argv)
    specs = (args.sets or []) + args.paths or ["dev", "train", "test"]

    results = []
    for spec in specs:
        label, files, frozen = resolve(spec)
        rows = load(files)
        convs = score_set(rows)
        figures = summarize(label, files, frozen, rows, convs, throughput(rows, args.min_seconds))
        results.append(figures)
        report.print_set(figures)
        if args.verbose or args.show_test_misses:
            if frozen and not args.show_test_misses:
                print(report.TEST_MISSES_HIDDEN)
            elif args.verbose or frozen:
                report.print_misses(misses(convs), frozen)
        print()
    if len(results) > 1 or args.markdown:
        report.print_side_by_side(results, markdown=args.markdown)
    if args.json:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        Path(args.json).write_text(json.dumps({"commit": commit, "sets": results}, ensure_ascii=False,
                                              indent=1), encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
