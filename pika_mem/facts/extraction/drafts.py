"""A rule's raw finding (Draft) and how it becomes an ExtractedFact: the short
statement in the child's language and how much it matters."""
from __future__ import annotations

from dataclasses import dataclass

from pika_mem.facts.model import normalize_object, ExtractedFact, FAVORITE_CATEGORIES

# Safety first (allergy), then what shapes a conversation (fears, who the child is).
_IMPORTANCE = {"allergy": 5, "fear": 4, "dream": 4, "family": 4, "name": 4, "age": 4,
               "birthday": 4, "school": 4, "grade": 4, "lives_in": 4}
_PREDICATE_IMPORTANCE = {"favorite": 4, "likes": 3, "has": 3, "dislikes": 2}

_EN_TEXT = {
    "likes": "Likes {o}", "dislikes": "Doesn't like {o}", "retract": "No longer likes {o}",
    "favorite": "Favorite {c} is {o}", "has": "Has {o}", "name": "Name is {o}",
    "age": "Is {o} years old", "birthday": "Birthday is {o}", "school": "Goes to {o}",
    "grade": "Is in {o}", "lives_in": "Lives in {o}", "family": "Family: {o}",
    "allergy": "Allergic to {o}", "fear": "Afraid of {o}", "dream": "Wants to be {o}",
}
_VI_TEXT = {
    "likes": "Thích {o}", "dislikes": "Không thích {o}", "retract": "Không còn thích {o}",
    "favorite": "Thích {o} nhất", "has": "Có {o}", "name": "Tên là {o}", "age": "{o} tuổi",
    "birthday": "Sinh nhật {o}", "school": "Học trường {o}", "grade": "Học {o}",
    "lives_in": "Sống ở {o}", "family": "Gia đình: {o}", "allergy": "Dị ứng {o}",
    "fear": "Sợ {o}", "dream": "Ước mơ làm {o}",
}
_EN_CATEGORY = {"color": "colour"}


@dataclass
class Draft:
    category: str
    object: str
    predicate: str = "likes"  # for profile facts overwritten by the category
    retracts: bool = False
    relation: str = ""  # family: "em gái", "little brother"

    @property
    def key(self) -> tuple[str, str]:
        return self.category, normalize_object(self.object)


def finish(d: Draft, lang: str) -> ExtractedFact:
    profile = d.category not in FAVORITE_CATEGORIES
    predicate = d.category if profile else ("dislikes" if d.retracts else d.predicate)
    polarity = "-" if predicate == "dislikes" else "+"
    if profile:
        importance = _IMPORTANCE.get(d.category, 4)
    else:
        importance = _PREDICATE_IMPORTANCE.get(predicate, 3)
    templates = _VI_TEXT if lang == "vi" else _EN_TEXT
    shown = d.object
    if d.category == "family" and d.relation and d.relation.lower() != d.object.lower():
        shown = f"{d.relation} {d.object}"  # "em gái Su", "little sister Rosie"
    template = templates["retract" if d.retracts else predicate]
    text = template.format(o=shown, c=_EN_CATEGORY.get(d.category, d.category))
    return ExtractedFact(category=d.category, predicate=predicate, object=d.object,
                         polarity=polarity, importance=importance, text=text, lang=lang,
                         retracts=d.retracts)
