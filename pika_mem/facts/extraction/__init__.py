"""Rule-based, bilingual (vi/en) fact extraction from a child's conversation.

extract_facts(messages) walks the turns in order: assistant turns only set context
(what was just asked), user turns are split into sentences and clauses and read by
the rules of their language. Pure standard library, no model, no network.
"""
from __future__ import annotations

import re

from pika_mem.facts.extraction import english, vietnamese
from pika_mem.facts.extraction.categorize import strip_articles
from pika_mem.facts.extraction.context import read_question
from pika_mem.facts.extraction.drafts import Draft, finish
from pika_mem.facts.extraction.objects import Scene, read_objects, is_chatter, strip_fillers
from pika_mem.facts.extraction.text import (NUMBER_RX, bounded, clauses, detect_lang, nfc, sentences,
                                            to_number, trim_object)
from pika_mem.facts.model import ExtractedFact, normalize_object
from pika_mem.facts.pii import mask_pii

__all__ = ["extract_facts"]

_RULES = {"en": english.extract, "vi": vietnamese.extract}
# When one conversation says the same thing twice, keep the strongest reading.
_STRENGTH = {"favorite": 3, "has": 2, "likes": 1, "dislikes": 1}


def extract_facts(messages: list[dict]) -> list[ExtractedFact]:
    """Facts stated by the child in these messages, in the order they were said."""
    found: dict[tuple[str, str, bool], tuple[Draft, str]] = {}
    question = None
    conversation_lang = "en"
    antecedent: str | None = None
    for message in messages:
        content = nfc(mask_pii(str(message.get("content") or "")))
        lang = detect_lang(content) or conversation_lang
        conversation_lang = lang
        if message.get("role") == "assistant":
            question = read_question(content, lang)
            continue
        if message.get("role") != "user":
            continue
        turn, antecedent = _read_user_turn(content, lang, question, antecedent)
        for draft in turn:
            _keep(found, draft, lang)
        question = None  # a question is answered by the next user turn only
    return [finish(d, lang) for d, lang in found.values()]


def _read_user_turn(content: str, lang: str, question, antecedent: str | None):
    """(drafts of one user message, what "it" refers to afterwards)."""
    out_all: list[Draft] = []
    if question and question.about and not re.fullmatch(r"(?i)it|that|this|nó|cái đó", question.about):
        antecedent = trim_object(question.about, lang)  # "Do you like X?" — "Yes, I love it!"
    first = True
    for sentence in sentences(content):
        if sentence.rstrip().endswith("?"):
            first = False  # the child asking something states nothing
            continue
        retracted, then_predicate = None, "likes"
        for clause in clauses(sentence, lang):
            clause = bounded(clause)  # the rules' work per clause is bounded: linear overall
            scene = Scene(lang=lang, context=question if first else None, antecedent=antecedent,
                          sentence=sentence, retracted_category=retracted, then_predicate=then_predicate)
            out = _RULES[lang](clause, scene)
            if not out and first and question and question.about:
                out = _yes_no_answer(clause, scene)
            elif not out and first and question and question.category and not is_chatter(clause):
                out = _bare_answer(clause, scene)
            if not out and retracted:
                out = _but_now(clause, scene, retracted)
            retracted, then_predicate = scene.retracted_category, scene.then_predicate
            if not is_chatter(clause):
                first = False
            out_all += out
            antecedent = _last_mention(out, scene) or antecedent
    return out_all, antecedent


_YES = re.compile(r"^(?:yes|a little|a bit|kind of|hơi hơi|yeah|yep|yup|sure|of course|i do|dạ có|có|có ạ|dạ|vâng|ừ|thích|dạ thích|"
                  r"con có|có chứ|thích lắm)\b", re.I)
_NO = re.compile(r"^(?:no|nope|not really|i don't|never|không|dạ không|không ạ|con không|chưa|"
                 r"không thích)\b", re.I)


def _yes_no_answer(clause: str, scene: Scene) -> list[Draft]:
    """"No!" to "Do you like broccoli?" is a dislike; "Yes" a like (or has)."""
    text = clause.strip(" .!?,~…")
    q = scene.context
    if len(text.split()) > 4:
        return []
    scene.context = None  # the thing asked about gets classified on its own merits
    about = scene.antecedent if re.fullmatch(r"(?i)it|that|this|them|nó|cái đó", q.about) else q.about
    if not about:
        return []
    if _NO.match(text):
        return [] if q.predicate in ("has", "fear") else read_objects(about, scene, "dislikes")
    if _YES.match(text):
        category = q.predicate if q.predicate == "fear" else None
        return read_objects(about, scene, q.predicate, category)
    return []


# Lower-case only, so that a title such as "Let It Go" still counts as an answer.
_NOT_AN_ANSWER = re.compile(
    r"\bI\b|\b(?:me|you|we|it|let|think|know|guess|don't|not|is|are|was|biết|nghĩ|chưa|không|hỏi)\b")


def _bare_answer(clause: str, scene: Scene) -> list[Draft]:
    """"Pink!" after "What's your favourite colour?": the answer takes the question's slot."""
    text = re.sub(r"^(?i:it's|it is|that's|nó là|là|đó là|i think|con nghĩ là)\s+", "", strip_fillers(clause))
    if not text or len(trim_object(text, scene.lang).split()) > 7:
        return []
    q = scene.context
    if _NOT_AN_ANSWER.search(text):
        return []  # "let me think", "con không biết": talk about the question, not an answer
    if q.category == "age":
        m = re.match(rf"^({NUMBER_RX})\b", text, re.I)
        return [Draft("age", to_number(m.group(1)), "age")] if m else []
    if q.category in ("name", "birthday", "school", "grade", "lives_in", "dream", "family"):
        obj = strip_articles(re.sub(r"^(?:in|at|ở|tại)\s+", "", trim_object(text, scene.lang), flags=re.I),
                             scene.lang)
        return [Draft(q.category, obj, q.category)] if obj and not is_chatter(obj) else []
    return read_objects(text, scene, q.predicate, None)


def _but_now(clause: str, scene: Scene, category: str) -> list[Draft]:
    """"…but now unicorns" / "…nhưng giờ là con thỏ" after a retraction."""
    text = strip_fillers(clause)
    m = re.match(r"(?i:(?:but |nhưng |mà )?(?:now|giờ|bây giờ|hiện giờ)(?:,? (?:it's|it is|là|thì là|thì))? )(.+)", text)
    if not m or _NOT_AN_ANSWER.search(m.group(1)) or re.search(r"\b(?:thích|mê|hết|like|love)\b", m.group(1)):
        return []
    scene.context = None
    predicate = scene.then_predicate
    return read_objects(m.group(1), scene, predicate) or read_objects(m.group(1), scene, predicate, category)


def _last_mention(out: list[Draft], scene: Scene) -> str | None:
    if out:
        return out[-1].object
    if scene.mentions and scene.mentions[-1]:
        return scene.mentions[-1]
    return None


def _keep(found: dict, draft: Draft, lang: str) -> None:
    key = (draft.category, normalize_object(draft.object), draft.retracts)
    old = found.get(key)
    if old is None or _STRENGTH.get(draft.predicate, 0) >= _STRENGTH.get(old[0].predicate, 0):
        found.pop(key, None)
        found[key] = (draft, lang)
