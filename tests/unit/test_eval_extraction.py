"""The extraction scorecard's scoring: matching, P/R/F1, aggregation per language, family
and class, favourites exactness and the PII check, on tiny hand-made inputs."""
import unicodedata

import pytest

from bench import eval_extraction
from bench.extraction_scoring import (Tally, FavouritesReplay, aggregate, favourites_exactness, per_category,
                                      pii_leaks, prf, same_favorites, same_object, score)
from pika_mem.facts.model import ExtractedFact


def f(category, obj, polarity="+"):
    return {"category": category, "object": obj, "polarity": polarity}


@pytest.mark.parametrize("got, want, same", [
    ("Kem Dâu!", "kem dâu", True),                                  # case, edge punctuation
    (unicodedata.normalize("NFD", "cà rốt"), "cà rốt", True),       # NFC
    ("kem dâu", "kem", True), ("kem", "kem dâu", True),             # containment either way
    ("  Frozen  2 ", "frozen 2", True),
    ("mèo", "chó", False), ("", "mèo", False), ("...", "mèo", False),
])
def test_same_object(got, want, same):
    assert same_object(got, want) is same


def test_score_needs_category_and_polarity_exact_and_is_one_to_one():
    pairs, fps, fns = score([f("food", "kem"), f("food", "kem dâu"), f("food", "rau", "-"), f("pet", "mèo", "-")],
                            [f("food", "kem dâu"), f("food", "rau", "-"), f("pet", "mèo"), f("animal", "chó")])
    assert [g["object"] for g, _ in pairs] == ["kem", "rau"]        # "kem" took "kem dâu" first
    assert fps == [f("food", "kem dâu"), f("pet", "mèo", "-")]      # polarity differs → no match
    assert fns == [f("pet", "mèo"), f("animal", "chó")]


def test_prf_and_empty_denominators():
    assert prf(2, 4, 8) == pytest.approx((0.5, 0.25, 1 / 3))
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(0, 3, 0) == (0.0, 1.0, 0.0)
    figs = Tally(0, 3, 0).figures()
    assert figs["precision"] == 0.0 and figs["recall"] is None and figs["extracted"] == 3
    assert Tally().figures()["f1"] is None


def test_per_category_attributes_each_side_to_its_category():
    cats, fps, fns = per_category([f("food", "kem"), f("fear", "ma")], [f("food", "kem"), f("allergy", "tôm")])
    assert cats == {"food": Tally(1, 1, 1), "fear": Tally(0, 1, 0), "allergy": Tally(0, 0, 1)}
    assert fps == [f("fear", "ma")] and fns == [f("allergy", "tôm")]


def test_aggregate_per_language_family_category_and_class():
    convs = [
        {"lang": "vi", "classes": ["cue_word", "safety_consequence"],
         "cats": {"food": Tally(1, 1, 1), "allergy": Tally(0, 0, 1), "name": Tally(1, 1, 1)}},
        {"lang": "en", "classes": ["cue_word"], "cats": {"fear": Tally(1, 2, 1), "movie": Tally(0, 1, 0)}},
        {"lang": "vi", "classes": ["no_fact"], "cats": {"toy": Tally(0, 1, 0)}},
    ]
    agg = aggregate(convs)
    assert agg["all"] == Tally(3, 6, 4)
    assert agg["lang"]["vi"] == Tally(2, 3, 3) and agg["lang"]["en"] == Tally(1, 3, 1)
    assert agg["lang"]["mixed"] == Tally() and agg["lang_convs"] == {"vi": 2, "en": 1, "mixed": 0}
    assert agg["family"]["profile"] == Tally(1, 1, 1)
    assert agg["family"]["favourites"] == Tally(1, 3, 1)
    assert agg["family"]["safety"] == Tally(1, 2, 2)
    assert agg["category"]["allergy"].figures()["recall"] == 0.0
    assert agg["class"]["cue_word"] == Tally(3, 5, 4) and agg["class_convs"]["cue_word"] == 2
    assert agg["class"]["safety_consequence"] == Tally(2, 2, 3)
    assert agg["class"]["no_fact"] == Tally(0, 1, 0)


def test_same_favorites_is_per_category_one_to_one_in_any_order():
    want = {"food": ["kem dâu", "cà rốt"], "pet": ["mèo"]}
    assert same_favorites({"pet": ["Mèo"], "food": ["cà rốt", "kem dâu!"]}, want)
    assert not same_favorites({"pet": ["mèo"], "food": ["kem dâu"]}, want)                 # one missing
    assert not same_favorites({"pet": ["mèo"], "food": ["kem dâu", "kem dâu"]}, want)      # not one-to-one
    assert not same_favorites({**want, "toy": ["lego"]}, want)                             # extra category
    assert same_favorites({}, {})


def test_favourites_exactness_per_child_is_the_final_summary():
    convs = [{"user_id": "a", "seq": 2, "fav_exact": True}, {"user_id": "a", "seq": 1, "fav_exact": False},
             {"user_id": "b", "seq": 1, "fav_exact": True}, {"user_id": "b", "seq": 2, "fav_exact": False}]
    assert favourites_exactness(convs) == {"conversations_exact": 2, "conversations": 4,
                                           "children_exact": 1, "children": 2}


def test_replay_supersedes_favourites_and_retractions_like_the_service():
    def fact(cat, pred, obj, pol="+", retracts=False):
        return ExtractedFact(category=cat, predicate=pred, object=obj, polarity=pol, text=obj, retracts=retracts)

    r = FavouritesReplay()
    assert r.add("a", [fact("movie", "favorite", "frozen"), fact("food", "likes", "kem")]) == \
        {"movie": ["frozen"], "food": ["kem"]}
    assert r.add("b", [fact("toy", "likes", "lego")]) == {"toy": ["lego"]}        # children apart
    assert r.add("a", [fact("movie", "favorite", "moana")]) == {"movie": ["moana"], "food": ["kem"]}
    assert r.add("a", [fact("food", "dislikes", "kem", "-", retracts=True)]) == {"movie": ["moana"]}


def test_pii_leaks_in_stored_text_masked_messages_and_long_digit_objects():
    row = {"messages": [{"role": "user", "content": "mẹ con là lan@example.com"}],
           "must_not_store": ["lan@example.com", "Nguyễn Thị Lan"]}
    clean = [ExtractedFact(category="family", predicate="family", object="mẹ", text="has family mẹ")]
    assert pii_leaks(row, clean) == []
    bad = [ExtractedFact(category="name", predicate="name", object="Nguyễn Thị Lan", text="name Nguyễn Thị Lan"),
           ExtractedFact(category="toy", predicate="likes", object="xe 0912345678", text="likes xe")]
    assert pii_leaks(row, bad) == ["Nguyễn Thị Lan", "digits in object 'xe 0912345678'"]
    unmasked = {"messages": [{"role": "user", "content": "mẹ con tên Nguyễn Thị Lan"}],
                "must_not_store": ["Nguyễn Thị Lan"]}  # a name is not masked: it survives
    assert pii_leaks(unmasked, clean) == ["Nguyễn Thị Lan"]


def test_the_test_split_is_frozen_however_it_is_named():
    assert eval_extraction.resolve("test")[2] is True
    assert eval_extraction.resolve(str(eval_extraction.TEST_DIR / "en_kids.jsonl"))[2] is True
    assert eval_extraction.resolve("train")[2] is False and eval_extraction.resolve("dev")[2] is False
