"""Pure read-path logic: query intent, re-ranking, the L2 favourites answer."""
from __future__ import annotations

from pika_mem.read import query_intent
from pika_mem.read.cache_layers import favorites_answer
from pika_mem.read.search import rerank


def test_intent_names_categories_strongest_first_in_both_languages():
    assert query_intent.parse("món ăn yêu thích của bé").categories[0] == "food"
    assert query_intent.parse("favorite movie").categories == ("movie",)
    vi = query_intent.parse("bé có nuôi thú cưng không")
    assert vi.categories[0] == "pet" and not vi.dislikes


def test_intent_separates_likes_from_dislikes():
    likes = query_intent.parse("what food does she love")
    hates = query_intent.parse("what food does she not like? doesn't like")
    assert likes.favorites and not likes.dislikes
    assert hates.dislikes and not hates.favorites
    assert query_intent.parse("bé ghét ăn gì").dislikes


def test_intent_of_a_plain_question_names_nothing():
    intent = query_intent.parse("hello there")
    assert intent == query_intent.Intent((), False, False)


def test_normalize_query_is_the_cache_identity():
    assert query_intent.normalize_query("  Favorite   MOVIE?! ") == "favorite movie"


def _hit(id_, category, obj, score, polarity="+", importance=3):
    return {"id": id_, "category": category, "object": obj, "score": score,
            "polarity": polarity, "importance": importance}


def test_rerank_lifts_the_category_asked_and_the_object_named():
    hits = [_hit("a", "toy", "lego", 0.50), _hit("b", "pet", "cat", 0.40),
            _hit("c", "food", "pizza", 0.30)]
    ranked = rerank("does she have a pet", hits, query_intent.parse("does she have a pet"))
    assert ranked[0]["id"] == "b"
    named = rerank("pizza", hits, query_intent.parse("pizza"))
    assert named[0]["id"] == "c"


def test_rerank_prefers_dislikes_when_asked_and_likes_otherwise():
    hits = [_hit("like", "food", "rice", 0.5, "+"), _hit("dis", "food", "okra", 0.5, "-")]
    asked = "what food does he hate"
    assert rerank(asked, hits, query_intent.parse(asked))[0]["id"] == "dis"
    plain = "food"
    assert rerank(plain, hits, query_intent.parse(plain))[0]["id"] == "like"


def test_rerank_importance_breaks_a_tie():
    hits = [_hit("low", "food", "rice", 0.5, importance=1), _hit("high", "allergy", "peanut", 0.5, importance=5)]
    assert rerank("x", hits, query_intent.parse("x"))[0]["id"] == "high"


def _record(summary):
    return {"summary": {"summary": summary, "dislikes": {}, "profile": {}}}


def _item(obj, importance=3):
    return {"id": f"id-{obj}", "object": obj, "text": f"Likes {obj}", "importance": importance,
            "since": "2026-01-01T00:00:00+00:00"}


def test_favorites_answer_serves_the_categories_asked():
    record = _record({"food": [_item("pho")], "pet": [_item("cat", 4)]})
    intent = query_intent.parse("favorite food")
    out = favorites_answer(record, intent, 10, None)
    assert [r["object"] for r in out] == ["pho"] and out[0]["category"] == "food"
    assert favorites_answer(record, intent, 10, ["pet"])[0]["object"] == "cat"


def test_favorites_answer_is_none_when_the_summary_lacks_the_category():
    record = _record({"food": [_item("pho")]})
    assert favorites_answer(record, query_intent.parse("favorite movie"), 10, None) is None


def test_favorites_answer_respects_the_limit_and_scores_by_importance():
    record = _record({"food": [_item("a", 5), _item("b", 1), _item("c", 3)]})
    out = favorites_answer(record, query_intent.parse("what does she like"), 2, None)
    assert len(out) == 2 and out[0]["score"] > out[1]["score"]
