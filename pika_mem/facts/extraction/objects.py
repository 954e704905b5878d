"""From the words after a verb to drafts: list splitting, trimming, classification,
and the checks that keep pronouns and chatter out of memory."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from pika_mem.facts.extraction.categorize import classify, strip_articles
from pika_mem.facts.extraction.drafts import Draft
from pika_mem.facts.extraction.lexicon import LEXICON
from pika_mem.facts.extraction.text import split_list, trim_object
from pika_mem.facts.model import FAVORITE_CATEGORIES

# A category noun the child names ("my favourite *song*", "*món* con thích nhất").
NOUN_CATEGORY = {
    "movie": "movie", "movies": "movie", "film": "movie", "cartoon": "movie", "show": "movie",
    "tv show": "movie", "character": "character", "superhero": "character", "hero": "character",
    "princess": "character", "pet": "pet", "animal": "animal", "sport": "sport",
    "food": "food", "snack": "food", "dish": "food", "meal": "food", "dessert": "food",
    "fruit": "food", "vegetable": "food", "drink": "food", "ice cream": "food",
    "ice cream flavor": "food", "flavor": "food", "flavour": "food", "candy": "food",
    "color": "color", "colour": "color", "song": "music", "music": "music", "band": "music",
    "singer": "music", "instrument": "music", "book": "book", "story": "book",
    "game": "game", "video game": "game", "app": "game", "subject": "subject",
    "class": "subject", "toy": "toy", "place": "place", "city": "travel",
    "country": "travel", "ride": "activity", "activity": "activity", "hobby": "activity",
    "thing to do": "activity", "friend": "friend", "best friend": "friend",
    "trip": "travel", "holiday": "travel", "vacation": "travel",
    "phim": "movie", "bộ phim": "movie", "phim hoạt hình": "movie", "hoạt hình": "movie",
    "nhân vật": "character", "siêu anh hùng": "character", "siêu nhân": "character",
    "công chúa": "character", "thú cưng": "pet", "con vật": "animal", "động vật": "animal",
    "con vật nuôi": "pet", "môn thể thao": "sport", "thể thao": "sport", "món": "food",
    "món ăn": "food", "đồ ăn": "food", "rau": "food", "quả": "food", "trái cây": "food",
    "hoa quả": "food", "bánh": "food", "kem": "food", "đồ uống": "food", "nước": "food",
    "màu": "color", "màu sắc": "color", "bài hát": "music", "bài": "music", "nhạc": "music",
    "ca sĩ": "music", "sách": "book", "truyện": "book", "quyển sách": "book",
    "cuốn sách": "book", "trò chơi": "game", "môn học": "subject",
    "môn": "subject", "đồ chơi": "toy", "nơi": "place", "chỗ": "place", "địa điểm": "place",
    "hoạt động": "activity", "việc": "activity", "trò": "game", "bạn": "friend",
}


def _alternation(words) -> str:
    """words as one regex alternation, longest first, grouped by first letter: the same
    matches in the same order of preference (words with different first letters never
    match at the same place), but the engine tries a few words per position, not all."""
    groups: dict[str, list[str]] = {}
    for w in sorted((re.escape(w) for w in words), key=len, reverse=True):
        groups.setdefault(w[0].lower(), []).append(w)
    return "|".join(f"(?:{'|'.join(g)})" if len(g) > 1 else g[0] for g in groups.values())


NOUN_RX = _alternation(NOUN_CATEGORY)

PRONOUNS = frozenset(
    "it that this them those these one you he she they him her we us everything "
    "something anything nothing stuff things nó cái đó cái này cái ấy đó này ấy gì "
    "cái gì mọi thứ tất cả bạn pika cậu họ chúng nó không có ai what which".split(" "))
_PRONOUN_OBJ = re.compile(r"^(?:it|that|this|nó|đó|cái đó|cái này|cái ấy|this one|that one)$", re.I)
_YESNO = re.compile(
    r"^(?:dạ,?\s+)?(?:yes|yeah|yep|yup|no|nope|ok|okay|sure|maybe|hi|hello|hey|bye|goodbye|thanks|"
    r"thank you|i don't know|idk|dunno|nothing|not really|um+|uh+|hmm+|dạ|vâng|ừ|ừm|ờ|ok ạ|"
    r"không|có|chưa|rồi|không biết|con không biết|chào|xin chào|tạm biệt|cảm ơn|"
    r"hihi|haha|hì hì|wow|cool|nice|great|good|fine|ạ|dạ vâng|vâng ạ|dạ có|có ạ|"
    r"không ạ|dạ không|chưa ạ|ok pika|bye bye|see you|có chứ|không có|thích|thích lắm|"
    r"no thanks|yes please|not yet)(?:,?\s+(?:ạ|nhé|nha|pika|ạ pika))?$", re.I)
_FILLER_HEAD = re.compile(
    r"^(?:(?:yes|yeah|yep|um+|uh+|hmm+|well|oh|ok|okay|and|also|dạ|vâng|ừ|ừm|ờ|à|ồ|"
    r"thì|là|chắc là|có lẽ|maybe|probably|i think|i guess|con nghĩ là|hmm)[,!.]?\s+)+", re.I)
_BARE_VERBS = frozenset("chơi đi ăn làm xem nghe đọc học play playing go going do doing eat "
                        "eating watch watching read get be have".split())
# "dog Max": the pet's name is not the pet.
_PET_NAME = re.compile(r"(?<=[a-zà-ỹđ]) (?-i:[A-ZĐ][\w'-]*)$", re.I)
# Starts only where a run of spaces starts, as text._EN_CUT: linear.
_REASON = re.compile(r"(?<!\s)\s++(?:vì|bởi vì|tại vì|bởi|because|cause|'cause|since)\s.*+$", re.I)
_JOINED_TERMS = sorted((t for terms in LEXICON.values() for t in terms
                        if " and " in t or " và " in t or " & " in t), key=len, reverse=True)


def _protect_titles(raw: str) -> str:
    """"Tom and Jerry", "fish and chips" are one thing, not a list: \x00 survives the split."""
    low = raw.lower()
    for term in _JOINED_TERMS:
        at = low.find(term)
        if at >= 0 and (at == 0 or not low[at - 1].isalnum()) and \
                (at + len(term) == len(low) or not low[at + len(term)].isalnum()):
            raw = raw[:at] + raw[at:at + len(term)].replace(" ", "\x00") + raw[at + len(term):]
    return raw


@dataclass
class Scene:
    """What one clause knows about its surroundings."""
    lang: str
    context: object = None  # context.Question when this clause answers a question
    antecedent: str | None = None  # what "it"/"nó" points at
    sentence: str = ""
    retracted_category: str | None = None  # set by "used to like X" for "but now Y"
    then_predicate: str = "likes"  # "my favourite X used to be …, now it's Y": favorite
    mentions: list = field(default_factory=list)


def needs(words: str):
    """Decorator for a rule (clause, scene) -> drafts that finds nothing in a clause
    without one of these words (case-insensitive): such a clause skips the rule, at
    the cost of one short search instead of the rule's patterns. Only exact if every
    pattern by which the rule can find something contains one of the words."""
    gate = re.compile(words, re.I)

    def wrap(rule):
        @functools.wraps(rule)
        def gated(c: str, s: "Scene") -> list[Draft]:
            return rule(c, s) if gate.search(c) else []
        gated.needs = gate
        return gated
    return wrap


def is_chatter(text: str) -> bool:
    return bool(_YESNO.match(text.strip(" .!?,~…").lower()))


def strip_fillers(text: str) -> str:
    return _FILLER_HEAD.sub("", text.strip())


def valid(obj: str) -> bool:
    low = obj.lower()
    return (bool(obj) and len(obj.split()) <= 7 and low not in PRONOUNS and low not in _BARE_VERBS
            and not re.fullmatch(r"[a-z]+ly", obj)  # "definitely", "really": not a thing
            and not _YESNO.match(low) and bool(re.search(r"\w", obj))
            and not re.match(r"^(?:gì|nào|what|which|\[)", low))


def resolve(obj: str, scene: Scene) -> str | None:
    """Replace "it"/"nó" by what the child was just talking about."""
    if _PRONOUN_OBJ.match(obj.strip()):
        return scene.antecedent
    return obj


def read_objects(raw: str, scene: Scene, predicate: str = "likes", category: str | None = None,
                 retracts: bool = False) -> list[Draft]:
    """Drafts for every item of "X and Y": category forced, or classified per item."""
    lang = scene.lang
    if category == "friend" and predicate == "favorite":
        predicate = "likes"  # several best friends are normal; not a single slot
    context_cat = scene.context.category if scene.context else None
    # "Tom and Jerry" is one title, not a list; \x00 survives the list split.
    raw = _protect_titles(raw.strip())
    owned = bool(re.match(r"^(?:my|our)\s", raw, re.I))
    raw = _REASON.sub("", raw)  # "X vì …", "X because …": the reason is not a list item
    out: list[Draft] = []
    first_cat = None
    seen: list[str] = []
    for item in split_list(raw):
        item = trim_object(item.replace("\x00", " "), lang)
        item = resolve(item, scene) or ""
        if not valid(item) or any(item.lower() in s for s in seen):
            continue  # "mướp đắng, đắng ơi là đắng": an echo is not a new item
        seen.append(item.lower())
        if category:
            cat, obj = category, strip_articles(item, lang)
            if category in FAVORITE_CATEGORIES:
                found, cleaned = classify(item, lang, category)
                obj = cleaned if found == category else obj
        else:
            # "pizza and X": X is food too, unless X is a name ("cats called Milo and Luna").
            fallback = context_cat or (first_cat if not item[:1].isupper() else None)
            cat, obj = classify(item, lang, fallback)
        obj = trim_object(obj, lang)
        if not cat or not valid(obj) or (cat not in FAVORITE_CATEGORIES and cat != category):
            continue
        if cat == "animal" and (predicate == "has" or owned or context_cat == "pet"):
            cat = "pet"  # an animal the child has or calls "my …" is a pet
        if cat == "pet":
            obj = _PET_NAME.sub("", re.sub(r"^con\s+", "", obj, flags=re.I))
        first_cat = first_cat or cat
        out.append(Draft(cat, obj, predicate, retracts))
    return out


_PLAYED = ("game", "sport", "music")


def read_played(phrase: str, scene: Scene, play_word: str) -> list[Draft]:
    """"I play X" / "con chơi X": only games, sports and instruments are kept."""
    return [d for d in read_objects(f"{play_word} {phrase}", scene) if d.category in _PLAYED]


def read_or_mention(phrase: str, scene: Scene, predicate: str) -> list[Draft]:
    """Drafts of a phrase; when it names no known kind of thing, it is still remembered as
    what "it" / "nó" may point at next."""
    found = read_objects(phrase, scene, predicate)
    if not found:
        scene.mentions.append(trim_object(phrase, scene.lang))
    return found


def remember_mention(rx: re.Pattern, clause: str, scene: Scene) -> list[Draft]:
    """A thing the child did something with ("we watched X"): no fact, but an antecedent."""
    m = rx.search(clause)
    if m:
        scene.mentions.append(resolve(trim_object(m.group(1), scene.lang), scene))
    return []


def read_retraction(phrase: str, scene: Scene) -> list[Draft]:
    """"I don't like X anymore": X as a retracting dislike; the scene remembers the
    category, so that a "but now Y" clause after it can be read as the new favourite."""
    found = read_objects(phrase, scene, "dislikes", retracts=True)
    scene.retracted_category = found[0].category if found else None
    return found
