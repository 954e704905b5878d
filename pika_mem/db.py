"""The Postgres engine: created lazily, disposed after fork (never at import time)."""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from pika_mem.config import get_settings
from pika_mem.lazy import Lazy

def _make_engine() -> Engine:
    return create_engine(
        get_settings().database_url,
        # No ping per checkout (a round trip each): a dead connection raises
        # OperationalError, the pool drops it, tasks retry and the API answers 503 once.
        pool_pre_ping=False,
        pool_recycle=1800,
        pool_size=5,
        max_overflow=10,
        pool_timeout=5,
        connect_args={"connect_timeout": 3},
        # Parameters are a child's words: never in an error message or log.
        hide_parameters=True,
    )


_engine: Lazy[Engine] = Lazy(_make_engine)


def get_engine() -> Engine:
    """The process-wide engine (a pool per process)."""
    return _engine.get()


def dispose_engine() -> None:
    """Drop inherited connections; call in a forked child before first use."""
    old = _engine.reset()
    if old is not None:
        old.dispose(close=False)
