"""The fact: its shape, its deterministic id, and which slots are single-valued."""
from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field

FAVORITE_CATEGORIES = (
    "movie", "character", "pet", "animal", "activity", "friend", "music", "travel",
    "toy", "food", "color", "sport", "book", "game", "subject", "place",
)
PROFILE_PREDICATES = (
    "name", "age", "birthday", "school", "grade", "lives_in", "family", "allergy",
    "fear", "dream",
)
CATEGORIES = FAVORITE_CATEGORIES + PROFILE_PREDICATES
# Predicates that put a favourites fact in the summary (with polarity "+").
POSITIVE_PREDICATES = ("likes", "favorite", "has")
# Predicates of favourites facts; a profile fact's predicate is its category.
FAVORITE_PREDICATES = ("likes", "dislikes", "favorite", "has")
# One active value at a time: a new one supersedes the old.
SINGLE_VALUED_PROFILE = ("name", "age", "birthday", "school", "grade", "lives_in")

_FACT_NAMESPACE = uuid.UUID("6f1c0a8e-3b52-5d1e-9a4f-70696b616d65")
_EDGE_PUNCT = re.compile(r"^[\s\W_]+|[\s\W_]+$", re.UNICODE)


def normalize_object(text: str) -> str:
    """Lower-case, NFC, collapse spaces, trim punctuation: the identity of an object."""
    text = unicodedata.normalize("NFC", text).lower()
    text = " ".join(text.split())
    return _EDGE_PUNCT.sub("", text)


def fact_id(tenant: str, user_id: str, predicate: str, category: str, obj: str) -> str:
    """uuid5 over (tenant, user, predicate, category, normalized object): same fact, same id."""
    key = "\x1f".join((tenant, user_id, predicate, category, normalize_object(obj)))
    return str(uuid.uuid5(_FACT_NAMESPACE, key))


def is_single_valued(predicate: str, category: str) -> bool:
    """Slots that hold one value: the favourite of a category, name, age, school…"""
    return predicate == "favorite" or (predicate == category and category in SINGLE_VALUED_PROFILE)


@dataclass(frozen=True)
class ExtractedFact:
    """What an extractor returns for one piece of information.

    predicate: for favourites one of FAVORITE_PREDICATES; for profile facts the
    category itself (name, age, …). polarity '+' or '-'. retracts: the child said
    they stopped liking the object ("không thích X nữa", "not anymore"): the ledger
    closes active positive facts about it.
    """

    category: str
    predicate: str
    object: str
    polarity: str = "+"
    importance: int = 3
    text: str = ""
    lang: str = "en"
    retracts: bool = False
    source: str = field(default="rules", compare=False)
