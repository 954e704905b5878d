"""Write the supervisord configuration for `make run` from the Procfile.

The Procfile stays the one list of processes; every line becomes a supervised program
that restarts on its own when it dies, while the others keep serving. Logs go to
<data dir>/logs/<name>.log. Usage: supervisor_conf.py PROCFILE DATA_DIR > supervisord.conf
"""
from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def programs(procfile: str) -> list[tuple[str, str]]:
    out = []
    for line in procfile.splitlines():
        m = _LINE.match(line.strip())
        if m and not line.lstrip().startswith("#"):
            out.append((m.group(1), m.group(2)))
    return out


def render(procfile: str, data_dir: Path) -> str:
    logs = data_dir / "logs"
    esc = lambda s: str(s).replace("%", "%%")  # supervisord expands %(name)s  # noqa: E731
    parts = [f"""[supervisord]
nodaemon=true
logfile={esc(logs / "supervisord.log")}
pidfile={esc(data_dir / "supervisord.pid")}
childlogdir={esc(logs)}

[unix_http_server]
file={esc(data_dir / "supervisor.sock")}
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{esc(data_dir / "supervisor.sock")}
"""]
    for name, command in programs(procfile):
        # bash expands the Procfile's ${VAR:-default}; exec leaves no shell in between.
        parts.append(f"""
[program:{name}]
command=bash -c {esc(shlex.quote("exec " + command))}
directory={esc(ROOT)}
autostart=true
autorestart=true
startsecs=3
startretries=1000
stopasgroup=true
killasgroup=true
stopwaitsecs=30
stdout_logfile={esc(logs / (name + ".log"))}
stdout_logfile_maxbytes=50MB
stdout_logfile_backups=3
redirect_stderr=true
""")
    return "".join(parts)


if __name__ == "__main__":
    procfile, data_dir = Path(sys.argv[1]), Path(sys.argv[2]).resolve()
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    sys.stdout.write(render(procfile.read_text(), data_dir))
