"""Mask personal data before anything is stored: e-mail addresses, phone numbers,
citizen IDs and card numbers become "[email]", "[phone]", "[id]", "[card]".

Ages ("6 tuổi"), grades, dates and short numbers stay: only runs of 8+ digits, or
+-prefixed numbers, are candidates, and thousands-grouped money ("10.000.000 đồng")
is left alone.
"""
from __future__ import annotations

import re

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE)
# Digits with the separators people type inside numbers: spaces, dots, dashes, brackets.
_NUMBER = re.compile(r"(?<![\w+])(\+\s?)?(\(?\d[\d().\- ]{5,}\d\)?)(?![\w])")
_MONEY = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_GROUPED_BY_4 = re.compile(r"^\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?$")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _label(plus: str | None, raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    n = len(digits)
    if _MONEY.match(raw.strip()) and not plus:
        return None
    groups = re.findall(r"\d+", raw)
    if sum(len(g) == 1 for g in groups) > 1 or len(groups[-1]) == 1 or (len(groups[0]) == 1 and not plus):
        return None  # counting "1 2 3 4 5 6 7 8", not a number someone dials
    if plus:
        return "[phone]" if 7 <= n <= 15 else None
    if 13 <= n <= 19 and (_luhn(digits) or _GROUPED_BY_4.match(raw.strip()) or " " not in raw.strip()):
        return "[card]"
    if n in (9, 12) and raw.strip().isdigit():
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
    out, i = [], 0
    while i < len(groups):
        for j in range(len(groups), i, -1):
            found = _label(plus if i == 0 else None, " ".join(groups[i:j]))
            if found:
                out.append(found)
                i = j
                break
        else:
            out.append(groups[i])
            i += 1
    return ("" if out[0].startswith("[") or not plus else plus) + " ".join(out)


def mask_pii(text: str) -> str:
    """The text with e-mail addresses, phone, ID and card numbers replaced."""
    if not text:
        return text
    text = _EMAIL.sub("[email]", text)
    if not any(ch.isdigit() for ch in text):
        return text
    return _NUMBER.sub(_replace_number, text)
