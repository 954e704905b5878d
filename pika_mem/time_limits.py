"""Soft and hard time limits per queue, from TASK_TIME_LIMITS (pure logic, no Celery).

"extraction=60:90,search=5:10": a task routed to a queue gets that queue's soft limit
(the task is interrupted and fails with a clear error) and hard limit (the process
running it is killed). A queue the setting does not name keeps its default; a soft
limit of 0 means none (only the hard limit applies).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pika_mem.config import Settings, get_settings
from pika_mem.queues import QUEUES

_ENTRY = re.compile(r"\s*([a-z_]+)\s*=\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*")


@dataclass(frozen=True)
class TimeLimit:
    soft: float | None  # None: no soft limit
    hard: float


def parse(spec: str) -> dict[str, TimeLimit]:
    """The queues a spec names, with their limits; ValueError saying what is wrong."""
    out: dict[str, TimeLimit] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        m = _ENTRY.fullmatch(part)
        if not m:
            raise ValueError(f"TASK_TIME_LIMITS entries look like 'extraction=60:90' "
                             f"(queue=soft:hard seconds), not {part!r}")
        queue, soft, hard = m.group(1), float(m.group(2)), float(m.group(3))
        if queue not in QUEUES:
            raise ValueError(f"TASK_TIME_LIMITS names an unknown queue {queue!r} "
                             f"(queues: {', '.join(QUEUES)})")
        if hard <= 0:
            raise ValueError(f"TASK_TIME_LIMITS: the hard limit of {queue} must be above 0")
        if soft and soft >= hard:
            raise ValueError(f"TASK_TIME_LIMITS: the soft limit of {queue} ({soft:g} s) must be "
                             f"below its hard limit ({hard:g} s), or 0 for none")
        out[queue] = TimeLimit(soft or None, hard)
    return out


def by_queue(spec: str | None = None) -> dict[str, TimeLimit]:
    """Every queue's limits: the defaults, overridden queue by queue by the setting."""
    limits = parse(Settings.task_time_limits)
    limits.update(parse(get_settings().task_time_limits if spec is None else spec))
    return limits


def describe(stage: str, limit: TimeLimit, hard: bool) -> str:
    """The error a job carries when one of its stages ran out of time."""
    if hard:
        return (f"{stage} hit its hard time limit ({limit.hard:g} s): the process running it "
                "was stopped")
    return f"{stage} hit its soft time limit ({(limit.soft or limit.hard):g} s) and was stopped"
