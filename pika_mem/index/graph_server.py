"""The embedded graph server: ArcadeDB (PyPI ``arcadedb-embedded``) speaking Bolt.

    python -m pika_mem.index.graph_server [--http-port 2480-2489] [--heap 512m]

Serves Bolt on the host and port of GRAPH_URI (default bolt://127.0.0.1:7687)
and ArcadeDB's HTTP API on loopback, with user GRAPH_USER (must be ``root``:
ArcadeDB's root user) / GRAPH_PASSWORD. Data, config and logs live under
``<PIKA_DATA_DIR>/arcadedb``. Creates database GRAPH_DATABASE if missing, prints
``graph: bolt://HOST:PORT ready`` on stdout, and stops cleanly on SIGTERM/SIGINT.
Production uses a Neo4j 5 server instead and never runs this.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from urllib.parse import urlsplit

from pika_mem.config import get_settings

_LOG_PROPERTIES = """\
handlers = java.util.logging.ConsoleHandler, java.util.logging.FileHandler
.level = INFO
io.undertow.level = WARNING
org.xnio.level = WARNING
org.jboss.level = WARNING
com.arcadedb.level = INFO
java.util.logging.ConsoleHandler.level = WARNING
java.util.logging.ConsoleHandler.formatter = com.arcadedb.log.LogFormatter
java.util.logging.FileHandler.level = INFO
java.util.logging.FileHandler.pattern = {log_dir}/arcadedb.log
java.util.logging.FileHandler.formatter = com.arcadedb.log.LogFormatter
java.util.logging.FileHandler.limit = 10000000
java.util.logging.FileHandler.count = 5
"""


def bolt_address(uri: str) -> tuple[str, int]:
    """(host, port) to listen on, from a bolt:// or neo4j:// URI."""
    parts = urlsplit(uri)
    if parts.scheme not in {"bolt", "neo4j"}:
        raise ValueError(f"graph_uri must be bolt:// or neo4j:// for the embedded server, got {uri!r}")
    return parts.hostname or "127.0.0.1", parts.port or 7687


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pika_mem.index.graph_server")
    parser.add_argument("--http-port", default="2480-2489",
                        help="ArcadeDB HTTP port or range (loopback only); default 2480-2489")
    parser.add_argument("--heap", default="512m", help="JVM max heap (default 512m)")
    args = parser.parse_args(argv)

    settings = get_settings()
    host, port = bolt_address(settings.graph_uri)
    if settings.graph_user != "root":
        print(f"graph: GRAPH_USER must be 'root' for the embedded server, got {settings.graph_user!r}",
              file=sys.stderr)
        return 2

    root = (settings.data_dir / "arcadedb").resolve()
    log_dir = root / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_props = root / "arcadedb-log.properties"
    log_props.write_text(_LOG_PROPERTIES.format(log_dir=log_dir.as_posix()), encoding="utf-8")
    # ArcadeDB and the JVM write relative ./log paths (crash files, default log
    # config): keep them inside our data directory, not the caller's cwd.
    os.chdir(root)
    os.environ.setdefault("ARCADEDB_JVM_ERROR_FILE", str(log_dir / "hs_err_pid%p.log"))

    from arcadedb_embedded.server import ArcadeDBServer  # starts nothing at import

    jvm_args = [f"-Djava.util.logging.config.file={log_props}",
                "-Xrs",  # signals are ours: SIGTERM/SIGINT run the clean stop below
                "-XX:+UseSerialGC"]
    server = ArcadeDBServer(
        str(root),
        root_password=settings.graph_password,
        config={
            "host": "127.0.0.1",  # HTTP (and every other listener) on loopback
            "http_port": args.http_port,
            "mode": "production",
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_host": host,
            "bolt_port": port,
            "bolt_defaultDatabase": settings.graph_database,
            "server_logsDirectory": str(log_dir),
        },
        jvm_kwargs={"heap_size": args.heap, "jvm_args": jvm_args},
    )

    stop = threading.Event()

    def _on_signal(signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    try:
        server.start()
        server.create_database(settings.graph_database)  # opens it, creating if missing
    except Exception as exc:  # noqa: BLE001 - report and exit non-zero
        print(f"graph: failed to start: {exc}", file=sys.stderr, flush=True)
        server.stop()
        return 1

    print(f"graph: bolt://{host}:{port} ready", flush=True)
    while not stop.wait(1.0):
        pass
    server.stop()
    print("graph: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
