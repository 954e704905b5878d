"""What a search query asks about: categories, favourites, dislikes — both languages.

Pure and fast (runs in the API for the L2 decision and in worker-memory for
re-ranking). Cues are words a companion uses when it asks about a child.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# category → cues (lower-case, NFC). Longer cues win over shorter ones.
_CUES: dict[str, tuple[str, ...]] = {
    "pet": ("nuôi", "thú cưng", "pet", "pets"),
    "animal": ("con vật", "con thú", "động vật", "animal", "animals"),
    "food": ("món ăn", "đồ ăn", "thức ăn", "ăn gì", "ăn", "món", "food", "foods", "eat",
             "dish", "snack", "snacks"),
    "friend": ("bạn thân", "bạn bè", "bạn", "friend", "friends", "best friend", "bff"),
    "movie": ("phim", "hoạt hình", "movie", "movies", "film", "films", "cartoon", "cartoons", "show"),
    "character": ("nhân vật", "siêu anh hùng", "siêu nhân", "character", "characters",
                  "superhero", "superheroes", "hero", "princess"),
    "music": ("bài hát", "âm nhạc", "nhạc", "ca sĩ", "song", "songs", "music", "singer", "sing"),
    "book": ("sách", "truyện", "book", "books", "story", "stories", "read"),
    "game": ("trò chơi", "game", "games", "video game", "video games"),
    "toy": ("đồ chơi", "toy", "toys", "doll"),
    "color": ("màu sắc", "màu", "color", "colors", "colour", "colours"),
    "sport": ("thể thao", "sport", "sports"),
    "subject": ("môn học", "môn", "subject", "subjects", "class at school"),
    "activity": ("làm gì", "sở thích", "hoạt động", "hobby", "hobbies", "activity",
                 "activities", "for fun", "like to do", "likes to do", "like doing"),
    "travel": ("du lịch", "chuyến đi", "đi chơi ở", "travel", "trip", "trips", "vacation",
               "holiday", "visited", "visit"),
    "place": ("địa điểm", "nơi", "place", "places", "park"),
    "name": ("tên", "tên là gì", "name", "called"),
    "age": ("bao nhiêu tuổi", "mấy tuổi", "tuổi", "how old", "age"),
    "birthday": ("sinh nhật", "ngày sinh", "birthday", "born"),
    "school": ("trường", "school"),
    "grade": ("lớp mấy", "lớp", "grade", "year at school"),
    "lives_in": ("sống ở", "ở đâu", "nhà ở", "live", "lives", "living", "where does", "hometown"),
    "family": ("gia đình", "bố", "mẹ", "anh trai", "chị gái", "em trai", "em gái", "family",
               "brother", "sister", "mom", "dad", "parents", "siblings"),
    "allergy": ("dị ứng", "allergy", "allergies", "allergic"),
    "fear": ("sợ", "afraid", "scared", "fear", "fears", "frightened"),
    "dream": ("ước mơ", "mơ ước", "lớn lên", "muốn làm", "muốn trở thành", "want to be",
              "wants to be", "dream", "grow up", "when he grows", "when she grows", "job"),
}
_FAVORITE = ("yêu thích", "thích nhất", "ưa thích", "nhất", "thích", "mê", "yêu", "khoái",
             "favorite", "favourite", "favorites", "favourites", "like", "likes", "love",
             "loves", "best", "prefer", "number one")
_DISLIKE = ("không thích", "chẳng thích", "ghét", "sợ ăn", "không ăn", "dislike", "dislikes",
            "don't like", "doesn't like", "does not like", "do not like", "hate", "hates",
            "can't stand")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def _pattern(cues) -> re.Pattern:
    alts = sorted(set(cues), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(c) for c in alts) + r")(?!\w)")


_CUE_RX = {cat: _pattern(cues) for cat, cues in _CUES.items()}
_FAV_RX = _pattern(_FAVORITE)
_DISLIKE_RX = _pattern(_DISLIKE)


@dataclass(frozen=True)
class Intent:
    categories: tuple[str, ...]  # categories the query names, strongest first
    favorites: bool              # asks what the child likes
    dislikes: bool               # asks what the child does not like


def parse(query: str) -> Intent:
    """Categories named in the query and whether it asks for likes or dislikes."""
    q = _norm(query)
    found: list[tuple[int, str]] = []
    for cat, rx in _CUE_RX.items():
        m = max((len(x.group(0)) for x in rx.finditer(q)), default=0)
        if m:
            found.append((m, cat))
    found.sort(key=lambda t: -t[0])
    dislikes = bool(_DISLIKE_RX.search(q))
    favorites = not dislikes and bool(_FAV_RX.search(q))
    return Intent(tuple(c for _, c in found), favorites, dislikes)


def normalize_query(query: str) -> str:
    """The cache identity of a query: NFC, lower-case, single spaces, no edge punctuation."""
    return _norm(query).strip(" ?!.,;:")
