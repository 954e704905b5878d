"""Vietnamese constructions: profile statements (all may fire in one clause) and one
preference statement per clause (the first rule that matches).

The child calls themself "con" (to PIKA), sometimes "em", "tớ", "mình", "cháu".
"""
from __future__ import annotations

import re

from .drafts import Draft
from .objects import NOUN_CATEGORY, NOUN_RX, Scene, drafts, resolve, strip_fillers, valid
from .text import NUMBER_RX, to_number, trim_object

_I = re.IGNORECASE
S = r"(?:con|em|tớ|mình|cháu|tôi|bé)"
_LIKE = r"(?:thích|mê|khoái|yêu|ưa|ghiền|cuồng|kết|mết|thương)"
# Adverbs before a verb of liking, any number of them. Each is tried longest first and
# the run is possessive (*+): no two readings of the same words ("rất rất" was also
# "rất" + "rất", "cũng rất" "cũng" + "rất"), so "rất rất rất … thích" is read once, where
# the overlapping alternatives backtracked exponentially. Exact: no adverb is the start
# of a verb of liking, nor is a second word ("là", "kỳ", …) the start of an adverb.
_ADV = r"(?:(?:rất là|rất|cũng|cực kỳ|cực|siêu|vẫn|đặc biệt|vô cùng|thật sự|hay|chỉ) )*+"
_VERB = r"(?: (?:ăn|uống|chơi|xem|nghe|đọc|học|đi|làm))?"
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


def _name(c, s):
    m = re.search(rf"(?i:\b{S} tên (?:là |của {S} là )?|\btên (?:của )?{S} (?:là )?|^{S} là (?:bé )?|"
                  rf"gọi {S} là |^{S} tên là bé )(\S.*)", c)
    name = _cap_phrase(m.group(1)) if m else ""
    before = c[:m.start()].strip(" ,") if m else ""
    if not name or name.upper() == "PIKA" or (before and not _GREETING.fullmatch(before)):
        return []  # "Em gái con tên là Na", "Trường con tên là …" name someone else
    return _profile("name", name)


def _age(c, s):
    m = re.search(rf"(?i:(?:năm nay |nay )?\b{S} (?:năm nay |nay |bây giờ |giờ |được |đã |lên |tròn |mới )*"
                  rf"({NUMBER_RX}) tuổi|năm nay {S} (?:được |lên )?({NUMBER_RX})\b)", c)
    return _profile("age", to_number(m.group(1) or m.group(2))) if m else []


def _birthday(c, s):
    m = re.search(rf"(?i:sinh nhật (?:của )?{S} (?:là |vào |rơi vào )?(?:ngày )?|\b{S} sinh (?:vào )?(?:ngày )?)(.+)", c)
    return _profile("birthday", re.split(r"\s+(?:nên|và|mà)\s", m.group(1))[0]) if m else []


def _grade(c, s):
    m = re.search(rf"(?i:(?:\b{S} (?:đang |đã |sắp |mới )?(?:học |lên |vào |ở )(?:ở )?|\bhọc )"
                  rf"(?:lớp ({NUMBER_RX}|mầm|chồi|lá)\b|(mẫu giáo(?: lớn| nhỡ| bé)?)))", c)
    if not m:
        return []
    if m.group(2):
        return _profile("grade", m.group(2).lower())
    n = to_number(m.group(1)) or m.group(1).lower()
    return _profile("grade", f"lớp {n}")


def _school(c, s):
    m = re.search(rf"(?i:\btrường (?:của )?{S} (?:tên là |tên |là )|(?:^|\s)trường (?:học )?)(\S.*)", c)
    rest = m.group(1) if m else ""
    kind = re.match(r"(?i:(?:tiểu học|mầm non|mẫu giáo|trung học cơ sở|trung học|quốc tế|thcs) )(?=[A-ZĐ\d])", rest)
    name = _cap_phrase(rest[kind.end():] if kind else rest, _NAME_LOWER_OK)
    name = (kind.group(0) + name) if kind and name else name
    if name and name.lower() not in ("tiểu học", "mầm non", "mẫu giáo", "trung học"):
        return _profile("school", name)
    return []


def _lives(c, s):
    m = re.search(rf"(?i:\b(?:nhà {S}|{S}|{S} đang|gia đình {S}) (?:sống |ở )?(?:ở|tại) )(\S.*)", c)
    if not m:
        return []
    admin = re.match(r"(?i:(?:thành phố|tỉnh|quận|huyện|phường|xã|thôn|làng) )(?=[\dA-ZĐ\w])", m.group(1))
    rest = m.group(1)[admin.end():] if admin else m.group(1)
    place = _cap_phrase(rest)
    if admin and place and place[0].isdigit():
        place = admin.group(0) + place  # "quận 7", not "7"
    return _profile("lives_in", place)


def _allergy(c, s):
    m = re.search(r"dị ứng (?:với )?(.+)", c, _I)
    other = re.search(rf"(?i:\b{_KIN} (?:của )?{S} (?:cũng )?(?:bị )?dị ứng)", c)  # "mẹ con bị dị ứng"
    if not m or other or re.search(r"(?:không|chẳng|hết) (?:bị )?dị ứng", c, _I):
        return []
    return drafts(m.group(1), s, "allergy", "allergy")


def _fear(c, s):
    m = re.search(rf"(?i:(?:^|\b{S} |\brất |\bhơi |\bcũng )(?:rất |hơi |cực kỳ |cũng )?sợ )(?:nhất (?:là )?)?(?!là |rằng )(.+)", c)
    if not m or re.search(r"(?:không|chẳng|hết|chả|đâu có) (?:còn )?sợ", c, _I):
        return []
    return drafts(m.group(1), s, "fear", "fear")


def _dream(c, s):
    m = re.search(rf"(?i:ước mơ (?:của {S} )?(?:là )?(?:được )?(?:làm |trở thành |thành |là )?)(.+)", c) or \
        re.search(rf"(?i:(?:lớn lên|sau này|mai sau|khi lớn|khi lớn lên),? {S} (?:muốn|sẽ|thích|mơ|ước) (?:được )?"
                  rf"(?:làm|trở thành|thành|là) )(.+)", c) or \
        re.search(rf"(?i:\b{S} (?:muốn|mơ|ước|mơ ước) (?:được )?(?:làm|trở thành|thành) )(.+?)(?i: (?:khi|lúc) lớn)", c)
    return _profile("dream", m.group(1)) if m else []


_REL = r"(?:em gái|em trai|anh trai|chị gái|anh hai|chị hai|em bé|anh họ|chị họ|em họ|anh|chị|em)"
_KIN = rf"(?:{_REL}|bố|mẹ|ba|má|ông nội|bà nội|ông ngoại|bà ngoại|ông|bà)"


def _family(c, s):
    out = []
    for m in re.finditer(rf"(?i:\b{S} có (?:một |hai |1 |2 |thêm )?(?:đứa |người |bé )?({_REL})\b(?! họ)"
                         rf"(?: (?:tên là|tên|là|tên là bé) )?)(\S*)", c):
        name = _cap_phrase(m.group(2))
        out += _profile("family", name or m.group(1).lower(), m.group(1).lower())
    for m in re.finditer(rf"(?i:\b({_KIN}) (?:của )?{S} (?:tên là|tên|là) )(\S+)", c):
        name = _cap_phrase(m.group(2))
        if name and not any(d.object == name for d in out):
            out += _profile("family", name, m.group(1).lower())
    return out


def _friend(c, s):
    m = re.search(rf"(?i:bạn thân (?:nhất )?(?:của {S} )?(?:là|tên là|tên) )(?:bạn )?(\S.*)", c) or \
        re.search(rf"(?i:\bbạn (?:của )?{S} tên (?:là )?|\b{S} (?:chơi thân|thân) (?:nhất )?với (?:bạn )?)(\S.*)", c) or \
        re.search(r"^(\S.*?) (?i:là bạn thân)", c)
    if not m:
        return []
    names = [_cap_phrase(p) for p in re.split(r"\s+(?:và|với)\s+(?:bạn\s+)?", m.group(1))]
    return [Draft("friend", n, "likes") for n in names if n and valid(n)]


def _travel(c, s):
    m = re.search(rf"(?i:\b(?:{S}|nhà {S}|cả nhà|gia đình {S}|{S} được) (?:đã |sẽ |mới |vừa |được |sắp )*"
                  rf"(?:đi|về|ra|bay|tới|đến) (?:du lịch |chơi |thăm )?(?:ở |tới |đến )?)(\S.*)", c)
    name = _cap_phrase(m.group(1)) if m else ""
    return [Draft("travel", name, "likes")] if name and name.upper() != "PIKA" else []


PROFILE = (_name, _age, _birthday, _grade, _school, _lives, _allergy, _fear, _dream, _family,
           _friend, _travel)

_NOT = r"(?:không|chẳng|chả|ko|hông|không hề)"
_BEST = r"(?:nhất|số một|số 1|đỉnh nhất|tuyệt nhất|hay nhất|ngon nhất|đẹp nhất|vui nhất)"
_PREFS = [
    ("retract", re.compile(rf"(?:{_NOT} còn|hết|thôi|thôi không|đã hết|giờ {_NOT}) {_ADV}{_LIKE} (.+)", _I)),
    ("retract", re.compile(rf"{_NOT} {_ADV}{_LIKE} (.+?) nữa\b", _I)),
    ("retract", re.compile(rf"(?:hồi trước|trước đây|trước kia|ngày xưa|lúc trước|hồi nhỏ|trước) {S} "
                           rf"(?:từng |đã )?{_ADV}{_LIKE} (.+)", _I)),
    ("dislikes", re.compile(rf"{_NOT} {_ADV}{_LIKE} (.+)", _I)),
    ("dislikes", re.compile(r"(?:ghét|sợ ăn|ngán|chán|không ưa) (.+)", _I)),
    ("favorite_noun", re.compile(rf"({NOUN_RX}) (?:mà |yêu thích |ưa thích )?(?:{S} )?(?:{_ADV}{_LIKE}){_VERB} nhất"
                                 rf"(?: của {S})? (?:là|chính là) (.+)", _I)),
    ("favorite_noun", re.compile(rf"({NOUN_RX}) (?:yêu thích|ưa thích|ruột)(?: nhất)?(?: của {S})? (?:là|chính là) (.+)", _I)),
    ("favorite_noun_rev", re.compile(rf"^(.+?) là ({NOUN_RX}) (?:mà )?(?:{S} )?(?:{_ADV}{_LIKE}){_VERB} nhất", _I)),
    ("favorite_noun_rev", re.compile(rf"^(.+?) là ({NOUN_RX}) (?:yêu thích|ưa thích|ruột)(?: nhất)? của {S}", _I)),
    ("favorite", re.compile(rf"\b{S} {_ADV}{_LIKE} nhất (?:là )?(.+)", _I)),
    ("favorite", re.compile(rf"\b{S} {_ADV}{_LIKE} (.+?) nhất\b", _I)),
    ("favorite", re.compile(rf"^(.+?) (?:là )?{_BEST}$", _I)),
    ("favorite", re.compile(rf"\b{S} thấy (.+?) (?:là )?{_BEST}", _I)),
    ("likes", re.compile(rf"(?:^|\b{S} |\bnhà {S} |\bcả nhà )(?:{S} )?{_ADV}{_LIKE}\s+(.+)", _I)),
    ("has", re.compile(rf"\b(?:{S}|nhà {S}) (?:(?:mới|vừa|đang|cũng|còn|đã) )*(?:có|nuôi|đang nuôi|mới có|được tặng|được mua cho) "
                       rf"(?!thích|muốn|thể|được|phải|biết|đi|chuyện|ai|gì|nhiều bạn)(.+)", _I)),
    # (the habit words before "chơi" are a possessive run too, "hay là" before "hay")
    ("plays", re.compile(rf"\b{S}(?: với [^,]+?)? (?:hay là |hay |thường |cũng |hằng ngày )*+chơi (?!với)(.+)", _I)),
]
_MENTION = re.compile(rf"\b{S} (?:đã |mới |vừa )?(?:xem|đọc|chơi|nghe|ăn) (.+)", _I)
_QUANT = re.compile(r"^(?:một|hai|ba|bốn|năm|mấy|\d+)\s+(?:con|chú|bé|em|chiếc|cái)\s+", _I)


def preferences(c: str, s: Scene) -> list[Draft]:
    for kind, rx in _PREFS:
        m = rx.search(c)
        if not m:
            continue
        if kind == "favorite_noun":
            return drafts(m.group(2), s, "favorite", NOUN_CATEGORY[m.group(1).lower()])
        if kind == "favorite_noun_rev":
            return drafts(m.group(1), s, "favorite", NOUN_CATEGORY[m.group(2).lower()])
        if kind == "retract":
            found = drafts(re.split(r",? (?:nhưng|mà) ", m.group(1), flags=_I)[0], s, "dislikes", retracts=True)
            s.retracted_category = found[0].category if found else None
            if not found:
                continue
            return found
        if kind == "has":
            obj = _QUANT.sub("", m.group(1))
            found = [d for d in drafts(obj, s, "has") if d.category in ("animal", "pet", "toy")]
            for d in found:
                if d.category == "animal":
                    d.category, d.object = "pet", re.sub(r"^con ", "", d.object, flags=_I)
            return found
        if kind == "plays":
            return [d for d in drafts("chơi " + m.group(1), s) if d.category in ("game", "sport", "music")]
        found = drafts(m.group(1), s, kind)
        if not found:  # unknown kind of thing, but "nó" may point at it next
            s.mentions.append(trim_object(m.group(1), "vi"))
        return found
    m = _MENTION.search(c)
    if m:
        s.mentions.append(resolve(trim_object(m.group(1), "vi"), s))
    return []


_VOCATIVE = re.compile(r"^(?:\S+ ơi[,!]?\s*)|^(?:giờ|bây giờ|hiện giờ|hôm nay|hè này|mà|thế|vậy|thì)\s+", _I)


def extract(clause: str, s: Scene) -> list[Draft]:
    c = strip_fillers(clause).rstrip(" .!?…~")
    for _ in range(2):
        c = _VOCATIVE.sub("", c).strip()
    found = []
    for rule in PROFILE:
        found += rule(c, s)
    return found + preferences(c, s)
