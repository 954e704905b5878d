"""Pure logic of the favourites summary, the public job view and settings parsing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pika_mem.config import _from_env, env_var_names, Settings
from pika_mem.ledger.jobs import describe
from pika_mem.read.favorites import compute_summary

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _fact(i, category, obj, predicate="likes", polarity="+", importance=3, age_days=0):
    return {"id": f"f{i}", "category": category, "object": obj, "text": obj, "predicate": predicate,
            "polarity": polarity, "importance": importance, "valid_from": T0 - timedelta(days=age_days)}


def test_summary_splits_favourites_dislikes_and_profile():
    out = compute_summary([
        _fact(1, "food", "pho"), _fact(2, "food", "okra", "dislikes", "-"),
        _fact(3, "allergy", "peanuts", "allergy", importance=5), _fact(4, "pet", "cat", "has"),
        _fact(5, "movie", "Frozen", "favorite")])
    assert [i["object"] for i in out["summary"]["food"]] == ["pho"]
    assert [i["object"] for i in out["dislikes"]["food"]] == ["okra"]
    assert [i["object"] for i in out["profile"]["allergy"]] == ["peanuts"]
    assert set(out["summary"]) == {"food", "pet", "movie"}
    assert "allergy" not in out["summary"]


def test_summary_orders_by_importance_then_recency():
    out = compute_summary([_fact(1, "toy", "old", age_days=5), _fact(2, "toy", "new", age_days=0),
                           _fact(3, "toy", "vital", importance=5, age_days=9)])
    assert [i["object"] for i in out["summary"]["toy"]] == ["vital", "new", "old"]


def test_summary_of_nothing_is_empty():
    assert compute_summary([]) == {"summary": {}, "dislikes": {}, "profile": {}}


def _job(**over):
    job = {"id": "j1", "user_id": "u", "kind": "extract", "status": "completed", "messages_count": 2,
           "facts_extracted": 3, "facts_new": 2, "facts_superseded": 1, "facts_embedded": 3,
           "error": None, "created_at": T0, "extracting_at": T0 + timedelta(milliseconds=10),
           "embedding_at": T0 + timedelta(milliseconds=30), "finishing_at": T0 + timedelta(milliseconds=80),
           "completed_at": T0 + timedelta(milliseconds=100), "updated_at": T0 + timedelta(milliseconds=100)}
    job.update(over)
    return job


def test_describe_gives_stage_timings_and_counts():
    view = describe(_job())
    assert view["timings_ms"] == {"queued": 10.0, "extracting": 20.0, "embedding": 50.0,
                                  "finishing": 20.0, "total": 100.0}
    assert view["counts"]["facts_superseded"] == 1 and view["status"] == "completed"


def test_describe_of_an_unfinished_job_leaves_unknown_timings_empty():
    view = describe(_job(status="extracting", embedding_at=None, finishing_at=None, completed_at=None))
    assert view["timings_ms"]["queued"] == 10.0
    assert view["timings_ms"]["total"] is None and view["timings_ms"]["embedding"] is None


def test_settings_parse_types_from_the_environment():
    s = _from_env({"GRAPH_ENABLED": "no", "EMBEDDING_BATCH_SIZE": "8",
                   "SEARCH_TIMEOUT_SECONDS": "1.5", "RATE_LIMIT": "10/second"})
    assert s.graph_enabled is False and s.embedding_batch_size == 8
    assert s.search_timeout_seconds == 1.5 and s.rate_limit == "10/second"
    assert _from_env({}) == Settings()


def test_settings_refuse_a_malformed_number():
    with pytest.raises(ValueError):
        _from_env({"EMBEDDING_BATCH_SIZE": "many"})


def test_every_setting_has_an_env_var_documented_in_readme():
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [name for name in env_var_names() if f"`{name}`" not in readme]
    assert missing == []
