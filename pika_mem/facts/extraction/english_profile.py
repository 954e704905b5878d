"""English profile statements: name, age, birthday, grade, school, where the child
lives, allergies, fears, dreams, family, friends, travel (all may fire in one clause)."""
from __future__ import annotations

import re

from pika_mem.facts.extraction.drafts import Draft
from pika_mem.facts.extraction.lexicon import FAMILY, is_profession
from pika_mem.facts.extraction.objects import read_objects, needs, valid
from pika_mem.facts.extraction.text import NUMBER_RX, to_number, trim_object

_I = re.IGNORECASE
_NAME = r"[A-Z][a-z'\-]+(?: [A-Z][a-z'\-]+)?"


def _cap_phrase(text: str) -> str:
    """Leading capitalised words: "Riverside Elementary last year" → "Riverside Elementary"."""
    words = []
    for w in text.split():
        if w[:1].isupper() or w[:1].isdigit() or (words and w.lower() in ("of", "the", "de")):
            words.append(w)
        else:
            break
    while words and words[-1].lower() in ("of", "the", "de"):
        words.pop()
    return trim_object(" ".join(words), "en")


def _profile(cat: str, obj: str | None, relation: str = "") -> list[Draft]:
    obj = trim_object(obj or "", "en")
    return [Draft(cat, obj, cat, relation=relation)] if valid(obj) else []


# Each rule's patterns are compiled once, here, not formatted and looked up per clause.
_NAME_RX = (
    re.compile(rf"\bmy name(?:'s| is) ({_NAME})", _I),
    re.compile(rf"(?i:\bmy name(?:'s| is)) ({_NAME})"),
    re.compile(rf"(?i:\b(?:call me|i'm called|i am called|people call me)) ({_NAME})"),
    re.compile(rf"^(?i:(?:hi|hello|hey)?,? ?(?:i'm|i am|it's|this is)) ({_NAME})[.!]?$"),
)


@needs(r"name|call|i'm|i am|it's|this is")
def _name(c, s):
    m = (_NAME_RX[0].search(c) and _NAME_RX[1].search(c)) or _NAME_RX[2].search(c) or _NAME_RX[3].match(c)
    if m and m.group(1).lower() not in ("pika", "fine", "good", "ok", "okay", "here", "back"):
        return _profile("name", m.group(1))
    return []


_AGE_RX = re.compile(rf"\b(?:i'm|i am|i just turned|i turned|i'm turning|my age is) (?:now )?({NUMBER_RX})"
                     rf"(?: and a half)?(?: years? old| yrs? old| yo)?\b(?! grade| of)", _I)
_AGE_CUE = re.compile(r"years? old|turned|age", _I)
_AGE_END = re.compile(rf"(?:i'm|i am) ({NUMBER_RX})[.!]*$", _I)


@needs(r"i'm|i am|turned|age is")
def _age(c, s):
    m = _AGE_RX.search(c)
    if m and (_AGE_CUE.search(c) or _AGE_END.search(c)):
        return _profile("age", to_number(m.group(1)))
    return []


_BIRTHDAY_RX = re.compile(r"\bmy birthday(?: is|'s| was| will be)? (?:on |in )?(.+)|\bi was born (?:on|in) (.+)", _I)
_BIRTHDAY_END = re.compile(r"\s+(?:and|so|but)\s")


@needs(r"birthday|born")
def _birthday(c, s):
    m = _BIRTHDAY_RX.search(c)
    return _profile("birthday", _BIRTHDAY_END.split(m.group(1) or m.group(2))[0]) if m else []


_GRADE_RX = re.compile(rf"\b(?:i'm|i am|i'm now|i go to|i am now) in (?:the )?(?:grade ({NUMBER_RX})|"
                       rf"({NUMBER_RX}) grade|year ({NUMBER_RX})|(kindergarten|preschool|pre-k))", _I)


@needs(r"grade|year|kindergarten|preschool|pre-k")
def _grade(c, s):
    m = _GRADE_RX.search(c)
    if not m:
        return []
    if m.group(4):
        return _profile("grade", m.group(4).lower())
    n = to_number(m.group(1) or m.group(2) or m.group(3))
    return _profile("grade", f"{'year' if m.group(3) else 'grade'} {n}")


_SCHOOL_WORD = r"(?:School|Elementary|Primary|Academy|Kindergarten|Preschool|Montessori|Middle|High)"
_SCHOOL_WORD_RX = re.compile(_SCHOOL_WORD)
_SCHOOL_RX = (
    re.compile(r"(?i:\bi (?:go to|attend|study at|am at|'m at|go) |\bmy school(?:'s name)? is (?:called )?)"
               r"([A-Z].*)"),
    re.compile(rf"(?i:\b(?:at|to|from) )((?:[A-Z][\w'.-]* )+{_SCHOOL_WORD}(?: School)?)\b"),
)


@needs(r"go|attend|study|am at|'m at|school|elementary|primary|academy|kindergarten|preschool|montessori|middle|high")
def _school(c, s):
    m = _SCHOOL_RX[0].search(c)
    if not m:  # "I'm in 3rd grade at Maple Leaf School"
        m = _SCHOOL_RX[1].search(c)
    if m:
        name = _cap_phrase(m.group(1))
        ctx = s.context and s.context.category == "school"
        if name and (_SCHOOL_WORD_RX.search(name) or ctx or "my school" in c.lower()):
            return _profile("school", name)
    return []


_LIVES_RX = re.compile(r"(?i:\b(?:i|we) (?:live|stay)(?: with [\w' ]+?)? (?:in|at|near) |\b(?:i'm|i am) from |"
                       r"\bmy (?:house|home) is in )(?:the )?([A-Z].*)")


@needs(r"live|stay|from|house|home")
def _lives(c, s):
    m = _LIVES_RX.search(c)
    return _profile("lives_in", _cap_phrase(m.group(1))) if m else []


# "My mom is allergic to …", "He's scared of …": someone else's fact.
_OTHER = re.compile(r"\b(?:my|he|she|they|his|her|mom|dad)\b[\w\s']{0,30}?(?:\bis|\bare|'s|'re|\bgets?)\s+"
                    r"(?:\w+\s+)?(?:allergic|scared|afraid|frightened|terrified)", _I)
_ALLERGY_RX = re.compile(r"\ballergic to (.+)|\bi have an? (.+?) allergy|\ballergy to (.+)", _I)
_ALLERGY_NOT = re.compile(r"\b(?:not|n't)\b.*allerg", _I)


@needs(r"allerg")
def _allergy(c, s):
    m = _ALLERGY_RX.search(c)
    if not m or _ALLERGY_NOT.search(c) or _OTHER.search(c):
        return []
    return read_objects(m.group(1) or m.group(2) or m.group(3), s, "allergy", "allergy")


_FEAR_RX = re.compile(r"\b(?:scared|afraid|frightened|terrified|fearful) of (.+)|\bi fear (.+)|"
                      r"^(.+?) (?:scares?|frightens?|scared|frightened) me|^(.+?) makes? me (?:scared|afraid)", _I)
_FEAR_NOT = re.compile(r"\b(?:not|n't|never)\b.*(?:scared|afraid|frightened|terrified)", _I)


@needs(r"scar|afraid|fright|terrified|fear")
def _fear(c, s):
    m = _FEAR_RX.search(c)
    if not m or _FEAR_NOT.search(c) or _OTHER.search(c):
        return []
    return read_objects(next(g for g in m.groups() if g), s, "fear", "fear")


_DREAM_RX = (
    re.compile(r"\bi (?:want|wanna|would like|'d like|hope|am going|'m going) (?:to )?(?:be|become) (.+?)"
               r"(?: when i(?:'m| am)? (?:grow up|older|big)| one day| someday| in the future|$)", _I),
    re.compile(r"\bmy dream (?:job )?is (?:to (?:be|become) )?(.+)", _I),
)
_DREAM_ARTICLE = re.compile(r"^(?:a|an|the)\s+", _I)
_DREAM_LIKE = re.compile(r"\s+like\s.*$")
_DREAM_CUE = re.compile(r"grow up|older|one day|someday|future|dream|big", _I)


@needs(r"want|wanna|would like|'d like|hope|going|dream")
def _dream(c, s):
    m = _DREAM_RX[0].search(c) or _DREAM_RX[1].search(c)
    if not m:
        return []
    obj = _DREAM_ARTICLE.sub("", trim_object(_DREAM_LIKE.sub("", m.group(1)), "en"))
    cue = _DREAM_CUE.search(s.sentence)
    if cue or is_profession(obj):
        return _profile("dream", obj)
    return []


_REL = r"(?:little |big |baby |older |younger |twin |step|half )?(?:brother|sister|sibling|cousin)s?"
_KIN = rf"(?:{_REL}|mom|mum|mommy|dad|daddy|grandma|grandpa|granny|grandmother|grandfather|aunt|uncle)"
_FAMILY_HAS = re.compile(rf"(?i:\b(?:i|we)(?: have|'ve got| have got| got)(?: a| an| one| two| three| \d)? ?"
                         rf"({_REL})(?: and (?:a |an |one |two )?({_REL}))?)(?:(?i:,? (?:named|called|whose name is|who is called) )({_NAME}))?")
_FAMILY_NAMED = re.compile(rf"(?i:\bmy ({_KIN}))(?i:'s name is|,? (?:is )?(?:named|called)|,)? ({_NAME})")


@needs(r"brother|sister|sibling|cousin|mom|mum|dad|gran|aunt|uncle")
def _family(c, s):
    out = []
    for m in _FAMILY_HAS.finditer(c):
        out += _profile("family", m.group(3) or m.group(1).lower(), m.group(1).lower())
        if m.group(2):
            out += _profile("family", m.group(2).lower(), m.group(2).lower())
    for m in _FAMILY_NAMED.finditer(c):
        if m.group(2) not in ("I", "Is", "Are") and not any(d.object == m.group(2) for d in out):
            out += _profile("family", m.group(2), m.group(1).lower())
    return out


_FRIEND_RX = (
    re.compile(rf"(?i:\bmy (?:very )?best friends?(?:'s name)? (?:is|are) (?:called |named )?)({_NAME}(?: (?:and|&) {_NAME})?)"),
    re.compile(rf"^({_NAME}) (?i:is my (?:very )?best friend)"),
    re.compile(rf"(?i:\bmy (?:best |good |new )?friends? (?:is |are )?(?:named |called )?)({_NAME})"),
)


@needs(r"friend")
def _friend(c, s):
    m = _FRIEND_RX[0].search(c) or _FRIEND_RX[1].search(c) or _FRIEND_RX[2].search(c)
    return read_objects(m.group(1), s, "likes", "friend") if m else []


_TRAVEL_RX = re.compile(r"(?i:\b(?:i|we)(?:'re| are|'m| am| will| have|'ve)? (?:went|go|going|visited|visiting|traveled|"
                        r"travelled|flew|flying|drove|been) (?:to )?)(?:the )?([A-Z].*)")
_TRAVEL_THERE = re.compile(r"\b(?:in|at) (?:the )?([A-Z].*)")


@needs(r"went|go|visit|travel|flew|flying|drove|been")
def _travel(c, s):
    m = _TRAVEL_RX.search(c)
    if m and not _SCHOOL_WORD_RX.match(m.group(1)):
        name = _cap_phrase(m.group(1))
        if name.lower() in FAMILY:  # "visited Grandma in Hue" → Hue
            there = _TRAVEL_THERE.search(m.group(1)[len(name):])
            name = _cap_phrase(there.group(1)) if there else ""
        if name and not _SCHOOL_WORD_RX.search(name) and name not in ("I", "PIKA"):
            return [Draft("travel", name, "likes")]
    return []


PROFILE = (_name, _age, _birthday, _grade, _school, _lives, _allergy, _fear, _dream, _family,
           _friend, _travel)
