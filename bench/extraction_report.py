"""Printing of the extraction scorecard (bench/eval_extraction.py): one block per set,
misses per conversation, and the sets side by side (plain or Markdown)."""
from __future__ import annotations

from bench.extraction_scoring import same_favorites

FROZEN_NOTE = "FROZEN TEST SPLIT: reported only, never used to choose a rule, pattern or feature"
TEST_MISSES_HIDDEN = ("  (misses of the frozen test split are not listed: looking at them to choose rules "
                      "would spoil the split; --show-test-misses prints them, for reporting only)")
_HEAD = f"{'':28} {'convs':>5} {'P':>6} {'R':>6} {'F1':>6}   tp/extracted/expected"


def num(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def pct(k: int, n: int) -> str:
    return f"{k}/{n} ({k / n:.1%})" if n else f"{k}/{n}"


def _line(label: str, fig: dict, convs: int | str = "") -> str:
    return (f"{label:28} {convs:>5} {num(fig['precision']):>6} {num(fig['recall']):>6} {num(fig['f1']):>6}"
            f"   {fig['tp']}/{fig['extracted']}/{fig['expected']}")


def _recall(fig: dict | None) -> str:
    return "—" if not fig or not fig["expected"] else f"{num(fig['recall'])} ({fig['tp']}/{fig['expected']})"


def _where(files: list[str]) -> str:
    if len(files) == 1:
        return files[0]
    parent = files[0].rsplit("/", 1)[0]
    return f"{parent}/*.jsonl ({len(files)} files)" if all(f.startswith(parent + "/") for f in files) \
        else ", ".join(files)


def print_set(s: dict) -> None:
    where = _where(s["files"])
    title = f"=== {s['set'] if s['set'] == where else s['set'] + ': ' + where}" \
            f" — {s['conversations']} conversations, {s['messages']} messages"
    print(title + " ===")
    if s["frozen_test_split"]:
        print(f"    {FROZEN_NOTE}")
    print(_HEAD)
    print(_line("overall", s["overall"], s["conversations"]))
    for i, (lang, fig) in enumerate(s["language"].items()):
        print(_line(f"{'language' if i == 0 else '':9} {lang}", fig, fig["conversations"]))
    for i, (fam, fig) in enumerate(s["family"].items()):
        print(_line(f"{'family' if i == 0 else '':9} {fam}", fig))
    sf = s["safety"]
    print(f"safety recall: allergy {_recall(sf['allergy'])} · fear {_recall(sf['fear'])}"
          f" · allergy+fear {_recall(sf['allergy+fear'])}")
    for i, (cls, fig) in enumerate(s["class"].items()):
        print(_line(f"{'class' if i == 0 else '':9} {cls}", fig, fig["conversations"]))
    fv = s["favourites"]
    print(f"favourites summary exact: children {pct(fv['children_exact'], fv['children'])} (final summary)"
          f" · conversations {pct(fv['conversations_exact'], fv['conversations'])}")
    pii = s["pii"]
    print(f"PII leaks: {pii['leaks']}" + (f" {pii['details']}" if pii["leaks"] else
          " (no must_not_store string survives; no 8+ digit run in an extracted object)"))
    t = s["throughput"]
    print(f"throughput: {t['messages_per_s']:,.0f} messages/s on one core (extractor CPU time:"
          f" {t['messages']} messages in {t['cpu_seconds']:.2f} s; wall clock {t['messages_per_s_wall']:,.0f}/s)")


def _fact(f: dict) -> str:
    return f"{f['category']}:{f['object']}({f['polarity']})"


def print_misses(convs: list[dict], frozen: bool) -> None:
    if frozen:
        print(f"  misses of the {FROZEN_NOTE} — shown because of --show-test-misses, for reporting only")
    print(f"  misses: {len(convs)} conversation(s)")
    for c in convs:
        print(f"  {c['id']} [{c['lang']}; {', '.join(c['classes']) or '-'}]")
        if c["fps"]:
            print("    extra   " + "  ".join(map(_fact, c["fps"])))
        if c["fns"]:
            print("    missed  " + "  ".join(map(_fact, c["fns"])))
        if not c["fav_exact"]:
            got, want = c["fav_got"], c["fav_want"]
            diff = {k: (got.get(k, []), want.get(k, [])) for k in sorted(set(got) | set(want))
                    if not same_favorites({k: got.get(k, [])}, {k: want.get(k, [])})}
            print("    favourites (got, want) " + "; ".join(f"{k}: {g} / {w}" for k, (g, w) in diff.items()))
        for leak in c["leaks"]:
            print(f"    PII     {leak}")


def _class_cell(fig: dict | None) -> str:
    if fig is None:
        return "—"
    if not fig["expected"]:  # no_fact: nothing to recall, every extracted fact is false
        return f"{fig['extracted']} extracted ({fig['conversations']})"
    return f"{num(fig['recall'])} / {num(fig['f1'])} ({fig['conversations']})"


def _rows(sets: list[dict]) -> list[tuple[str, list[str]]]:
    def each(fn):
        return [fn(s) for s in sets]

    rows = [("conversations / expected facts", each(lambda s: f"{s['conversations']} / {s['overall']['expected']}")),
            ("P / R / **F1** overall", each(lambda s: " / ".join(num(s["overall"][k])
                                                                 for k in ("precision", "recall", "f1"))))]
    for lang in ("vi", "en", "mixed"):
        rows.append((f"F1 {lang} (convs)", each(lambda s: f"{num(s['language'][lang]['f1'])}"
                                                          f" ({s['language'][lang]['conversations']})")))
    for fam in ("profile", "favourites", "safety"):
        rows.append((f"P / R / F1 {fam}", each(lambda s: " / ".join(num(s["family"][fam][k])
                                                                    for k in ("precision", "recall", "f1")))))
    for cat in ("allergy", "fear", "allergy+fear"):
        rows.append((f"recall {cat}", each(lambda s: _recall(s["safety"][cat]))))
    classes = list(dict.fromkeys(c for s in sets for c in s["class"]))
    for cls in classes:
        rows.append((f"class {cls}: R / F1 (convs)", each(lambda s: _class_cell(s["class"].get(cls)))))
    rows += [("favourites exact: children", each(lambda s: pct(s["favourites"]["children_exact"],
                                                                 s["favourites"]["children"]))),
             ("favourites exact: conversations", each(lambda s: pct(s["favourites"]["conversations_exact"],
                                                                      s["favourites"]["conversations"]))),
             ("PII leaks", each(lambda s: str(s["pii"]["leaks"]))),
             ("messages/s, one core", each(lambda s: f"{s['throughput']['messages_per_s']:,.0f}"))]
    return rows


def print_side_by_side(sets: list[dict], markdown: bool = False) -> None:
    heads = [s["set"] + (" (frozen test split)" if s["frozen_test_split"] else "") for s in sets]
    rows = _rows(sets)
    if markdown:
        print("| figure | " + " | ".join(heads) + " |")
        print("|---|" + "---|" * len(heads))
        for label, cells in rows:
            print(f"| {label} | " + " | ".join(cells) + " |")
        return
    widths = [max(len(h), *(len(r[1][i]) for r in rows)) for i, h in enumerate(heads)]
    print("=== side by side ===")
    print(f"{'':42}" + "  ".join(h.rjust(w) for h, w in zip(heads, widths)))
    for label, cells in rows:
        print(f"{label.replace('**', ''):42}" + "  ".join(c.rjust(w) for c, w in zip(cells, widths)))
