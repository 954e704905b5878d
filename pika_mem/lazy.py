"""Process-wide objects made on first use (never at import time), under a lock."""
from __future__ import annotations

import threading
from typing import Callable, Generic, Optional, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    """One `make()` per process until `reset()`: engines, clients, the model."""

    def __init__(self, make: Callable[[], T]):
        self._make = make
        self._value: Optional[T] = None
        self._lock = threading.Lock()

    def get(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._make()
        return self._value

    def reset(self) -> Optional[T]:
        """Forget the object (after fork, or when settings change); returns it."""
        with self._lock:
            old, self._value = self._value, None
        return old
