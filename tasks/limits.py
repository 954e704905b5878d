"""Soft and hard time limits on every task, per queue (TASK_TIME_LIMITS).

Every task gets the limits of the queue its name is routed to (a task_annotations entry).
The prefork pool (worker-extraction, worker-maintenance) enforces both: past the soft
limit the task gets SoftTimeLimitExceeded, past the hard one its child process is killed
and replaced. The threads pool (worker-memory) enforces neither, so `Watchdog` does the
soft one there: it raises SoftTimeLimitExceeded in the task's thread (at its next Python
instruction, as the signal does in a prefork child). A thread cannot be killed: past the
hard limit the watchdog logs an error, and the job's chord never finishes, so the reaper
re-drives the job with backoff and fails it after REAPER_MAX_ATTEMPTS.

A task whose first argument is a job id says which stage of the job it is (`job_stage`);
when it runs out of time the job is failed with an error naming that stage and limit.
"""
from __future__ import annotations

import ctypes
import logging
import threading
import time
from fnmatch import fnmatchcase

from celery import Task
from celery.app.task import extract_exec_options
from celery.exceptions import ChordError, SoftTimeLimitExceeded, TimeLimitExceeded

from pika_mem import time_limits
from pika_mem.time_limits import TimeLimit

log = logging.getLogger(__name__)


def queue_of(name: str, routes: dict, default: str) -> str:
    for pattern, route in routes.items():
        if fnmatchcase(name, pattern):
            return route["queue"]
    return default


class QueueTimeLimits:
    """task_annotations entry: soft_time_limit and time_limit of the task's queue."""

    def __init__(self, routes: dict, default_queue: str, limits: dict[str, TimeLimit]):
        self.routes, self.default_queue, self.limits = routes, default_queue, limits

    def limit_of(self, task_name: str) -> TimeLimit:
        return self.limits[queue_of(task_name, self.routes, self.default_queue)]

    def annotate(self, task):
        limit = self.limit_of(task.name)
        return {"soft_time_limit": limit.soft, "time_limit": limit.hard}


def time_limit_in(exc: BaseException | None) -> BaseException | None:
    """The time-limit exception behind `exc` (itself, or what it was raised while
    handling), else None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (SoftTimeLimitExceeded, TimeLimitExceeded)):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def failure_reason(task_name: str, exc: BaseException | None) -> str | None:
    """The job error for a task that ran out of time, else None."""
    from .app import app, time_limit_annotation
    if isinstance(exc, ChordError):  # a chord header (embedding batch) failed
        text = str(exc)
        if "TimeLimitExceeded" not in text:
            return None
        return time_limits.describe("embedding", time_limit_annotation.limit_of(
            "embedding.embed_facts"), hard="SoftTimeLimitExceeded" not in text)
    exc = time_limit_in(exc)
    if exc is None:
        return None
    task = app.tasks.get(task_name)
    stage = getattr(task, "job_stage", None) or task_name
    return time_limits.describe(stage, time_limit_annotation.limit_of(task_name),
                                hard=not isinstance(exc, SoftTimeLimitExceeded))


class LimitedTask(Task):
    """The base of every task: the watchdog's soft limit in a threads pool, and the job
    failed with a clear error when a job stage runs out of time. For a hard limit
    on_failure runs in the worker's main process, after the child was killed."""

    job_stage: str | None = None

    def _get_exec_options(self):
        """Messages carry no time limit: the worker that runs a task applies its own
        queue's. (Celery would copy the publisher's limits into the message, so a worker
        configured otherwise than the process that enqueued — the reaper, a chord, a
        test — would run with the publisher's.)"""
        if self._exec_options is None:
            options = dict(extract_exec_options(self))
            options.pop("time_limit", None)
            options.pop("soft_time_limit", None)
            self._exec_options = options
        return self._exec_options

    def __call__(self, *args, **kwargs):
        armed = (watchdog.arm(self.name, self.soft_time_limit, self.time_limit)
                 if watchdog.enabled else None)
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            limit = time_limit_in(exc)
            if limit is not None and limit is not exc:
                # The limit interrupted a database call and the rollback failed on the
                # half-used connection (which is then discarded): the task failed because
                # it ran out of time, so it says that.
                raise type(limit)(*limit.args) from exc
            raise
        finally:
            if armed is not None:
                watchdog.disarm(armed)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if self.job_stage and args:
            reason = failure_reason(self.name, exc)
            if reason:
                from pika_mem.ledger import jobs
                jobs.mark_failed(args[0], reason)
                log.error("job stage ran out of time",
                          extra={"job_id": args[0], "stage": self.job_stage, "reason": reason})
        super().on_failure(exc, task_id, args, kwargs, einfo)


def _raise_in(thread_id: int, exc_type) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc_type) if exc_type else None)


class Watchdog:
    """Soft time limits for tasks running in threads (the prefork pool uses a signal)."""

    def __init__(self):
        self.enabled = False
        self._cond = threading.Condition()
        self._armed: dict[int, list] = {}  # thread id -> [soft at, hard at, name, state]
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.enabled = True
        if self._thread is None:
            log.info("threads pool: the time-limit watchdog raises soft time limits")
            self._thread = threading.Thread(target=self._run, name="time-limit-watchdog",
                                            daemon=True)
            self._thread.start()

    def arm(self, name: str, soft: float | None, hard: float | None):
        now = time.monotonic()
        entry = [now + soft if soft else None, now + hard if hard else None, name, "armed"]
        ident = threading.get_ident()
        with self._cond:
            self._armed[ident] = entry
            self._cond.notify()
        return ident, entry

    def disarm(self, armed) -> None:
        ident, entry = armed
        with self._cond:
            if self._armed.get(ident) is entry:
                del self._armed[ident]
            if entry[3] == "raised":
                # Fired just as the task returned: the exception must not land in Celery.
                _raise_in(ident, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                upcoming = []
                for ident, entry in self._armed.items():
                    soft_at, hard_at, name, state = entry
                    if state == "armed" and soft_at is not None and now >= soft_at:
                        entry[3] = "raised"
                        log.warning("soft time limit exceeded, interrupting the task",
                                    extra={"task": name})
                        _raise_in(ident, SoftTimeLimitExceeded)
                    elif state != "reported" and hard_at is not None and now >= hard_at:
                        entry[3] = "reported"
                        log.error("hard time limit exceeded; a thread cannot be stopped: "
                                  "restart the worker if this repeats", extra={"task": name})
                    upcoming += [t for t in (soft_at if entry[3] == "armed" else None,
                                             hard_at if entry[3] != "reported" else None)
                                 if t is not None]
                self._cond.wait(timeout=max(0.05, min(upcoming) - now) if upcoming else None)


watchdog = Watchdog()
