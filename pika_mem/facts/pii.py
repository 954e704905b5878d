"""Mask personal data before anything is stored: e-mail addresses, phone numbers,
citizen IDs and card numbers become "[email]", "[phone]", "[id]", "[card]".

Ages ("6 tuổi"), grades, dates and short numbers stay: only runs of 8+ digits, or
+-prefixed numbers, are candidates, and thousands-grouped money ("10.000.000 đồng")
is left alone.

Linear time on any input: every pattern below is matched once per position at most
(no nested or overlapping quantifiers), and a run of several numbers is cut into
numbers in one left-to-right pass that looks at most _MAX_DIGITS digits /
_MAX_GROUPS groups / _MAX_CHARS characters ahead (no phone, card or id number is
longer).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate

# Linear: the local part starts only where a run of [\w.+-] starts (look-behind), the
# domain labels are separated by dots, so each label is read once.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE)
# Digits with the separators people type inside numbers: spaces, dots, dashes, brackets.
# Linear: a match may start only where no word character or "+" precedes, and the
# class run is read once (then backs off to the last digit that ends a word).
_NUMBER = re.compile(r"(?<![\w+])(\+\s?)?(\(?\d[\d().\- ]{5,}\d\)?)(?![\w])")
_NUMBER_AFTER_LABEL = re.compile(_NUMBER.pattern.removeprefix(r"(?<![\w+])"))
_MONEY = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_GROUPED_BY_4 = re.compile(r"^\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?$")
_DIGIT_RUN = re.compile(r"\d+")
_NON_DIGIT = re.compile(r"\D")
# No number _label accepts has more digits (a card has 13–19); no real one, however
# it is spaced or bracketed, is made of more space-separated groups or characters.
_MAX_DIGITS = 19
_MAX_GROUPS = 24
_MAX_CHARS = 256
_MAX_PASSES = 4


_DOUBLED = tuple(d * 2 - 9 if d > 4 else d * 2 for d in range(10))


def _luhn(digits: str) -> bool:
    total = sum(map(int, digits[::-1][::2])) + sum(_DOUBLED[int(d)] for d in digits[::-1][1::2])
    return total % 10 == 0


def _label(plus: str | None, raw: str) -> str | None:
    digits = _NON_DIGIT.sub("", raw)
    n = len(digits)
    raw = raw.strip()
    if not plus and _MONEY.match(raw):
        return None
    groups = _DIGIT_RUN.findall(raw)
    if not groups:
        return None  # a lone separator ("-", or "" between two spaces) is not a number
    lengths = list(map(len, groups))
    if lengths.count(1) > 1 or lengths[-1] == 1 or (lengths[0] == 1 and not plus):
        return None  # counting "1 2 3 4 5 6 7 8", not a number someone dials
    if plus:
        return "[phone]" if 7 <= n <= 15 else None
    if 13 <= n <= 19 and (" " not in raw or _GROUPED_BY_4.match(raw) or _luhn(digits)):
        return "[card]"
    if n in (9, 12) and raw.isdigit():
        return "[id]"
    if n in (10, 11) and (digits.startswith("0") or digits.startswith("84")):
        return "[phone]"
    if 8 <= n <= 12:
        return "[phone]"
    return None


def _replace_number(m: re.Match) -> str:
    plus, raw = m.group(1), m.group(2)
    label = _label(plus, raw)
    if label is not None:
        return label
    # Several numbers in a row ("0912345678 4111 1111 1111 1111"): take, from the left,
    # the longest run of space-separated groups that is one number on its own.
    groups = raw.split(" ")
    if len(groups) < 2:
        return m.group(0)
    out = _split_numbers(plus, groups)
    return ("" if out[0].startswith("[") or not plus else plus) + " ".join(out)


def _split_numbers(plus: str | None, groups: list[str]) -> list[str]:
    """The groups, with each longest run (from the left) that is one number replaced by
    its label — what trying every run groups[i:j] would give, in one pass: from each
    group only runs of at most _MAX_DIGITS digits, _MAX_GROUPS groups and _MAX_CHARS
    characters are candidates, and _label sees only those that pass its necessary conditions (8+
    digits, or 7+ after "+"; at most one single-digit run, none at either end; 13+
    digits only if it can be a card). Prefix sums make each check O(1), and groups
    that cannot start a number are skipped at once."""
    g = len(groups)
    first_run, last_run, n_digits, n_singles = [0] * g, [0] * g, [0] * g, [0] * g
    for k, grp in enumerate(groups):
        if grp.isdecimal():  # the usual group: digits only (\d is Unicode Nd, as isdecimal)
            first_run[k] = last_run[k] = n_digits[k] = len(grp)
            n_singles[k] = len(grp) == 1
        elif grp:
            runs = _DIGIT_RUN.findall(grp)
            if runs:
                first_run[k], last_run[k] = len(runs[0]), len(runs[-1])
                n_digits[k] = sum(map(len, runs))
                n_singles[k] = sum(len(r) == 1 for r in runs)
    # Prefix sums over groups: digits, single-digit runs, non-empty groups, characters.
    digits = [0, *accumulate(n_digits)]
    if digits[g] < 7:
        return groups
    singles = [0, *accumulate(n_singles)]
    filled = [0, *accumulate(map(bool, groups))]
    chars = [0, *accumulate(len(grp) + 1 for grp in groups)]
    # Luhn sums of any digit run in O(1): over all the digits, prefix sums with the
    # even-indexed digits kept and the odd ones doubled (even_kept), and the converse.
    values = [int(d) for d in "".join(groups) if d.isdecimal()]
    doubled = [_DOUBLED[v] for v in values]
    kept_even, kept_odd = values[:], doubled[:]
    kept_even[1::2], kept_odd[1::2] = doubled[1::2], values[1::2]
    even_kept, odd_kept = [0, *accumulate(kept_even)], [0, *accumulate(kept_odd)]

    def luhn(a: int, b: int) -> bool:  # _luhn(digits a..b-1): the last digit is kept
        sums = even_kept if (b - 1) % 2 == 0 else odd_kept
        return (sums[b] - sums[a]) % 10 == 0

    # prev_dig[j]: last group before j with a digit. starts[k]: first group at or after k
    # from which a number may start (its first digit run is not a lone digit).
    prev_dig, last = [-1] * (g + 1), -1
    for j in range(g):
        if n_digits[j]:
            last = j
        prev_dig[j + 1] = last
    starts, next_dig, nxt, nd = [g] * (g + 1), [g] * (g + 1), g, g
    for k in range(g - 1, -1, -1):
        if n_digits[k]:
            nd = k
        if nd < g and first_run[nd] > 1:
            nxt = k
        starts[k], next_dig[k] = nxt, nd
    out, i = [], 0
    while i < g:
        p = plus if i == 0 else None
        k = i if p else starts[i]
        if k > i:
            out += groups[i:k]
            i = k
            continue
        # groups[i:j] with enough digits, <= _MAX_DIGITS, <= 1 single-digit run, short enough.
        lo = max(i + 1, bisect_left(digits, digits[i] + (7 if p else 8)))
        hi = min(bisect_right(digits, digits[i] + _MAX_DIGITS), bisect_right(singles, singles[i] + 1),
                 bisect_right(chars, chars[i] + _MAX_CHARS + 1), i + _MAX_GROUPS + 1) - 1
        found, j = None, hi
        while j >= lo:
            if last_run[prev_dig[j]] > 1 and (
                    p or digits[j] - digits[i] < 13  # (13+ digits: a card or nothing)
                    or filled[j] - filled[i] < 2 or luhn(digits[i], digits[j])
                    or (first_run[next_dig[i]] == 4 and _GROUPED_BY_4.match(" ".join(groups[i:j]).strip()))):
                found = _label(p, " ".join(groups[i:j]))
                if found:
                    break
            j -= 1
        if found:
            out.append(found)
            i = j
        else:
            out.append(groups[i])
            i += 1
    return out


def _mask_numbers(text: str) -> str:
    """One left-to-right pass of _NUMBER over text. Where a number was just replaced by
    a label, the next may start right after it even if a digit preceded it in the
    input ("0912345678+84912345678"): the label's "]" precedes it now, as a second pass
    would see it — so that chains of such numbers do not take one pass each."""
    out, pos, labelled_end = [], 0, -1
    while True:
        m, replaced = _NUMBER.search(text, pos), None
        if labelled_end == pos and (m is None or m.start() > pos):
            # Only if it masks all of it: what a search from here finds lies inside it.
            glued = _NUMBER_AFTER_LABEL.match(text, pos)
            labelled = _replace_number(glued) if glued else ""
            if glued and not any(ch.isdigit() for ch in labelled):
                m, replaced = glued, labelled
        if m is None:
            break
        replaced = replaced or _replace_number(m)
        out += (text[pos:m.start()], replaced)
        labelled_end = m.end() if replaced.endswith("]") and replaced != m.group(0) else -1
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def mask_pii(text: str) -> str:
    """The text with e-mail addresses, phone, ID and card numbers replaced.

    Idempotent: a pass that replaced something is followed by another, until nothing
    changes (at most _MAX_PASSES; every pass is linear). A second pass finds more only
    in what the first left around its labels, e.g. digits a cut-off run left over."""
    if not text:
        return text
    text = _EMAIL.sub("[email]", text)
    for _ in range(_MAX_PASSES):
        if not any(ch.isdigit() for ch in text):
            break
        masked = _mask_numbers(text)
        if masked == text:
            break
        text = masked
    return text
