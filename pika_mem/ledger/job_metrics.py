"""Counters of finished jobs, kept in Redis by whoever finishes a job, read by /metrics.

A scrape must not count the `jobs` table: it reads these counters (one round trip) and
counts only the unfinished jobs, through the (status, updated_at) index. The counters
are metrics, not records: losing them (a Redis flush) is a counter reset, which
Prometheus handles; Postgres stays the truth (`python -m pika_mem stats`).
"""
from __future__ import annotations

import logging

import redis

from pika_mem.redis_client import get_redis

log = logging.getLogger(__name__)

FINISHED_KEY = "metrics:jobs:finished"          # hash: completed | failed -> count
STAGE_SECONDS_KEY = "metrics:jobs:stage_seconds"  # hash: <stage>:sum | <stage>:count
STAGES = ("queued", "extracting", "embedding", "finishing")


def count_finished(status: str, n: int = 1, stage_seconds: dict[str, float] | None = None) -> None:
    """Never fails the caller: a job is not failed for want of a metric."""
    try:
        with get_redis().pipeline(transaction=False) as pipe:
            pipe.hincrby(FINISHED_KEY, status, n)
            for stage, seconds in (stage_seconds or {}).items():
                pipe.hincrbyfloat(STAGE_SECONDS_KEY, f"{stage}:sum", seconds)
                pipe.hincrby(STAGE_SECONDS_KEY, f"{stage}:count", 1)
            pipe.execute()
    except redis.RedisError as e:
        log.warning("job metrics not counted: %s", type(e).__name__)


def stage_seconds(job: dict) -> dict[str, float]:
    """Each stage's duration of a completed job row (the stages it went through)."""
    marks = [job.get(c) for c in ("created_at", "extracting_at", "embedding_at",
                                  "finishing_at", "completed_at")]
    return {stage: max(0.0, (b - a).total_seconds())
            for stage, a, b in zip(STAGES, marks, marks[1:]) if a and b}


def read() -> tuple[dict[str, int], dict[str, tuple[int, float]]]:
    """({status: finished count}, {stage: (count, seconds)}); raises RedisError."""
    with get_redis().pipeline(transaction=False) as pipe:
        pipe.hgetall(FINISHED_KEY)
        pipe.hgetall(STAGE_SECONDS_KEY)
        finished, stages = pipe.execute()
    counts = {k.decode(): int(v) for k, v in finished.items()}
    raw = {k.decode(): v for k, v in stages.items()}
    durations = {s: (int(raw.get(f"{s}:count", 0)), float(raw.get(f"{s}:sum", 0)))
                 for s in STAGES if f"{s}:count" in raw}
    return counts, durations
