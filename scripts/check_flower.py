#!/usr/bin/env python3
"""Check Flower the way an operator sees it: headless Chromium, basic auth, workers, queues.

    python scripts/check_flower.py --url http://127.0.0.1:5555 --user admin --password ... \
        [--workers extraction,memory,maintenance] [--screenshot build/flower.png]

1. Flower refuses a request without credentials (401).
2. Chromium renders /workers with the credentials: a screenshot is written, and the
   rendered DOM must list an online worker for every expected node-name prefix
   (`extraction@host` or `extraction-xyz@host`).
3. Chromium renders /broker: every queue (pika_mem/queues.py) must be listed with its
   length.
Retries 2 and 3 until --wait seconds have passed (Flower learns about workers from
their events). Exit 0 when all holds; 1 naming what is missing; 2 when Flower is not
reachable; 3 when Chromium is missing and cannot be installed (apt-get, as root).
User and password default to FLOWER_USER / FLOWER_PASSWORD from pika-mem's settings.
"""
from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pika_mem.queues import QUEUES  # noqa: E402  (plain names; imports nothing heavy)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-dev-shm-usage", "--hide-scrollbars")


class Failure(Exception):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------- chromium
def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_chromium(install: bool) -> str:
    path = find_chromium()
    if path:
        return path
    if not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Failure("Chromium is not installed; install it with `apt-get install -y chromium` "
                      "(Debian package `chromium`, needs root)", 3)
    print("installing chromium with apt-get ...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise Failure(f"`{' '.join(cmd)}` failed:\n{done.stderr[-2000:]}", 3)
    path = find_chromium()
    if not path:
        raise Failure("apt-get installed chromium but no chromium binary is on PATH", 3)
    return path


def with_credentials(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def chromium(binary: str, url: str, *args: str, timeout: float = 90) -> str:
    """One headless run. Flower's tables are filled by XHR after load: a virtual-time
    budget lets them render (without it, the dump is taken before the rows arrive)."""
    with tempfile.TemporaryDirectory(prefix="check-flower-") as profile:
        cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
               "--virtual-time-budget=4000", *args, url]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"chromium did not finish within {timeout}s for {args[0]}", 2)
    if done.returncode != 0:
        raise Failure(f"chromium failed ({done.returncode}) for {args[0]}:\n{done.stderr[-2000:]}", 2)
    return done.stdout


# ---------------------------------------------------------------------- pages
class _Rows(HTMLParser):
    """Cell texts of every <tr> in the table with the given id."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.depth, self.rows = table_id, 0, []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (self.depth or dict(attrs).get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self._row = []
        elif self.depth and tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    parser = _Rows(table_id)
    parser.feed(html)
    return [r for r in parser.rows if r]


def online_workers(html: str) -> dict[str, bool]:
    """{node name: online} from the rendered /workers page."""
    out = {}
    for row in table_rows(html, "workers-table"):
        if len(row) >= 2 and "@" in row[0]:
            out[row[0]] = row[1].strip().lower() in ("true", "online")
    return out


def listed_queues(html: str) -> dict[str, str]:
    """{queue: messages} from the rendered /broker page."""
    return {row[0]: row[1] for row in table_rows(html, "queue-table")
            if len(row) >= 2 and row[0] != "Queue"}


def missing_workers(workers: dict[str, bool], prefixes: list[str]) -> list[str]:
    def matches(node: str, prefix: str) -> bool:
        name = node.split("@", 1)[0]
        return name == prefix or name.startswith(prefix + "-")
    return [p for p in prefixes if not any(ok and matches(n, p) for n, ok in workers.items())]


# ---------------------------------------------------------------------- checks
def check_auth(url: str, user: str, password: str) -> None:
    target = url.rstrip("/") + "/workers"
    try:
        urllib.request.urlopen(target, timeout=10)
        raise Failure(f"Flower answered {target} without credentials: basic auth is off")
    except urllib.error.HTTPError as exc:
        if exc.code != 401:
            raise Failure(f"Flower answered {exc.code} without credentials (expected 401)")
    except urllib.error.URLError as exc:
        raise Failure(f"Flower is not reachable at {url}: {exc.reason}", 2)
    req = urllib.request.Request(target, headers={"Authorization": "Basic " + base64.b64encode(
        f"{user}:{password}".encode()).decode()})
    try:
        urllib.request.urlopen(req, timeout=10).read()
    except urllib.error.HTTPError as exc:
        raise Failure(f"Flower refused the given credentials ({exc.code})")


def run(args) -> int:
    binary = ensure_chromium(not args.no_install)
    check_auth(args.url, args.user, args.password)
    base = with_credentials(args.url.rstrip("/"), args.user, args.password)
    prefixes = [p for p in args.workers.split(",") if p]
    queues = [q for q in args.queues.split(",") if q]
    screenshot = Path(args.screenshot).resolve()
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + args.wait
    while True:
        workers = online_workers(chromium(binary, base + "/workers", "--dump-dom"))
        broker = listed_queues(chromium(binary, base + "/broker", "--dump-dom"))
        lacking_w = missing_workers(workers, prefixes)
        lacking_q = [q for q in queues if q not in broker]
        if (not lacking_w and not lacking_q) or time.monotonic() > deadline:
            break
        time.sleep(1)
    # The screenshot of the state that was checked (last, so it shows the workers).
    if screenshot.exists():
        screenshot.unlink()
    chromium(binary, base + "/workers", f"--screenshot={screenshot}",
             f"--window-size={args.window_size}")
    if not screenshot.exists() or screenshot.stat().st_size == 0:
        raise Failure(f"chromium wrote no screenshot at {screenshot}", 2)
    shown = [f"{n} ({'online' if ok else 'offline'})" for n, ok in sorted(workers.items())]
    print(f"workers: {', '.join(shown) or 'none'}")
    print(f"queues : {', '.join(f'{q}={n}' for q, n in sorted(broker.items())) or 'none'}")
    print(f"screenshot: {screenshot} ({screenshot.stat().st_size} bytes)")
    problems = []
    if lacking_w:
        problems.append(f"no online worker named {', '.join(p + '@…' for p in lacking_w)} on /workers")
    if lacking_q:
        problems.append(f"queues not listed on /broker: {', '.join(lacking_q)}")
    if problems:
        raise Failure("Flower check failed: " + "; ".join(problems))
    print("Flower check passed")
    return 0


def _defaults() -> tuple[str, str]:
    try:
        from pika_mem.config import get_settings
        s = get_settings()
        return s.flower_user, s.flower_password
    except Exception:
        return "admin", ""


def main(argv: list[str] | None = None) -> int:
    user, password = _defaults()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:5555", help="Flower's base URL")
    p.add_argument("--user", default=user)
    p.add_argument("--password", default=password)
    p.add_argument("--workers", default="extraction,memory,maintenance",
                   help="node-name prefixes that must be online (comma-separated)")
    p.add_argument("--queues", default=",".join(QUEUES), help="queues /broker must list")
    p.add_argument("--screenshot", default=str(ROOT / "build" / "flower.png"))
    p.add_argument("--window-size", default="1400,900")
    p.add_argument("--wait", type=float, default=30.0,
                   help="seconds to keep retrying until workers and queues show")
    p.add_argument("--no-install", action="store_true",
                   help="never apt-get install chromium (default: install it when root)")
    args = p.parse_args(argv)
    if not args.password:
        p.error("no password: pass --password or set FLOWER_PASSWORD")
    try:
        return run(args)
    except Failure as exc:
        print(f"check_flower: {exc}", file=sys.stderr)
        return exc.code


if __name__ == "__main__":
    sys.exit(main())
