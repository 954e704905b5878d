"""Coverage-guided fuzzing of the PII masker and the fact extractor (atheris/libFuzzer).

    .venv/bin/python tests/fuzz/fuzz_text.py -runs=20000 -max_len=4000 -dict=tests/fuzz/text.dict
    .venv/bin/python tests/fuzz/fuzz_text.py -max_total_time=60 -max_len=4000 -dict=tests/fuzz/text.dict

Each input becomes a text (atheris' FuzzedDataProvider: Unicode without surrogates, or
the bytes as UTF-8 so that the dictionary's Vietnamese words survive), optionally
repeated up to MAX_CHARS characters — a child repeating a word is the shape that used
to make the regular expressions backtrack. The text is masked and extracted (as a user
turn, and as the answer to an assistant turn made of it). The target fails — libFuzzer
writes the input to crash-<sha1> (see -artifact_prefix) — when a call raises, takes
longer than SLOW_MS, masking is not idempotent, or a standalone run of 8–19 digits (a
phone, id or card number) survives masking.
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports(include=["pika_mem"]):
    from pika_mem.facts.extraction import extract_facts
    from pika_mem.facts.pii import mask_pii

MAX_CHARS = 4000
SLOW_MS = 200.0
_STANDALONE_DIGITS = re.compile(r"(?:(?<=[\s,;:!?\"'“”‘’/…])|^)(\d{8,19})(?=[\s,;:!?\"'“”‘’/…]|$)")


def _timed(what: str, fn, arg):
    start = time.perf_counter()
    out = fn(arg)
    ms = (time.perf_counter() - start) * 1000
    if ms > SLOW_MS:
        raise AssertionError(f"{what} took {ms:.0f} ms (> {SLOW_MS:.0f}) on {len(str(arg))} chars")
    return out


def text_of(data: bytes) -> str:
    fdp = atheris.FuzzedDataProvider(data)
    mode = fdp.ConsumeIntInRange(0, 3)
    repeat = fdp.ConsumeIntInRange(1, 255) if mode & 2 else 1
    if mode & 1:
        raw = fdp.ConsumeBytes(fdp.remaining_bytes()).decode("utf-8", "replace")
    else:
        raw = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    return (raw * repeat)[:MAX_CHARS]


def check(text: str) -> None:
    masked = _timed("mask_pii", mask_pii, text)
    if mask_pii(masked) != masked:
        raise AssertionError(f"masking is not idempotent: {masked[:200]!r}")
    left = _STANDALONE_DIGITS.findall(masked)
    if left:
        raise AssertionError(f"unmasked number(s) {left[:3]} in {masked[:200]!r}")
    _timed("extract_facts (user)", extract_facts, [{"role": "user", "content": text}])
    _timed("extract_facts (question, answer)", extract_facts,
           [{"role": "assistant", "content": text}, {"role": "user", "content": text[:200]}])


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris' name)
    check(text_of(data))


def main() -> None:
    check("warm up: con thích kem, 0912345678")  # compile every pattern before timing
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
