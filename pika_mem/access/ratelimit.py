"""Fixed-window rate limits: "1200/minute", "5 per second", "1000/day"."""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_SPEC = re.compile(r"\s*(\d+)\s*(?:/|per)\s*(second|minute|hour|day)s?\s*", re.I)


@dataclass(frozen=True)
class Limit:
    amount: int
    seconds: int

    def window(self, now: float) -> tuple[int, int]:
        """(the window this instant falls in, whole seconds until the next one)."""
        start = int(now // self.seconds)
        return start, max(1, int((start + 1) * self.seconds - now + 0.999))


@lru_cache(maxsize=8)
def parse(spec: str, setting: str = "RATE_LIMIT") -> Limit:
    m = _SPEC.fullmatch(spec)
    if not m or int(m.group(1)) <= 0:
        raise ValueError(f"{setting} must look like '1200/minute' or '5 per second', not {spec!r}")
    return Limit(int(m.group(1)), _UNITS[m.group(2).lower()])


def window_key(caller: str, limit: Limit, start: int) -> str:
    return f"ratelimit:{caller}:{limit.seconds}:{start}"
