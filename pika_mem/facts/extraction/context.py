"""What the companion just asked, so that a bare answer ("Pink!", "Màu hồng ạ") or a
first reply sentence can be filed under the category that was asked about."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pika_mem.facts.extraction.text import bounded

# (cue, category), checked in order; first hit wins. Profile cues come first because
# "what's your name" must not be read as a favourite.
_EN_CUES = [
    (r"best friend|friend's name", "friend"), (r"\bname\b", "name"), (r"how old|\bage\b", "age"), (r"birthday", "birthday"),
    (r"which school|what school|school do you go|where do you go to school", "school"),
    (r"what grade|which grade|what class are you in", "grade"),
    (r"where do you live|where.*from", "lives_in"), (r"allergic", "allergy"),
    (r"scared|afraid|frighten", "fear"), (r"grow up|want to be|dream", "dream"),
    (r"brothers?|sisters?|siblings?", "family"), (r"best friend|friends?\b", "friend"),
    (r"colou?r", "color"), (r"\bpets?\b", "pet"), (r"animals?", "animal"),
    (r"\beat\b|food|snack|fruit|vegetable|veggie|dish|dessert|drink|breakfast|lunch|dinner",
     "food"),
    (r"characters?|superhero|princess", "character"),
    (r"movies?|films?|cartoons?|\bshows?\b|watch", "movie"), (r"songs?|music|sing|listen", "music"),
    (r"books?|reading|\bread\b|stor(?:y|ies)", "book"), (r"video games?|games?", "game"),
    (r"sports?", "sport"), (r"subjects?|class at school|lesson", "subject"),
    (r"toys?|play with", "toy"), (r"ride|hobby|hobbies|for fun|like to do|activity", "activity"),
    (r"where did you go|trip|travel|vacation|holiday", "travel"), (r"place", "place"),
    (r"\bwho\b", "character"),
]
_VI_CUES = [
    (r"bạn thân|bạn nào|bạn tên", "friend"), (r"tên (?:là )?gì|tên gì|tên con", "name"), (r"mấy tuổi|bao nhiêu tuổi", "age"),
    (r"sinh nhật", "birthday"), (r"trường nào|học trường|trường gì|trường của con", "school"),
    (r"lớp mấy|học lớp", "grade"), (r"sống ở đâu|nhà con ở đâu|con ở đâu|quê", "lives_in"),
    (r"dị ứng", "allergy"), (r"\bsợ\b", "fear"), (r"ước mơ|lớn lên|sau này", "dream"),
    (r"có em|có anh|có chị|anh chị em", "family"),
    (r"màu", "color"), (r"thú cưng|nuôi con gì|nuôi con", "pet"),
    (r"con vật|động vật|con gì|loài", "animal"),
    (r"\băn\b|món|rau|quả|trái cây|bánh|kem|uống|đồ ăn", "food"),
    (r"nhân vật|siêu nhân|siêu anh hùng|công chúa", "character"), (r"phim|hoạt hình|\bxem\b", "movie"),
    (r"bài hát|bài gì|nghe nhạc|\bnhạc\b|\bhát\b", "music"), (r"sách|truyện|\bđọc\b", "book"),
    (r"trò chơi|game", "game"), (r"thể thao", "sport"), (r"môn", "subject"),
    (r"đồ chơi", "toy"), (r"làm gì|chơi gì|sở thích", "activity"),
    (r"đi đâu|du lịch|chuyến đi", "travel"), (r"nơi|chỗ nào", "place"), (r"\bai\b", "character"),
]
_EN_RX = [(re.compile(p, re.I), c) for p, c in _EN_CUES]
_VI_RX = [(re.compile(p, re.I), c) for p, c in _VI_CUES]
# Only real questions about preferences set context, not "Do you like school?" small talk.
_EN_WH = re.compile(r"\b(?:what|which|who|where|how old|when|tell me|do you have|what's)\b", re.I)
_VI_WH = re.compile(r"\b(?:gì|nào|đâu|mấy|bao nhiêu|ai)\b|không\s*\?|chưa\s*\?", re.I)
_FAVORITE = re.compile(r"favou?rite|\bbest\b|most|\bnhất\b|yêu thích", re.I)
_HAS = re.compile(r"do you have|have you got|\bcó\b.*\bkhông\b|\bnuôi\b", re.I)


# Yes/no questions about one thing: "Do you like broccoli?" → a "No!" is a dislike.
# The spaces before the thing asked about are possessive (\s++), and so are those after
# it: a run of spaces is not re-read once per way of sharing it between "\s+" and
# "(.+?)" (cubic). Only a question about nothing but spaces ("do you like  ?") reads
# differently: it is not a yes/no question any more.
_EN_YESNO = re.compile(r"\b(?:(?:do|did|don't) you (?:(?:still|really) )?(like|love|enjoy|have|eat)|"
                       r"are you (?:still )?(scared|afraid|frightened) of)\s++(.+?)\s*+\?", re.I)
_VI_YESNO = re.compile(r"\b(?:con|em|cháu) có (?:(?:còn|thật) )?(?:(thích|mê|nuôi|ăn được|ăn)|(sợ))\s++(.+?)\s++"
                       r"(?:không|ko|hông)\b", re.I)
_YESNO_PREDICATE = {"have": "has", "nuôi": "has"}


@dataclass(frozen=True)
class Question:
    category: str | None
    predicate: str  # likes / favorite / has, or the profile predicate
    about: str | None = None  # the thing a yes/no question names


def read_question(text: str, lang: str) -> Question | None:
    """The category an assistant turn asks about, if it asks about one."""
    last = text.rsplit(".", 1)[-1] if "?" in text else ""
    question = next((s for s in reversed(re.split(r"(?<=[.!])\s+", text)) if "?" in s), last)
    if not question:
        return None
    question = bounded(question, keep_end=True)  # a question is asked at its end
    wh, cues = (_VI_WH, _VI_RX) if lang == "vi" else (_EN_WH, _EN_RX)
    yesno = (_VI_YESNO if lang == "vi" else _EN_YESNO).search(question)
    if yesno and not re.search(r"\b(?:gì|nào|đâu|what|which|any|to)\b", yesno.group(3), re.I) \
            and not wh.search(question[:yesno.start()]):
        predicate = "fear" if yesno.group(2) else _YESNO_PREDICATE.get(yesno.group(1).lower(), "likes")
        return Question(None, predicate, yesno.group(3))
    if not wh.search(question):
        return None
    for rx, category in cues:
        if rx.search(question):
            if _FAVORITE.search(question):
                predicate = "favorite"
            elif category == "pet" or (_HAS.search(question) and category in ("pet", "toy")):
                predicate = "has"
            else:
                predicate = "likes"
            return Question(category, predicate)
    return None
