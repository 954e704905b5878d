"""Qdrant Edge helpers of the adapter: mem0 filter dicts → Edge filters, and the
directory lock taken before a shard is opened (one opener per store)."""
from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path
from typing import Any, Optional

from qdrant_edge import FieldCondition, Filter, MatchAny, MatchExcept, MatchValue, RangeFloat

from pika_mem.index.vectorstores import StoreLockedError

# ---------------------------------------------------------------------- filters
SCOPE_KEYS = frozenset({"tenant_id", "user_id"})

def _field_condition(key: str, value: Any):
    """mem0 filter value → Edge condition (None for the '*' wildcard)."""
    if isinstance(value, dict):
        ops = set(value)
        range_ops = ops & {"gt", "gte", "lt", "lte"}
        if range_ops:
            if ops - range_ops:
                raise ValueError(f"cannot mix range and other operators for {key!r}: {ops}")
            return FieldCondition(key=key, range=RangeFloat(**{op: float(value[op]) for op in range_ops}))
        if "eq" in value:
            return _field_condition(key, value["eq"])
        if "ne" in value:
            return ("not", _field_condition(key, value["ne"]))
        if "in" in value:
            return FieldCondition(key=key, match=MatchAny(list(value["in"])))
        if "nin" in value:
            return FieldCondition(key=key, match=MatchExcept(list(value["nin"])))
        raise ValueError(f"unsupported filter operator(s) for {key!r}: {ops}")
    if value == "*" and key not in SCOPE_KEYS:
        return None  # mem0's wildcard; never for the keys that scope a tenant's child
    if isinstance(value, (list, tuple, set)):
        return FieldCondition(key=key, match=MatchAny(list(value)))
    if isinstance(value, float):
        return FieldCondition(key=key, range=RangeFloat(gte=value, lte=value))
    return FieldCondition(key=key, match=MatchValue(value))


def build_filter(filters: Optional[dict]) -> Optional[Filter]:
    """mem0's filter dict → Filter(must=…): every key (tenant_id, user_id, category…).

    Scalars → MatchValue, lists → MatchAny, {'in'|'nin'|'ne'|'gt'…} operators,
    AND/OR/NOT (and mem0's $or/$not) lists of sub-dicts.
    """
    if not filters:
        return None
    must, should, must_not = [], [], []
    seen = set()
    for key, value in filters.items():
        norm = {"$or": "OR", "$not": "NOT", "$and": "AND"}.get(key, key)
        if norm in seen:
            continue
        seen.add(norm)
        if norm in ("AND", "OR", "NOT"):
            subs = [build_filter(sub) for sub in value]
            subs = [s for s in subs if s is not None]
            {"AND": must, "OR": should, "NOT": must_not}[norm].extend(subs)
            continue
        cond = _field_condition(key, value)
        if cond is None:
            continue
        if isinstance(cond, tuple):  # ("not", condition)
            must_not.append(cond[1])
        else:
            must.append(cond)
    if not (must or should or must_not):
        return None
    return Filter(must=must or None, should=should or None, must_not=must_not or None)


# ---------------------------------------------------------------------- lock
class DirLock:
    """Exclusive flock on a file next to the shard; released on close or process exit."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: Optional[int] = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = ""
            try:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
            except OSError:
                pass
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise StoreLockedError(
                    f"Qdrant Edge store {self.path.with_suffix('')} is already open"
                    f"{f' (held by pid {holder})' if holder else ''}; only one process "
                    "(worker-memory) may open the embedded store — set QDRANT_URL to share a "
                    "Qdrant server instead"
                ) from exc
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None


