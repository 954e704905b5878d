"""English constructions: one preference statement per clause (the first rule that
matches); the profile statements are in english_profile."""
from __future__ import annotations

import re

from pika_mem.facts.extraction.categorize import classify
from pika_mem.facts.extraction.drafts import Draft
from pika_mem.facts.extraction.english_profile import PROFILE
from pika_mem.facts.extraction.objects import (NOUN_CATEGORY, NOUN_RX, Scene, read_objects, read_or_mention,
                                               read_played, read_retraction, remember_mention,
                                               strip_fillers)

_I = re.IGNORECASE
# Possessive (*+), as in vietnamese._ADV: the run of adverbs is read once. Exact: no two
# adverbs read the same words, and what follows an adverb run (a verb, "into", "fan
# of") starts with none of them except "super" ("super fan of"), which the optional
# "super " of "fan of" then simply does not take.
_ADV = r"(?:(?:really|also|so|just|totally|kinda|kind of|still|do|very much|actually|absolutely|sooo+|super) )*+"

_FAV_PREFIX = r"\bmy (?:very |most |all[- ]time )?(?:favou?rite|fave|fav|number one|number 1|#1|best)"
_PREFS = [
    ("fav_used_to", re.compile(rf"{_FAV_PREFIX} ({NOUN_RX})(?:s|es)? used to be\b", _I)),
    ("retract", re.compile(r"\bi (?:used to|once|always used to) (?:really )?(?:like|love|adore|enjoy)d? (.+)", _I)),
    ("retract", re.compile(rf"\bi (?:do not|don't|dont) {_ADV}(?:like|love|enjoy|want) (.+?) (?:anymore|any more|no more)\b", _I)),
    ("retract", re.compile(rf"\bi (?:no longer|stopped|quit) {_ADV}(?:like|love|liking|loving|enjoy|enjoying) (.+)", _I)),
    ("retract", re.compile(r"\bi'?m not (?:into|a fan of) (.+?) (?:anymore|any more)\b", _I)),
    ("retract", re.compile(r"^(.+?) (?:is|are)(?:n't| not) my (?:favou?rite|fave)(?: \w+)? (?:anymore|any more)", _I)),
    ("dislikes", re.compile(rf"\b(?:i|we) (?:do not|don't|dont|didn't|really don't|never) {_ADV}(?:like|love|enjoy|want to eat|eat) (.+)", _I)),
    ("dislikes", re.compile(rf"\b(?:i|we) {_ADV}(?:hate|dislike|can't stand|cannot stand|can not stand|detest)\s+(.+)", _I)),
    ("dislikes", re.compile(r"\bi'?m not (?:a (?:big |huge )?fan of|into) (.+)", _I)),
    ("dislikes", re.compile(r"^(.+?) (?:is|are) (?:so |really |very )?(?:yucky|gross|disgusting|the worst|icky)\b", _I)),
    ("favorite_noun", re.compile(rf"{_FAV_PREFIX} ({NOUN_RX})(?:s|es)? (?:is|are|was|has to be|would be|ever is) (.+)", _I)),
    ("favorite_noun_rev", re.compile(rf"^(.+?)(?: is| are| was|'s) (?:my|the) (?:very )?(?:most )?(?:favou?rite|fave|best|number one|number 1)"
                                     rf" ({NOUN_RX})(?:s|es)?\b", _I)),
    ("favorite_any", re.compile(rf"{_FAV_PREFIX} ((?!thing)[\w-]+(?: [\w-]+)?) (?:is|are|was) (.+)", _I)),
    ("favorite", re.compile(rf"{_FAV_PREFIX}(?: thing)? (?:is|are) (.+)", _I)),
    ("favorite", re.compile(r"^(.+?)(?: is| are|'s) (?:my (?:very )?(?:favou?rite|fave|number one)|the best)(?: ever| of all| in the world)?$", _I)),
    ("favorite", re.compile(rf"\bi {_ADV}(?:like|love|adore) (.+?) (?:the )?(?:most|best)(?: of all)?$", _I)),
    ("favorite", re.compile(rf"\bi {_ADV}(?:like|love) (.+?) more than anything", _I)),
    ("likes", re.compile(rf"\b(?:i|we) {_ADV}(?:like|love|adore|enjoy|luv|prefer|dig)\s+(.+)", _I)),
    ("likes", re.compile(rf"\b(?:i|we)(?:'m| am|'re| are) {_ADV}(?:into|obsessed with|crazy about|mad about|"
                         rf"(?:a |such a )?(?:big |huge |super |massive )?fan of)\s+(.+)", _I)),
    ("has", re.compile(r"\b(?:i|we)(?: also| still| now| already)?(?: have|'ve got|'ve| have got| got| own| just got) (?:a |an |some |two |three |\d+ )?(?:new |pet |little |big )?(.+)", _I)),
    ("has", re.compile(r"\bmy pets? (?:is|are) (.+)", _I)),
    ("plays", re.compile(r"\b(?:i|we) (?:also |often |usually |always |sometimes )?(?:play|practice|do) (.+)", _I)),
]
_BUT = re.compile(r",? but ", _I)
_NOT_A_THING = re.compile(r"^(?:to )?(?:be|go to bed|it when)\b", _I)
_MENTION = re.compile(r"\b(?:i|we) (?:watched|saw|read|played|listened to|visited|got|ate) (.+)", _I)


def preferences(c: str, s: Scene) -> list[Draft]:
    for kind, rx in _PREFS:
        m = rx.search(c)
        if not m:
            continue
        if kind == "favorite_any":  # "my favourite dinosaur is …": the noun's own category
            cat, _ = classify(m.group(1), "en")
            if cat is None:
                continue
            return read_objects(m.group(2), s, "likes" if cat == "friend" else "favorite", cat)
        if kind == "favorite_noun":
            cat = NOUN_CATEGORY[m.group(1).lower()]
            # A child may have several best friends: "best friend" is a like, not a slot.
            return read_objects(m.group(2), s, "likes" if cat == "friend" else "favorite", cat)
        if kind == "favorite_noun_rev":
            return read_objects(m.group(1), s, "favorite", NOUN_CATEGORY[m.group(2).lower()])
        if kind == "fav_used_to":  # the "now it's Y" clause that follows is the new favourite
            s.retracted_category, s.then_predicate = NOUN_CATEGORY[m.group(1).lower()], "favorite"
            return []
        if kind == "retract":
            found = read_retraction(_BUT.split(m.group(1))[0], s)
            if not found:
                continue
            return found
        if kind in ("likes", "dislikes") and _NOT_A_THING.match(m.group(1)):
            return []
        if kind == "has":
            return [d for d in read_objects(m.group(1), s, "has") if d.category in ("animal", "pet", "toy")
                    and _as_pet(d)]
        if kind == "plays":
            return read_played(m.group(1), s, "playing")
        return read_or_mention(m.group(1), s, kind)
    return remember_mention(_MENTION, c, s)


def _as_pet(d: Draft) -> bool:
    if d.category == "animal":
        d.category = "pet"
    return True


def extract(clause: str, s: Scene) -> list[Draft]:
    c = strip_fillers(clause).rstrip(" .!?…~")
    found = []
    for rule in PROFILE:
        found += rule(c, s)
    return found + preferences(c, s)
