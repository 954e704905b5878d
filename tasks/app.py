"""The Celery app: queues, glob routes, reliability settings."""
from __future__ import annotations

import gc
import logging
import sys

import pika_mem  # noqa: F401  (sets MEM0_TELEMETRY / offline flags before anything else)
from celery import Celery
from celery.signals import (before_task_publish, setup_logging, task_postrun, task_prerun,
                            worker_init, worker_process_init, worker_ready, worker_shutdown)
from kombu import Queue

from beat_schedule import build_schedule
from pika_mem import time_limits
from pika_mem.config import get_settings
from pika_mem.queues import QUEUES

from .limits import LimitedTask, QueueTimeLimits, watchdog

ROUTES = {
    "extraction.*": {"queue": "extraction"},
    "embedding.*": {"queue": "embedding"},
    "search.*": {"queue": "search"},
    "favorites.*": {"queue": "favorites"},
    "pipeline.*": {"queue": "favorites"},
}
# Every task gets the soft and hard time limit of the queue it is routed to.
time_limit_annotation = QueueTimeLimits(ROUTES, "extraction", time_limits.by_queue())


def make_app() -> Celery:
    s = get_settings()
    app = Celery("pika_mem", broker=s.celery_broker_url, backend=s.celery_result_backend,
                 task_cls=LimitedTask,
                 include=["tasks.extraction", "tasks.embedding", "tasks.search",
                          "tasks.pipeline", "tasks.favorites"])
    app.conf.update(
        task_queues=[Queue(q) for q in QUEUES],
        task_default_queue="extraction",
        task_routes=ROUTES,
        task_annotations=[time_limit_annotation],
        task_serializer="json", result_serializer="json", accept_content=["json"],
        # Idempotent tasks ack after running, one message at a time per process.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Longer than the longest task with its retries (an embedding batch: seconds) and
        # than every hard time limit.
        # A killed worker's unacked messages come back after the visibility timeout:
        # sweep for them every few seconds (kombu's default sweep is ~100 s).
        broker_transport_options={
            "visibility_timeout": s.celery_visibility_timeout,
            "unacked_restore_interval": max(1, min(10, s.celery_visibility_timeout // 4)),
            "unacked_restore_throttle": 1,
            "socket_timeout": 5, "socket_connect_timeout": 2},
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=2,
        # The API must not hang on a dead broker: try once more, then let the reaper do it.
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0.2,
                                   "interval_step": 0.2, "interval_max": 0.5},
        # Far above the longest pipeline: chord parts keep their results until the callback.
        result_expires=24 * 3600,
        result_extended=False,
        task_track_started=True,
        worker_send_task_events=True,
        beat_schedule=build_schedule(s),
        timezone="UTC",
    )
    return app


app = make_app()


@worker_init.connect
def _soft_limits_in_threads(sender=None, **_):
    """The threads pool enforces no time limit: the watchdog raises the soft one."""
    from celery.concurrency import get_implementation
    from celery.concurrency.thread import TaskPool as ThreadPool
    try:
        pool = get_implementation(sender.pool_cls)
    except Exception:
        return
    if isinstance(pool, type) and issubclass(pool, ThreadPool):
        watchdog.start()


@worker_process_init.connect
def _fresh_clients_after_fork(**_):
    """A forked child must not share the parent's sockets."""
    from pika_mem.db import dispose_engine
    from pika_mem.redis_client import reset_redis
    dispose_engine()
    reset_redis()
    _freeze_startup_objects()


def _consumes(sender, queue: str) -> bool:
    try:
        return queue in sender.app.amqp.queues.consume_from
    except Exception:
        return False


@worker_ready.connect
def _warm_memory_worker(sender=None, **_):
    """worker-memory opens the store and loads the model before its first job."""
    if _consumes(sender, "embedding") or _consumes(sender, "search"):
        # Searches are short and latency-bound: a task thread waiting for the GIL behind
        # the consumer loop should not wait out the default 5 ms switch interval.
        sys.setswitchinterval(0.0005)
        from pika_mem.index import vectors
        vectors.get_memory()
        from pika_mem.index.embedder import get_embedder
        get_embedder().warmup()
    _freeze_startup_objects()


def _freeze_startup_objects() -> None:
    """The model, mem0 and Celery are ~500k objects that live as long as the process: a
    full collection walking them took ~325 ms, stalling whatever task was running."""
    gc.collect()
    gc.freeze()


@worker_shutdown.connect
def _flush_on_shutdown(**_):
    """The embedded store is flushed and its lock released on a clean stop."""
    if "pika_mem.index.vectors" in sys.modules:
        sys.modules["pika_mem.index.vectors"].close()
    if "pika_mem.index.graph" in sys.modules:
        sys.modules["pika_mem.index.graph"].close()


# Celery logs each task's arguments when received and its return value on success: for
# a search that is the child's question and the facts found — content, which never goes
# to logs — and two JSON lines per RPC. Failures are still logged.
QUIET_TASKS = {"search.search_memories", "search.count_memories"}


def _not_a_quiet_task(record) -> bool:
    args = record.args
    return not (isinstance(args, dict) and args.get("name") in QUIET_TASKS
                and record.levelno <= logging.INFO)


@setup_logging.connect
def _json_logs(loglevel=None, **_):
    """Workers and beat log JSON lines like the API."""
    from pika_mem import logs
    logs.configure(str(loglevel or get_settings().log_level) if not isinstance(loglevel, int)
                   else logging.getLevelName(loglevel))
    for name in ("celery.worker.strategy", "celery.app.trace"):
        logging.getLogger(name).addFilter(_not_a_quiet_task)


@before_task_publish.connect
def _carry_request_id(headers=None, **_):
    """Every task published while handling a request (or a task) carries its id."""
    from pika_mem import logs
    rid = logs.request_id.get()
    if rid and headers is not None and "request_id" not in headers:
        headers["request_id"] = rid


@task_prerun.connect
def _adopt_request_id(task=None, **_):
    from pika_mem import logs
    request = task.request if task is not None else None
    logs.request_id.set(getattr(request, "request_id", None))


@task_postrun.connect
def _drop_request_id(**_):
    from pika_mem import logs
    logs.request_id.set(None)
