"""Structured JSON logs, one line per event, with the request id that follows a job
from the HTTP request into every task of its chord. Never message content."""
from __future__ import annotations

import contextvars
import json
import logging
import sys
import time

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
# Extras that carry a task's arguments or return value (Celery puts them in `data`): the
# child's words. Never written, whatever logs them.
_CONTENT = {"data", "args", "kwargs", "argsrepr", "kwargsrepr", "retval", "result", "payload"}
_SCALAR = (int, float, bool, type(None))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        rid = request_id.get()
        if rid:
            event["request_id"] = rid
        for key, value in record.__dict__.items():
            if key in _STANDARD or key in _CONTENT or key.startswith("_"):
                continue
            if isinstance(value, _SCALAR):
                event[key] = value
            elif isinstance(value, str):
                event[key] = value[:200]  # ids, names, reasons — never a container of content
        if record.exc_info:
            event["exc"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False)


def configure(level: str = "INFO") -> None:
    """Route the root logger to stderr as JSON lines (idempotent)."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_pika_json", False):
            return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._pika_json = True
    root.handlers = [handler]
    root.setLevel(level.upper())
