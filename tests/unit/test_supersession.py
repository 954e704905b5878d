"""Supersession plan, and the favourites summary of what it leaves: pure functions."""
from datetime import datetime, timezone

from pika_mem.facts.model import normalize_object
from pika_mem.facts.supersession import plan
from pika_mem.read.favorites import compute_summary

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def favorites_view(active: list[dict]) -> dict[str, list[str]]:
    """The objects of the summary production builds from these active facts."""
    rows = [dict(f, text=f["object"], importance=3, valid_from=T0) for f in active]
    return {c: [i["object"] for i in items] for c, items in compute_summary(rows)["summary"].items()}


def fact(id, category, predicate, obj, polarity="+", retracts=False):
    return {"id": id, "category": category, "predicate": predicate,
            "object": normalize_object(obj), "polarity": polarity, "retracts": retracts}


def test_new_favourite_closes_old_favourite_of_same_category_only():
    active = [fact("1", "movie", "favorite", "Frozen"), fact("2", "character", "favorite", "Olaf"),
              fact("3", "movie", "likes", "Cars")]
    assert plan(active, [fact("4", "movie", "favorite", "Moana")]) == [("1", "4")]


def test_single_valued_profile_slots_supersede():
    active = [fact("a", "age", "age", "6"), fact("n", "name", "name", "Bông"), fact("f", "fear", "fear", "ma")]
    assert plan(active, [fact("b", "age", "age", "7")]) == [("a", "b")]
    # fears and allergies add up: not single-valued
    assert plan(active, [fact("g", "fear", "fear", "bóng tối")]) == []


def test_same_id_is_idempotent():
    active = [fact("1", "movie", "favorite", "Frozen"), fact("2", "food", "likes", "pizza")]
    assert plan(active, [fact("1", "movie", "favorite", "Frozen")]) == []
    assert plan(active, [fact("2", "food", "likes", "pizza")]) == []


def test_likes_and_dislikes_of_same_object_close_each_other():
    active = [fact("1", "food", "dislikes", "cà rốt", "-"), fact("2", "food", "likes", "pizza")]
    assert plan(active, [fact("3", "food", "likes", "cà rốt")]) == [("1", "3")]
    assert plan(active, [fact("4", "food", "dislikes", "pizza", "-")]) == [("2", "4")]
    # another category, same word: untouched
    assert plan(active, [fact("5", "color", "likes", "cà rốt")]) == []


def test_retraction_closes_positive_facts_about_the_object():
    active = [fact("1", "animal", "likes", "con voi"), fact("2", "animal", "likes", "con hươu cao cổ"),
              fact("3", "pet", "has", "mèo")]
    new = fact("9", "animal", "dislikes", "con voi", "-", retracts=True)
    assert plan(active, [new]) == [("1", "9")]


def test_retraction_matches_across_categories_on_the_same_object():
    active = [fact("1", "character", "likes", "Peppa"), fact("2", "movie", "favorite", "Frozen")]
    assert plan(active, [fact("9", "movie", "dislikes", "Peppa", "-", retracts=True)]) == [("1", "9")]


def test_retraction_with_unknown_category_matches_whole_words():
    active = [fact("1", "food", "likes", "kem dâu"), fact("2", "food", "likes", "kẹo")]
    assert plan(active, [fact("9", "", "dislikes", "kem", "-", retracts=True)]) == [("1", "9")]


def test_later_fact_in_batch_supersedes_earlier_one():
    new = [fact("a", "color", "favorite", "màu hồng"), fact("b", "color", "favorite", "màu tím")]
    assert plan([], new) == [("a", "b")]


def test_favorites_view_positive_favourites_in_insertion_order():
    active = [fact("1", "food", "likes", "kem dâu"), fact("2", "food", "dislikes", "rau muống", "-"),
              fact("3", "name", "name", "Bông"), fact("4", "food", "favorite", "cà rốt"),
              fact("5", "pet", "has", "mèo"), fact("6", "food", "likes", "cà rốt"),
              fact("7", "allergy", "allergy", "tôm")]
    assert favorites_view(active) == {"food": ["kem dâu", "cà rốt"], "pet": ["mèo"]}


def test_replay_of_a_child_history():
    history = [
        [fact("f", "movie", "favorite", "Frozen"), fact("o", "character", "favorite", "Olaf")],
        [fact("m", "movie", "favorite", "Moana"), fact("d", "fear", "fear", "the dark")],
    ]
    active: list[dict] = []
    for batch in history:
        closed = {old for old, _ in plan(active, batch)}
        active = [a for a in active if a["id"] not in closed] + batch
    assert favorites_view(active) == {"character": ["olaf"], "movie": ["moana"]}
