"""Vietnamese constructions: one preference statement per clause (the first rule that
matches); the profile statements are in vietnamese_profile.

The child calls themself "con" (to PIKA), sometimes "em", "tớ", "mình", "cháu".
"""
from __future__ import annotations

import re

from pika_mem.facts.extraction.drafts import Draft
from pika_mem.facts.extraction.vietnamese_profile import PROFILE, S  # S: how the child says "I"
from pika_mem.facts.extraction.objects import (NOUN_CATEGORY, NOUN_RX, Scene, read_objects, read_or_mention,
                                               read_played, read_retraction, remember_mention,
                                               strip_fillers)

_I = re.IGNORECASE
_LIKE = r"(?:thích|mê|khoái|yêu|ưa|ghiền|cuồng|kết|mết|thương)"
# Adverbs before a verb of liking, any number of them. Each is tried longest first and
# the run is possessive (*+): no two readings of the same words ("rất rất" was also
# "rất" + "rất", "cũng rất" "cũng" + "rất"), so "rất rất rất … thích" is read once, where
# the overlapping alternatives backtracked exponentially. Exact: no adverb is the start
# of a verb of liking, nor is a second word ("là", "kỳ", …) the start of an adverb.
_ADV = r"(?:(?:rất là|rất|cũng|cực kỳ|cực|siêu|vẫn|đặc biệt|vô cùng|thật sự|hay|chỉ) )*+"
_VERB = r"(?: (?:ăn|uống|chơi|xem|nghe|đọc|học|đi|làm))?"

_NOT = r"(?:không|chẳng|chả|ko|hông|không hề)"
_BEST = r"(?:nhất|số một|số 1|đỉnh nhất|tuyệt nhất|hay nhất|ngon nhất|đẹp nhất|vui nhất)"
# Each preference pattern with (up to two) sets of words it cannot match without
# (None: no such check). A clause without them skips the pattern at the cost of one
# short search: most clauses have no verb of liking, so most patterns never run on them.
_G_LIKE = re.compile(_LIKE, _I)
_G_NHAT = re.compile(r"nhất", _I)
_G_FAV_NOUN = re.compile(r"yêu thích|ưa thích|ruột", _I)
_G_BEST = re.compile(r"nhất|số", _I)  # in every one of _BEST
_GATES = (_G_LIKE, _G_NHAT, _G_FAV_NOUN, _G_BEST)
_PREFS = [
    ("retract", re.compile(rf"(?:{_NOT} còn|hết|thôi|thôi không|đã hết|giờ {_NOT}) {_ADV}{_LIKE} (.+)", _I), _G_LIKE, None),
    ("retract", re.compile(rf"{_NOT} {_ADV}{_LIKE} (.+?) nữa\b", _I), _G_LIKE, None),
    ("retract", re.compile(rf"(?:hồi trước|trước đây|trước kia|ngày xưa|lúc trước|hồi nhỏ|trước) {S} "
                           rf"(?:từng |đã )?{_ADV}{_LIKE} (.+)", _I), _G_LIKE, None),
    ("dislikes", re.compile(rf"{_NOT} {_ADV}{_LIKE} (.+)", _I), _G_LIKE, None),
    ("dislikes", re.compile(r"(?:ghét|sợ ăn|ngán|chán|không ưa) (.+)", _I), None, None),
    ("favorite_noun", re.compile(rf"({NOUN_RX}) (?:mà |yêu thích |ưa thích )?(?:{S} )?(?:{_ADV}{_LIKE}){_VERB} nhất"
                                 rf"(?: của {S})? (?:là|chính là) (.+)", _I), _G_LIKE, _G_NHAT),
    ("favorite_noun", re.compile(rf"({NOUN_RX}) (?:yêu thích|ưa thích|ruột)(?: nhất)?(?: của {S})? (?:là|chính là) (.+)", _I),
     _G_FAV_NOUN, None),
    ("favorite_noun_rev", re.compile(rf"^(.+?) là ({NOUN_RX}) (?:mà )?(?:{S} )?(?:{_ADV}{_LIKE}){_VERB} nhất", _I),
     _G_LIKE, _G_NHAT),
    ("favorite_noun_rev", re.compile(rf"^(.+?) là ({NOUN_RX}) (?:yêu thích|ưa thích|ruột)(?: nhất)? của {S}", _I),
     _G_FAV_NOUN, None),
    ("favorite", re.compile(rf"\b{S} {_ADV}{_LIKE} nhất (?:là )?(.+)", _I), _G_LIKE, _G_NHAT),
    ("favorite", re.compile(rf"\b{S} {_ADV}{_LIKE} (.+?) nhất\b", _I), _G_LIKE, _G_NHAT),
    ("favorite", re.compile(rf"^(.+?) (?:là )?{_BEST}$", _I), _G_BEST, None),
    ("favorite", re.compile(rf"\b{S} thấy (.+?) (?:là )?{_BEST}", _I), _G_BEST, None),
    ("likes", re.compile(rf"(?:^|\b{S} |\bnhà {S} |\bcả nhà )(?:{S} )?{_ADV}{_LIKE}\s+(.+)", _I), _G_LIKE, None),
    ("has", re.compile(rf"\b(?:{S}|nhà {S}) (?:(?:mới|vừa|đang|cũng|còn|đã) )*(?:có|nuôi|đang nuôi|mới có|được tặng|được mua cho) "
                       rf"(?!thích|muốn|thể|được|phải|biết|đi|chuyện|ai|gì|nhiều bạn)(.+)", _I), None, None),
    # (the habit words before "chơi" are a possessive run too, "hay là" before "hay")
    ("plays", re.compile(rf"\b{S}(?: với [^,]+?)? (?:hay là |hay |thường |cũng |hằng ngày )*+chơi (?!với)(.+)", _I), None, None),
]
_MENTION = re.compile(rf"\b{S} (?:đã |mới |vừa )?(?:xem|đọc|chơi|nghe|ăn) (.+)", _I)
_BUT = re.compile(r",? (?:nhưng|mà) ", _I)
_CON = re.compile(r"^con ", _I)
_QUANT = re.compile(r"^(?:một|hai|ba|bốn|năm|mấy|\d+)\s+(?:con|chú|bé|em|chiếc|cái)\s+", _I)


def preferences(c: str, s: Scene) -> list[Draft]:
    has = {g: g.search(c) is not None for g in _GATES}
    has[None] = True
    for kind, rx, need, need_too in _PREFS:
        if not (has[need] and has[need_too]):
            continue
        m = rx.search(c)
        if not m:
            continue
        if kind == "favorite_noun":
            return read_objects(m.group(2), s, "favorite", NOUN_CATEGORY[m.group(1).lower()])
        if kind == "favorite_noun_rev":
            return read_objects(m.group(1), s, "favorite", NOUN_CATEGORY[m.group(2).lower()])
        if kind == "retract":
            found = read_retraction(_BUT.split(m.group(1))[0], s)
            if not found:
                continue
            return found
        if kind == "has":
            obj = _QUANT.sub("", m.group(1))
            found = [d for d in read_objects(obj, s, "has") if d.category in ("animal", "pet", "toy")]
            for d in found:
                if d.category == "animal":
                    d.category, d.object = "pet", _CON.sub("", d.object)
            return found
        if kind == "plays":
            return read_played(m.group(1), s, "chơi")
        return read_or_mention(m.group(1), s, kind)
    return remember_mention(_MENTION, c, s)


_VOCATIVE = re.compile(r"^(?:\S+ ơi[,!]?\s*)|^(?:giờ|bây giờ|hiện giờ|hôm nay|hè này|mà|thế|vậy|thì)\s+", _I)


def extract(clause: str, s: Scene) -> list[Draft]:
    c = strip_fillers(clause).rstrip(" .!?…~")
    for _ in range(2):
        c = _VOCATIVE.sub("", c).strip()
    found = []
    for rule in PROFILE:
        found += rule(c, s)
    return found + preferences(c, s)
