"""The JSON log formatter writes ids and counts, never a task's arguments or results."""
from __future__ import annotations

import json
import logging

from pika_mem.logs import JsonFormatter


def _line(**extra) -> dict:
    record = logging.LogRecord("celery.app.trace", logging.ERROR, __file__, 1,
                               "Task %(name)s[%(id)s] raised", {"name": "search.search_memories", "id": "t1"},
                               None)
    for k, v in extra.items():
        setattr(record, k, v)
    return json.loads(JsonFormatter().format(record))


def test_task_arguments_and_results_never_reach_a_log_line():
    line = _line(data={"args": ["tenant", "kid", "what is she allergic to?"], "kwargs": {}},
                 args_extra=["secret words"], retval=[{"object": "peanuts"}], job_id="j-1", facts=3)
    text = json.dumps(line, ensure_ascii=False)
    assert "allergic" not in text and "peanuts" not in text and "secret words" not in text
    assert line["job_id"] == "j-1" and line["facts"] == 3
    assert line["event"] == "Task search.search_memories[t1] raised"


def test_long_strings_are_cut():
    assert len(_line(reason="x" * 5000)["reason"]) == 200
