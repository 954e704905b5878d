"""Per-queue time limits: the setting, every task's limits, the threads-pool watchdog."""
from __future__ import annotations

import threading
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from pika_mem import time_limits
from pika_mem.queues import QUEUES
from pika_mem.time_limits import TimeLimit


def test_every_queue_has_a_default_soft_limit_below_its_hard_limit():
    limits = time_limits.by_queue("")
    assert set(limits) == set(QUEUES)
    for queue, limit in limits.items():
        assert limit.soft is not None and 0 < limit.soft < limit.hard, queue
    assert limits["extraction"] == TimeLimit(60, 90)
    assert limits["embedding"].hard > limits["extraction"].hard
    assert limits["search"].hard <= 10


def test_a_setting_overrides_only_the_queues_it_names():
    limits = time_limits.by_queue("extraction=1:30, search=0:2.5")
    assert limits["extraction"] == TimeLimit(1, 30)
    assert limits["search"] == TimeLimit(None, 2.5)  # soft 0: none
    assert limits["embedding"] == time_limits.by_queue("")["embedding"]


@pytest.mark.parametrize("spec, says", [
    ("extraction=60", "queue=soft:hard"), ("extracton=1:2", "unknown queue"),
    ("search=5:5", "below its hard limit"), ("search=0:0", "above 0"),
    ("search=-1:5", "queue=soft:hard")])
def test_nonsense_is_refused_saying_why(spec, says):
    with pytest.raises(ValueError, match=says):
        time_limits.parse(spec)


def test_every_task_has_the_limits_of_its_queue():
    from tasks.app import app
    app.loader.import_default_modules()
    app.finalize()
    limits = time_limits.by_queue()
    ours = {n: t for n, t in app.tasks.items() if not n.startswith("celery.")}
    assert len(ours) >= 10
    queue_of = {"pipeline": "favorites"}
    for name, task in ours.items():
        prefix = name.split(".")[0]
        limit = limits[queue_of.get(prefix, prefix)]
        assert (task.soft_time_limit, task.time_limit) == (limit.soft, limit.hard), name
    assert ours["extraction.extract_facts"].job_stage == "extraction"
    assert ours["pipeline.finish_job"].job_stage == "finishing"
    # Messages carry no limit (Celery would copy the publisher's): the worker applies its own.
    for name, task in ours.items():
        options = task._get_exec_options()
        assert "time_limit" not in options and "soft_time_limit" not in options, name
    assert ours["pipeline.finish_job"].job_stage == "finishing"


def test_the_error_names_the_stage_and_the_limit():
    soft = time_limits.describe("extraction", TimeLimit(60, 90), hard=False)
    hard = time_limits.describe("extraction", TimeLimit(60, 90), hard=True)
    assert "extraction" in soft and "soft time limit (60 s)" in soft
    assert "extraction" in hard and "hard time limit (90 s)" in hard


@pytest.mark.timeout(30)
def test_the_watchdog_interrupts_a_thread_past_its_soft_limit():
    """The threads pool (worker-memory) enforces no limit of its own."""
    from tasks.limits import Watchdog
    dog = Watchdog()
    dog.start()
    outcome = {}

    def task():
        armed = dog.arm("embedding.embed_facts", 0.2, 10)
        started = time.monotonic()
        try:
            while time.monotonic() - started < 15:  # pure Python work, never yielding
                sum(range(100))
            outcome["end"] = "ran to the end"
        except SoftTimeLimitExceeded:
            outcome["end"] = "interrupted"
            outcome["after"] = time.monotonic() - started
        finally:
            dog.disarm(armed)

    worker = threading.Thread(target=task)
    worker.start()
    worker.join(20)
    assert outcome["end"] == "interrupted"
    assert outcome["after"] >= 0.2


@pytest.mark.timeout(30)
def test_the_watchdog_leaves_a_task_that_finished_in_time_alone():
    from tasks.limits import Watchdog
    dog = Watchdog()
    dog.start()
    errors = []
    done = threading.Event()

    def task():
        try:
            dog.disarm(dog.arm("search.search_memories", 0.3, 1))  # a fast task
            # Then other, longer work in the same thread, past the old deadline.
            started = time.monotonic()
            while time.monotonic() - started < 1.0:
                sum(range(100))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            done.set()

    threading.Thread(target=task).start()
    assert done.wait(20)
    assert errors == []


def test_a_limit_that_broke_a_database_call_is_still_named():
    """An interrupted query can leave the connection half-used: its rollback then raises
    a database error while handling the limit. The job still says it ran out of time."""
    from celery.exceptions import ChordError
    from sqlalchemy.exc import OperationalError

    from tasks.limits import failure_reason, time_limit_in
    try:
        try:
            raise SoftTimeLimitExceeded()
        except SoftTimeLimitExceeded:
            raise OperationalError("ROLLBACK", {}, Exception("another command is already in progress"))
    except OperationalError as e:
        broken = e
    assert isinstance(time_limit_in(broken), SoftTimeLimitExceeded)
    assert failure_reason("extraction.extract_facts", broken) == \
        "extraction hit its soft time limit (60 s) and was stopped"
    assert failure_reason("extraction.extract_facts", ValueError("bad data")) is None
    chord = ChordError("Dependency 1234 raised SoftTimeLimitExceeded('SoftTimeLimitExceeded(True,)')")
    assert failure_reason("pipeline.finish_job", chord) == \
        "embedding hit its soft time limit (120 s) and was stopped"
