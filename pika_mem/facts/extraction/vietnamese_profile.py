"""Vietnamese profile statements: tên, tuổi, sinh nhật, lớp, trường, nơi ở, dị ứng, sợ,
ước mơ, gia đình, bạn, du lịch (all may fire in one clause)."""
from __future__ import annotations

import re

from pika_mem.facts.extraction.drafts import Draft
from pika_mem.facts.extraction.objects import read_objects, needs, valid
from pika_mem.facts.extraction.text import NUMBER_RX, to_number, trim_object

_I = re.IGNORECASE
# How the child says "I" (to PIKA mostly "con").
S = r"(?:con|em|tớ|mình|cháu|tôi|bé)"
# Adverbs before a verb of liking, any number of them. Each is tried longest first and
# the run is possessive (*+): no two readings of the same words ("rất rất" was also
# "rất" + "rất", "cũng rất" "cũng" + "rất"), so "rất rất rất … thích" is read once, where
# the overlapping alternatives backtracked exponentially. Exact: no adverb is the start
# of a verb of liking, nor is a second word ("là", "kỳ", …) the start of an adverb.
_NAME_LOWER_OK = frozenset("học non giáo cơ sở quốc tế thông trung tâm".split())


def _cap_phrase(text: str, lower_ok: frozenset = frozenset()) -> str:
    """Leading capitalised words ("Đà Nẵng chơi" → "Đà Nẵng"); school names may hold
    lower-case words ("Tiểu học Kim Đồng")."""
    words = []
    for w in text.split():
        bare = w.strip(".,!?")
        if bare[:1].isupper() or bare[:1].isdigit() or (words and bare.lower() in lower_ok):
            words.append(bare)
            if bare != w:
                break
        else:
            break
    while words and words[-1].lower() in lower_ok:
        words.pop()
    return " ".join(words)


def _profile(cat: str, obj: str | None, relation: str = "") -> list[Draft]:
    obj = trim_object(obj or "", "vi")
    return [Draft(cat, obj, cat, relation=relation)] if valid(obj) else []


_GREETING = re.compile(r"(?i:(?:xin )?chào(?: pika)?|pika ơi|dạ|vâng|à|ừ|hi|hello)")
_REL = r"(?:em gái|em trai|anh trai|chị gái|anh hai|chị hai|em bé|anh họ|chị họ|em họ|anh|chị|em)"
_KIN = rf"(?:{_REL}|bố|mẹ|ba|má|ông nội|bà nội|ông ngoại|bà ngoại|ông|bà)"
# Each rule's patterns are compiled once, here, not formatted and looked up per clause.
_NAME_RX = re.compile(rf"(?i:\b{S} tên (?:là |của {S} là )?|\btên (?:của )?{S} (?:là )?|^{S} là (?:bé )?|"
                      rf"gọi {S} là |^{S} tên là bé )(\S.*)")


@needs(r"tên|là")
def _name(c, s):
    m = _NAME_RX.search(c)
    name = _cap_phrase(m.group(1)) if m else ""
    before = c[:m.start()].strip(" ,") if m else ""
    if not name or name.upper() == "PIKA" or (before and not _GREETING.fullmatch(before)):
        return []  # "Em gái con tên là Na", "Trường con tên là …" name someone else
    return _profile("name", name)


_AGE_RX = re.compile(rf"(?i:(?:năm nay |nay )?\b{S} (?:năm nay |nay |bây giờ |giờ |được |đã |lên |tròn |mới )*"
                     rf"({NUMBER_RX}) tuổi|năm nay {S} (?:được |lên )?({NUMBER_RX})\b)")


@needs(r"tuổi|năm nay")
def _age(c, s):
    m = _AGE_RX.search(c)
    return _profile("age", to_number(m.group(1) or m.group(2))) if m else []


_BIRTHDAY_RX = re.compile(rf"(?i:sinh nhật (?:của )?{S} (?:là |vào |rơi vào )?(?:ngày )?|\b{S} sinh (?:vào )?(?:ngày )?)(.+)")
_BIRTHDAY_END = re.compile(r"\s+(?:nên|và|mà)\s")


@needs(r"sinh")
def _birthday(c, s):
    m = _BIRTHDAY_RX.search(c)
    return _profile("birthday", _BIRTHDAY_END.split(m.group(1))[0]) if m else []


_GRADE_RX = re.compile(rf"(?i:(?:\b{S} (?:đang |đã |sắp |mới )?(?:học |lên |vào |ở )(?:ở )?|\bhọc )"
                       rf"(?:lớp ({NUMBER_RX}|mầm|chồi|lá)\b|(mẫu giáo(?: lớn| nhỡ| bé)?)))")


@needs(r"lớp|mẫu giáo")
def _grade(c, s):
    m = _GRADE_RX.search(c)
    if not m:
        return []
    if m.group(2):
        return _profile("grade", m.group(2).lower())
    n = to_number(m.group(1)) or m.group(1).lower()
    return _profile("grade", f"lớp {n}")


_SCHOOL_RX = re.compile(rf"(?i:\btrường (?:của )?{S} (?:tên là |tên |là )|(?:^|\s)trường (?:học )?)(\S.*)")
_SCHOOL_KIND = re.compile(r"(?i:(?:tiểu học|mầm non|mẫu giáo|trung học cơ sở|trung học|quốc tế|thcs) )(?=[A-ZĐ\d])")


@needs(r"trường")
def _school(c, s):
    m = _SCHOOL_RX.search(c)
    rest = m.group(1) if m else ""
    kind = _SCHOOL_KIND.match(rest)
    name = _cap_phrase(rest[kind.end():] if kind else rest, _NAME_LOWER_OK)
    name = (kind.group(0) + name) if kind and name else name
    if name and name.lower() not in ("tiểu học", "mầm non", "mẫu giáo", "trung học"):
        return _profile("school", name)
    return []


_LIVES_RX = re.compile(rf"(?i:\b(?:nhà {S}|{S}|{S} đang|gia đình {S}) (?:sống |ở )?(?:ở|tại) )(\S.*)")
_ADMIN = re.compile(r"(?i:(?:thành phố|tỉnh|quận|huyện|phường|xã|thôn|làng) )(?=[\dA-ZĐ\w])")


@needs(r"ở|tại")
def _lives(c, s):
    m = _LIVES_RX.search(c)
    if not m:
        return []
    admin = _ADMIN.match(m.group(1))
    rest = m.group(1)[admin.end():] if admin else m.group(1)
    place = _cap_phrase(rest)
    if admin and place and place[0].isdigit():
        place = admin.group(0) + place  # "quận 7", not "7"
    return _profile("lives_in", place)


_ALLERGY_RX = re.compile(r"dị ứng (?:với )?(.+)", _I)
_ALLERGY_OTHER = re.compile(rf"(?i:\b{_KIN} (?:của )?{S} (?:cũng )?(?:bị )?dị ứng)")  # "mẹ con bị dị ứng"
_ALLERGY_NOT = re.compile(r"(?:không|chẳng|hết) (?:bị )?dị ứng", _I)


@needs(r"dị ứng")
def _allergy(c, s):
    m = _ALLERGY_RX.search(c)
    other = _ALLERGY_OTHER.search(c)
    if not m or other or _ALLERGY_NOT.search(c):
        return []
    return read_objects(m.group(1), s, "allergy", "allergy")


_FEAR_RX = re.compile(rf"(?i:(?:^|\b{S} |\brất |\bhơi |\bcũng )(?:rất |hơi |cực kỳ |cũng )?sợ )(?:nhất (?:là )?)?(?!là |rằng )(.+)")
_FEAR_NOT = re.compile(r"(?:không|chẳng|hết|chả|đâu có) (?:còn )?sợ", _I)


@needs(r"sợ")
def _fear(c, s):
    m = _FEAR_RX.search(c)
    if not m or _FEAR_NOT.search(c):
        return []
    return read_objects(m.group(1), s, "fear", "fear")


_DREAM_RX = (
    re.compile(rf"(?i:ước mơ (?:của {S} )?(?:là )?(?:được )?(?:làm |trở thành |thành |là )?)(.+)"),
    re.compile(rf"(?i:(?:lớn lên|sau này|mai sau|khi lớn|khi lớn lên),? {S} (?:muốn|sẽ|thích|mơ|ước) (?:được )?"
               rf"(?:làm|trở thành|thành|là) )(.+)"),
    re.compile(rf"(?i:\b{S} (?:muốn|mơ|ước|mơ ước) (?:được )?(?:làm|trở thành|thành) )(.+?)(?i: (?:khi|lúc) lớn)"),
)


@needs(r"ước|lớn|sau này|mai sau|muốn|mơ")
def _dream(c, s):
    m = _DREAM_RX[0].search(c) or _DREAM_RX[1].search(c) or _DREAM_RX[2].search(c)
    return _profile("dream", m.group(1)) if m else []


_FAMILY_HAS = re.compile(rf"(?i:\b{S} có (?:một |hai |1 |2 |thêm )?(?:đứa |người |bé )?({_REL})\b(?! họ)"
                         rf"(?: (?:tên là|tên|là|tên là bé) )?)(\S*)")
_FAMILY_NAMED = re.compile(rf"(?i:\b({_KIN}) (?:của )?{S} (?:tên là|tên|là) )(\S+)")


@needs(r"có|tên|là")
def _family(c, s):
    out = []
    for m in _FAMILY_HAS.finditer(c):
        name = _cap_phrase(m.group(2))
        out += _profile("family", name or m.group(1).lower(), m.group(1).lower())
    for m in _FAMILY_NAMED.finditer(c):
        name = _cap_phrase(m.group(2))
        if name and not any(d.object == name for d in out):
            out += _profile("family", name, m.group(1).lower())
    return out


_FRIEND_RX = (
    re.compile(rf"(?i:bạn thân (?:nhất )?(?:của {S} )?(?:là|tên là|tên) )(?:bạn )?(\S.*)"),
    re.compile(rf"(?i:\bbạn (?:của )?{S} tên (?:là )?|\b{S} (?:chơi thân|thân) (?:nhất )?với (?:bạn )?)(\S.*)"),
    re.compile(r"^(\S.*?) (?i:là bạn thân)"),
)
_FRIEND_AND = re.compile(r"\s+(?:và|với)\s+(?:bạn\s+)?")


@needs(r"bạn|thân")
def _friend(c, s):
    m = _FRIEND_RX[0].search(c) or _FRIEND_RX[1].search(c) or _FRIEND_RX[2].search(c)
    if not m:
        return []
    names = [_cap_phrase(p) for p in _FRIEND_AND.split(m.group(1))]
    return [Draft("friend", n, "likes") for n in names if n and valid(n)]


_TRAVEL_RX = re.compile(rf"(?i:\b(?:{S}|nhà {S}|cả nhà|gia đình {S}|{S} được) (?:đã |sẽ |mới |vừa |được |sắp )*"
                        rf"(?:đi|về|ra|bay|tới|đến) (?:du lịch |chơi |thăm )?(?:ở |tới |đến )?)(\S.*)")


@needs(r"đi|về|ra|bay|tới|đến")
def _travel(c, s):
    m = _TRAVEL_RX.search(c)
    name = _cap_phrase(m.group(1)) if m else ""
    return [Draft("travel", name, "likes")] if name and name.upper() != "PIKA" else []


PROFILE = (_name, _age, _birthday, _grade, _school, _lives, _allergy, _fear, _dream, _family,
           _friend, _travel)
