"""Resumable per-user batch runs for the admin CLI (refresh-favorites, reindex).

Users ((tenant_id, user_id) pairs with facts in the ledger) are visited in key order,
read from Postgres in pages (keyset pagination). Progress is kept in a checkpoint file
under <PIKA_DATA_DIR>/admin/: the last (tenant, user) whose work is done and saved.
A rerun resumes after it; a finished run leaves status "complete" and the next run
starts over. Ctrl-C (or SIGTERM) lets the current user finish, saves the checkpoint
and stops; a second Ctrl-C stops at once (the checkpoint still names the last saved
user; the work per user is idempotent, so redoing one is harmless).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import text

from pika_mem.config import get_settings
from pika_mem.db import get_engine

User = tuple[str, str]


# ---------------------------------------------------------------------- users
def _where(tenant: str | None, after: User | None) -> tuple[str, dict]:
    cond, params = [], {}
    if tenant is not None:
        cond.append("tenant_id = :tenant")
        params["tenant"] = tenant
    if after is not None:
        cond.append("(tenant_id, user_id) > (:after_t, :after_u)")
        params.update(after_t=after[0], after_u=after[1])
    return ("WHERE " + " AND ".join(cond)) if cond else "", params


def count_users(tenant: str | None = None, after: User | None = None) -> int:
    where, params = _where(tenant, after)
    with get_engine().connect() as conn:
        return conn.execute(text(
            f"SELECT count(*) FROM (SELECT 1 FROM memories {where} "
            "GROUP BY tenant_id, user_id) u"), params).scalar_one()


def iter_users(tenant: str | None = None, after: User | None = None,
               page: int = 500) -> Iterator[User]:
    """(tenant_id, user_id) with facts in the ledger, in key order, after `after`."""
    while True:
        where, params = _where(tenant, after)
        with get_engine().connect() as conn:
            rows = conn.execute(text(
                f"SELECT tenant_id, user_id FROM memories {where} "
                "GROUP BY tenant_id, user_id ORDER BY tenant_id, user_id LIMIT :n"),
                {**params, "n": page}).all()
        for r in rows:
            yield (r[0], r[1])
        if len(rows) < page:
            return
        after = (rows[-1][0], rows[-1][1])


# ---------------------------------------------------------------------- checkpoint
def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def checkpoint_path(command: str, tenant: str | None = None,
                    data_dir: Path | None = None) -> Path:
    """<data_dir>/admin/<command>.all.json, or one file per tenant scope."""
    base = Path(data_dir or get_settings().data_dir) / "admin"
    if tenant is None:
        scope = "all"
    else:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", tenant)[:40]
        scope = f"tenant-{safe}-{hashlib.sha1(tenant.encode()).hexdigest()[:8]}"
    return base / f"{command}.{scope}.json"


@dataclass
class Checkpoint:
    path: Path
    command: str
    tenant: str | None = None
    status: str = "new"          # running | partial | interrupted | failed | complete
    last: User | None = None     # the last user whose work is done (key order)
    done: int = 0                # users done in this run (across resumes)
    started_at: str = field(default_factory=_now)
    updated_at: str | None = None
    error: str | None = None

    @classmethod
    def load(cls, path: Path, command: str, tenant: str | None) -> "Checkpoint | None":
        try:
            raw = json.loads(path.read_text())
        except (FileNotFoundError, ValueError):
            return None
        last = raw.get("last")
        return cls(path=path, command=command, tenant=tenant, status=raw.get("status", "new"),
                   last=tuple(last) if last else None, done=int(raw.get("done", 0)),
                   started_at=raw.get("started_at") or _now(),
                   updated_at=raw.get("updated_at"), error=raw.get("error"))

    def save(self) -> None:
        """Atomically (write a temporary file, fsync, rename)."""
        self.updated_at = _now()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"command": self.command, "tenant": self.tenant, "status": self.status,
                "last": list(self.last) if self.last else None, "done": self.done,
                "started_at": self.started_at, "updated_at": self.updated_at,
                "error": self.error}
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w") as fh:
            json.dump(body, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)


# ---------------------------------------------------------------------- run
@dataclass
class RunResult:
    status: str
    processed: int         # users done by this invocation
    checkpoint: Checkpoint

    @property
    def exit_code(self) -> int:
        return {"complete": 0, "partial": 0, "interrupted": 130}.get(self.status, 1)


class _StopFlag:
    """First SIGINT/SIGTERM: stop after the current user. Second: default behaviour."""

    def __init__(self):
        self.stop = False
        self._old: dict[int, object] = {}

    def __enter__(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, _frame):
        self.stop = True
        print("\nstopping after the current user (Ctrl-C again to stop at once)",
              file=sys.stderr)
        signal.signal(signum, self._old.get(signum) or signal.SIG_DFL)

    def __exit__(self, *_):
        for sig, old in self._old.items():
            signal.signal(sig, old)


def run(command: str, work: Callable[[str, str], object], *, tenant: str | None = None,
        restart: bool = False, limit: int | None = None, chunk: int = 100,
        before_save: Callable[[], None] | None = None, progress: bool = True,
        data_dir: Path | None = None) -> RunResult:
    """Call work(tenant_id, user_id) for every user with facts (of `tenant` if given).

    The checkpoint is saved every `chunk` users and whenever the run stops;
    `before_save` (e.g. flushing a store) runs first, so the checkpoint never gets
    ahead of durable work. `limit` stops after that many users (status "partial").
    """
    from tqdm import tqdm

    path = checkpoint_path(command, tenant, data_dir)
    cp = None if restart else Checkpoint.load(path, command, tenant)
    if cp is not None and cp.status != "complete":
        print(f"resuming {command} after {cp.last!r} ({cp.done} users done; "
              f"checkpoint {path}; --restart to start over)", file=sys.stderr)
    else:
        cp = Checkpoint(path=path, command=command, tenant=tenant)
    cp.status, cp.error = "running", None
    cp.save()
    remaining = count_users(tenant, cp.last)
    bar = tqdm(total=cp.done + remaining, initial=cp.done, unit="user", desc=command,
               disable=not progress, file=sys.stderr, dynamic_ncols=True)
    processed, unsaved = 0, 0

    def save(status: str) -> None:
        nonlocal unsaved
        if before_save is not None:
            before_save()
        cp.status = status
        cp.save()
        unsaved = 0

    try:
        with _StopFlag() as flag:
            for user in iter_users(tenant, cp.last, page=max(chunk, 1)):
                if flag.stop:
                    break
                if limit is not None and processed >= limit:
                    break
                work(*user)
                cp.last, cp.done = user, cp.done + 1
                processed, unsaved = processed + 1, unsaved + 1
                bar.update(1)
                if unsaved >= chunk:
                    save("running")
            else:
                save("complete")
                return RunResult("complete", processed, cp)
            save("interrupted" if flag.stop else "partial")
            return RunResult(cp.status, processed, cp)
    except KeyboardInterrupt:
        # Stopped at once: the last saved user stays the resume point.
        saved = _save_status_only(cp, "interrupted") or cp
        return RunResult("interrupted", processed, saved)
    except Exception as exc:
        cp.error = f"{type(exc).__name__}: {exc}"[:500]
        try:
            save("failed")  # the users done before the failure are kept
        except Exception:
            _save_status_only(cp, "failed")
        raise
    finally:
        bar.close()


def _save_status_only(cp: Checkpoint, status: str) -> Checkpoint | None:
    """Record a status without moving `last` past what was saved before."""
    saved = Checkpoint.load(cp.path, cp.command, cp.tenant)
    if saved is not None:
        saved.status, saved.error = status, cp.error
        saved.save()
    return saved


def describe(result: RunResult) -> str:
    cp = result.checkpoint
    text_ = {"complete": "done", "partial": "stopped at --limit; rerun to continue",
             "interrupted": "interrupted; rerun to continue",
             "failed": "failed; rerun to continue"}.get(result.status, result.status)
    return (f"{cp.command}: {text_} — {result.processed} users this run, {cp.done} in total, "
            f"last {cp.last!r} (checkpoint {cp.path})")
