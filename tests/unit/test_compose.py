"""docker-compose.yml and the Dockerfile, checked structurally (Docker does not run here).

Rules: the YAML parses; the expected services exist on the expected images; every app
command is the shape of a Procfile command (or `python -m pika_mem <admin command>`) and
names modules that exist; app containers set only variables the settings object reads;
image containers only their image's own variables; exactly one beat; every long-running
service has a healthcheck that checks the right thing; the workers cover every queue.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from pika_mem.config import env_var_names

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "api", "worker-extraction", "worker-memory", "worker-maintenance",
                "beat", "flower")
IMAGES = {"postgres": "postgres:15", "redis": "redis:7", "qdrant": "qdrant/qdrant:",
          "neo4j": "neo4j:5"}
# Variables an image service may set: its image's own configuration.
IMAGE_ENV = {"postgres": re.compile(r"^(POSTGRES_\w+|PGDATA)$"),
             "neo4j": re.compile(r"^NEO4J_\w+$"),
             "qdrant": re.compile(r"^QDRANT__\w+$"),
             "redis": re.compile(r"^$")}
WORKER_NODES = {"worker-extraction": "extraction", "worker-memory": "memory",
                "worker-maintenance": "maintenance"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # merge keys resolved


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def argv(service: dict) -> list[str]:
    cmd = service.get("command")
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd or [])


def env_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def opt(args: list[str], *names: str) -> str | None:
    """The value of -Q x / --queues=x style options."""
    for i, a in enumerate(args):
        for n in names:
            if a == n and i + 1 < len(args):
                return args[i + 1]
            if a.startswith(n + "="):
                return a.split("=", 1)[1]
    return None


def procfile() -> dict[str, list[str]]:
    out = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if ":" in line and not line.startswith("#"):
            name, cmd = line.split(":", 1)
            args = shlex.split(cmd)
            args[0] = args[0].removeprefix(".venv/bin/")
            out[name.strip()] = args
    return out


def shape(args: list[str]) -> tuple:
    """What makes a command the same process: program, app/module, subcommand, queues,
    pool, node-name prefix, events."""
    prog = Path(args[0]).name
    if prog == "celery":
        sub = next(a for a in args[3:] if not a.startswith("-")) if len(args) > 3 else None
        node = opt(args, "-n", "--hostname")
        return (prog, opt(args, "-A", "--app"), sub, opt(args, "-Q", "--queues"),
                opt(args, "-P", "--pool") or "prefork", node.split("@")[0] if node else None,
                "-E" in args or "--task-events" in args)
    if prog == "granian":
        return (prog, opt(args, "--interface"), args[-1])
    return tuple(args)


# ---------------------------------------------------------------------- structure
def test_yaml_parses_with_the_expected_services(services):
    assert set(IMAGES) | set(APP_SERVICES) <= set(services)
    for name, image in IMAGES.items():
        assert services[name]["image"].startswith(image), name
    for name in APP_SERVICES:
        assert services[name].get("build") and services[name]["image"] == "pika-mem:latest", name


def test_redis_never_evicts_and_persists(services):
    cmd = " ".join(argv(services["redis"]))
    assert "--maxmemory-policy noeviction" in cmd and "--appendonly yes" in cmd


def test_depends_on_names_existing_services_and_app_waits_for_migrate(services):
    for name, svc in services.items():
        deps = svc.get("depends_on") or {}
        assert set(deps) <= set(services), name
    for name in APP_SERVICES:
        if name in ("migrate", "flower"):
            continue
        deps = services[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully", name
        assert deps["redis"]["condition"] == "service_healthy", name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


# ---------------------------------------------------------------------- commands
def test_app_commands_are_procfile_shapes_or_admin_commands(services):
    known = {shape(a) for a in procfile().values()}
    for name in APP_SERVICES:
        args = argv(services[name])
        assert args, f"{name} has no command"
        if args[:3] == ["python", "-m", "pika_mem"]:
            from pika_mem.admin.cli import commands
            assert args[3] in commands(), f"{name}: unknown admin command {args[3]}"
            continue
        assert shape(args) in known, f"{name}: {args} matches no Procfile command shape"


def test_commands_name_modules_that_exist(services):
    for name in APP_SERVICES:
        args = argv(services[name])
        if args[0] == "celery":
            assert opt(args, "-A", "--app") == "tasks"
            assert (ROOT / "tasks" / "app.py").exists()
        elif args[0] == "granian":
            assert args[-1] == "api.wsgi:app"
            assert re.search(r"^app\s*=", (ROOT / "api" / "wsgi.py").read_text(), re.M)
            assert (opt(args, "--host"), opt(args, "--port")) == ("0.0.0.0", "8000")
        elif args[:2] == ["python", "-m"]:
            assert (ROOT / args[2] / "__main__.py").exists()
    assert argv(services["migrate"]) == ["python", "-m", "pika_mem", "init-db"]
    assert services["migrate"]["restart"] == "no"


def test_exactly_one_beat(services):
    beats = [n for n, s in services.items()
             if argv(s)[:1] == ["celery"] and "beat" in argv(s)[3:4]]
    embedded = [n for n, s in services.items()
                if argv(s)[:1] == ["celery"] and ("-B" in argv(s) or "--beat" in argv(s))]
    assert beats == ["beat"] and embedded == []
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_workers_cover_every_queue(services):
    from tasks.app import QUEUES
    covered = []
    for name, node in WORKER_NODES.items():
        args = argv(services[name])
        assert args[3] == "worker" and "-E" in args, name
        assert opt(args, "-n", "--hostname").startswith(f"{node}@"), name
        covered += opt(args, "-Q", "--queues").split(",")
    assert set(covered) == set(QUEUES) and len(covered) == len(set(covered))


def test_flower_uses_basic_auth_from_settings_names(services):
    args = argv(services["flower"])
    auth = opt(args, "--basic-auth")
    assert auth and "${FLOWER_USER" in auth and "${FLOWER_PASSWORD" in auth
    assert {"FLOWER_USER", "FLOWER_PASSWORD"} <= set(env_of(services["flower"]))


# ---------------------------------------------------------------------- environment
def test_app_env_names_are_settings_names(services):
    allowed = set(env_var_names())
    for name in APP_SERVICES:
        unknown = set(env_of(services[name])) - allowed
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"


def test_image_env_names_are_the_images_own(services):
    for name, pattern in IMAGE_ENV.items():
        bad = [k for k in env_of(services[name]) if not pattern.match(k)]
        assert not bad, f"{name}: {bad}"


def test_app_env_points_at_the_compose_services(services):
    for name in APP_SERVICES:
        env = env_of(services[name])
        assert "@postgres:5432/" in env["DATABASE_URL"], name
        for key in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
            assert env[key].startswith("redis://redis:6379/"), (name, key)
        assert len({env["REDIS_URL"], env["CELERY_BROKER_URL"], env["CELERY_RESULT_BACKEND"]}) == 3
        assert env["QDRANT_URL"] == "http://qdrant:6333"
        assert env["GRAPH_ENABLED"] == "true"
        assert (env["GRAPH_URI"], env["GRAPH_USER"], env["GRAPH_DATABASE"]) == \
            ("bolt://neo4j:7687", "neo4j", "neo4j")
    assert env_of(services["api"])["PROMETHEUS_MULTIPROC_DIR"]


# ---------------------------------------------------------------------- healthchecks
def _test_cmd(svc: dict) -> str:
    hc = svc.get("healthcheck") or {}
    assert not hc.get("disable"), "healthcheck disabled"
    test = hc.get("test")
    assert test, "no healthcheck"
    return " ".join(test[1:]) if isinstance(test, list) else test


def test_every_long_running_service_has_a_healthcheck(services):
    # One-shot services (restart "no", others wait for them to complete) are exempt.
    one_shot = {n for n, s in services.items() if s.get("restart") == "no"}
    assert one_shot == {"migrate"}
    for name, svc in services.items():
        if name not in one_shot:
            _test_cmd(svc)


def test_healthchecks_check_the_right_thing(services):
    assert "pg_isready" in _test_cmd(services["postgres"])
    assert "redis-cli ping" in _test_cmd(services["redis"])
    assert "6333" in _test_cmd(services["qdrant"])
    assert "cypher-shell" in _test_cmd(services["neo4j"])
    assert re.search(r"curl .*http://127\.0\.0\.1:8000/healthz", _test_cmd(services["api"]))
    assert "5555/healthcheck" in _test_cmd(services["flower"])
    assert "celerybeat-schedule" in _test_cmd(services["beat"])
    for name, node in WORKER_NODES.items():
        assert f"celery -A tasks inspect ping -d {node}@$$HOSTNAME" in _test_cmd(services[name])


# ---------------------------------------------------------------------- Dockerfile
def test_dockerfile_installs_cpu_torch_before_the_requirements():
    text = (ROOT / "Dockerfile").read_text()
    torch = text.index("download.pytorch.org/whl/cpu torch==2.13.0")
    reqs = text.index("pip install -r requirements.txt")
    assert torch < reqs
    pinned = re.search(r"^torch==([\w.]+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert pinned and pinned.group(1) == "2.13.0"
    for path in ("pika_mem", "tasks", "api", "migrations", "alembic.ini", "beat_schedule.py"):
        assert path in text, path
