"""Which favourites category an object belongs to, and its clean surface form.

Evidence, strongest first: a head noun the child used ("phim X", "X toy", "the color
X"), a verb in front of it ("ăn", "playing", "nghe"), the lexicon, then the category
the companion just asked about. Vietnamese puts the head first ("kem dâu" is a kem),
English last ("strawberry ice cream" is an ice cream), so lexicon scans run that way.
"""
from __future__ import annotations

import re

from pika_mem.facts.extraction.lexicon import categories_of, MAX_TERM_WORDS

# (pattern, category, keep): keep=False drops the head noun from the object
# ("phim Doraemon" → "Doraemon"); "title" drops it only before a capitalised title.
_VI_HEADS = [
    (r"(?:bộ )?phim hoạt hình |(?:bộ )?phim |hoạt hình ", "movie", False),
    (r"(?:bài hát |bài nhạc |bài )", "music", False),
    (r"(?:đồ chơi |món đồ chơi )", "toy", False),
    (r"(?:trò chơi |game |trò )", "game", False),
    (r"nhân vật ", "character", False),
    (r"(?:siêu anh hùng |siêu nhân |công chúa )", "character", "title"),
    (r"môn thể thao ", "sport", False),
    (r"(?:môn học |môn )", "subject", True),
    (r"màu ", "color", True),
    (r"(?:quyển sách |cuốn sách |quyển truyện |cuốn truyện |sách |truyện tranh |truyện )",
     "book", "title"),
    (r"(?:món ăn |món )", "food", False),
    (r"(?:thành phố |tỉnh |nước )", "travel", "title"),
]
_EN_PREFIX = [
    (r"the (?:colou?r) |colou?r ", "color", False),
    (r"the (?:movie|film|cartoon|show) ", "movie", False),
    (r"the song ", "music", False),
    (r"the (?:book|story) ", "book", False),
    (r"the game ", "game", False),
]
_EN_SUFFIX = [
    (r" (?:toys?|doll|dolls|figures?|action figures?|plushies?|set|lego)", "toy", True),
    (r" (?:movies?|films?|cartoons?|shows?)", "movie", "title"),
    (r" (?:songs?|music)", "music", "title"),
    (r" (?:books?|comics?|stories|series)", "book", "title"),
    (r" (?:games?)", "game", "title"),
    (r" (?:rides?)", "activity", True),
    (r" (?:class|lessons?)", "subject", False),
]
_VI_HEAD_RX = [(re.compile(rf"^(?:{p})(?=\S)", re.I), c, k) for p, c, k in _VI_HEADS]
_EN_PREFIX_RX = [(re.compile(rf"^(?:{p})(?=\S)", re.I), c, k) for p, c, k in _EN_PREFIX]
_EN_SUFFIX_RX = [(re.compile(rf"(?<=\S)(?:{p})$", re.I), c, k) for p, c, k in _EN_SUFFIX]

# Verbs in front of an object: the category they imply, and whether to keep them.
_VI_VERBS = [
    (re.compile(r"^(?:ăn|uống|được ăn)\s+", re.I), "food", False),
    (re.compile(r"^(?:xem|coi)\s+(?!ti ?vi|tv|điện thoại|ipad)", re.I), "movie", False),
    (re.compile(r"^nghe\s+(?:nhạc\s+(?=[A-ZĐ])|)", re.I), "music", False),
    (re.compile(r"^đọc\s+(?=\S)", re.I), "book", False),
    (re.compile(r"^học\s+(?=\S)", re.I), "subject", False),
    (re.compile(r"^chơi\s+(?=\S)", re.I), "play", False),
    (re.compile(r"^(?:nuôi)\s+", re.I), "pet", False),
]
_EN_VERBS = [
    (re.compile(r"^(?:to )?(?:eat|eating|drink|drinking)\s+", re.I), "food", False),
    (re.compile(r"^(?:to )?(?:watch|watching)\s+(?!tv\b)", re.I), "movie", False),
    (re.compile(r"^(?:to )?(?:listen|listening)\s+to\s+", re.I), "music", False),
    (re.compile(r"^(?:to )?(?:read|reading)\s+(?=\S)", re.I), "book", False),
    (re.compile(r"^(?:to )?(?:learn|learning|study|studying)\s+", re.I), "subject", False),
    (re.compile(r"^(?:to )?(?:play|playing)\s+(?:with\s+)?(?:the\s+|my\s+)?(?=\S)", re.I), "play", False),
    (re.compile(r"^(?:to )?(?:going|go)\s+to\s+(?:the\s+)?(?=\S)", re.I), "place", False),
]
# A Vietnamese verb phrase the child likes doing is an activity ("đi biển", "vẽ").
_VI_ACTIVITY_VERB = re.compile(
    r"^(?:đi|vẽ|tô|hát|múa|nhảy|nấu|làm|xây|trồng|tưới|câu|đạp|cắm|leo|nặn|gấp|xếp|thả|"
    r"chạy|tắm|ngủ|bơi|học|đọc|xem|nghe|chơi|trượt|đá|ném|bắt|kể|viết|lắp|ghép|mặc|đánh|"
    r"giúp|tập|ăn|uống|nuôi|trang điểm|hóa trang|ngắm|đếm|sưu tầm)\b", re.I)
_EN_ACTIVITY = re.compile(r"^(?:to\s+)?[a-z]+ing\b|^to\s+[a-z]+", re.I)
_ARTICLES_EN = re.compile(r"^(?:a|an|the|some|my|our|his|her|these|those|this|that|"
                          r"one|two|three|four|five|lots of|a lot of|many|all|both|all the|any)\s+", re.I)
_ARTICLES_VI = re.compile(r"^(?:một|hai|ba|bốn|năm|mấy|những|các|nhiều|cái|chiếc|quyển|cuốn|"
                          r"bộ|bạn|em|chú|bé|(?-i:cả))\s+(?=\S)", re.I)
_GENERIC = frozenset((
    "books", "book", "stories", "comics", "songs", "music", "cartoons", "movies", "films", "tv",
    "games", "video games", "sách", "truyện", "nhạc", "phim", "tivi", "ti vi", "game"))
_PLAY_ORDER = ("sport", "game", "toy", "music")


def _lex_lookup(obj: str, lang: str, prefer: tuple[str, ...]) -> str | None:
    words = obj.lower().split()
    if not words:
        return None
    candidates = [" ".join(words)]
    if lang == "en":
        candidates += [_singular(" ".join(words))]
    for cand in candidates:
        cats = categories_of(cand)
        if cats:
            return _pick(cats, prefer)
    n = len(words)
    starts = range(n) if lang == "vi" else range(n - 1, -1, -1)
    for size in range(min(MAX_TERM_WORDS, n), 0, -1):
        hits = [(s, categories_of(" ".join(words[s:s + size]))) for s in starts if s + size <= n]
        hits = [h for h in hits if h[1]]
        if hits:
            return _pick(hits[0][1], prefer)
    return None


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[-3:-2] in "sxzh":
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _pick(cats: tuple[str, ...], prefer: tuple[str, ...]) -> str:
    for p in prefer:
        if p in cats:
            return p
    return cats[0]


def _is_title(text: str) -> bool:
    return bool(text) and text[0].isupper()


def strip_articles(obj: str, lang: str) -> str:
    rx = _ARTICLES_VI if lang == "vi" else _ARTICLES_EN
    for _ in range(2):
        obj = rx.sub("", obj)
    return obj


def classify(obj: str, lang: str, context: str | None = None) -> tuple[str | None, str]:
    """(category or None, object as it should be stored)."""
    obj = strip_articles(obj.strip(), lang)
    prefer = (context,) if context else ()
    for rx, cat, keep in (_VI_VERBS if lang == "vi" else _EN_VERBS):
        m = rx.match(obj)
        if m:
            rest = strip_articles(obj[m.end():], lang)
            if cat == "play":
                found = _lex_lookup(rest, lang, prefer + _PLAY_ORDER)
                if found in _PLAY_ORDER:  # after "chơi"/"play" comes a thing, not a verb
                    return found, rest
                if found == "activity":
                    return classify(rest, lang, found)[0] or found, rest
                return "activity", obj
            if cat == "place":  # "going to bed" is not a place
                sub, clean = classify(rest, lang)
                return (sub, clean) if sub in ("place", "travel") else ("activity", obj)
            if rest.lower() in _GENERIC:  # "reading books", "nghe nhạc": the doing is the fact
                return "activity", obj
            sub, clean = classify(rest, lang, cat)
            if cat == "pet":
                return ("pet" if sub in ("animal", None) else sub), clean
            if cat == "subject" and sub != "subject":
                return "activity", obj
            return (sub if sub and cat in ("book", "music") and sub in ("book", "music") else cat), clean
    if lang == "vi":
        for rx, cat, keep in _VI_HEAD_RX:
            m = rx.match(obj)
            if m:
                rest = obj[m.end():]
                if cat == "food" and rest.lower().startswith("đồ chơi"):
                    continue
                if keep is True or (keep == "title" and not _is_title(rest)):
                    return cat, obj
                return cat, rest
        if obj.lower().startswith("con ") and len(obj.split()) > 1:
            rest = obj[4:]
            cat = _lex_lookup(rest, lang, prefer + ("animal",))
            if cat in ("animal", "pet") or cat is None:
                return ("animal" if context != "pet" else "pet"), obj
            return cat, rest
    else:
        for rx, cat, keep in _EN_PREFIX_RX:
            m = rx.match(obj)
            if m:
                return cat, obj[m.end():]
        for rx, cat, keep in _EN_SUFFIX_RX:
            m = rx.search(obj)
            if m:
                head = obj[:m.start()]
                if keep is True or (keep == "title" and not _is_title(head)):
                    return cat, obj
                return cat, head
    exact = categories_of(obj.lower())
    if exact:
        return _pick(exact, prefer), obj
    # A verb phrase is something the child does ("mặc váy công chúa", "riding horses"),
    # even when a noun inside it is in the lexicon.
    if lang == "vi" and _VI_ACTIVITY_VERB.match(obj):
        return "activity", obj
    if lang == "en" and _EN_ACTIVITY.match(obj) and not obj[0].isupper():
        return "activity", re.sub(r"^to\s+", "", obj)
    found = _lex_lookup(obj, lang, prefer)
    return (found or context), obj
