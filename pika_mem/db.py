"""The Postgres engine: created lazily, disposed after fork (never at import time)."""
from __future__ import annotations

import threading

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from pika_mem.config import get_settings

_engine: Engine | None = None
_lock = threading.Lock()


def get_engine() -> Engine:
    """The process-wide engine (a pool per process)."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = create_engine(
                    get_settings().database_url,
                    # No ping per checkout (a round trip each): a dead connection
                    # raises OperationalError, the pool drops it, tasks retry and
                    # the API answers 503 once.
                    pool_pre_ping=False,
                    pool_recycle=1800,
                    pool_size=5,
                    max_overflow=10,
                    pool_timeout=5,
                    connect_args={"connect_timeout": 3},
                    # Parameters are a child's words: never in an error message or log.
                    hide_parameters=True,
                )
    return _engine


def dispose_engine() -> None:
    """Drop inherited connections; call in a forked child before first use."""
    global _engine
    if _engine is not None:
        _engine.dispose(close=False)
        _engine = None
