"""Settings: every variable documented with its default; defaults that limit something."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from pika_mem.access import ratelimit
from pika_mem.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def _config_rows() -> dict[str, str]:
    text = README.read_text()
    section = text[text.index("## Configuration"):text.index("## Operating")]
    return dict(re.findall(r"^\| `([A-Z0-9_]+)` \| ([^|]*(?:\\\|[^|]*)*) \|", section, re.M))


def test_every_setting_is_documented_with_its_default():
    rows = _config_rows()
    for f in fields(Settings):
        name, default = f.name.upper(), f.default
        assert name in rows, f"{name} is missing from README's configuration table"
        shown = re.match(r"\s*`([^`]*)`", rows[name])
        if name == "PIKA_DATA_DIR" or default == "":
            continue  # a path computed at import; empty defaults say what empty means
        assert shown, (name, rows[name])
        if isinstance(default, bool):
            assert shown.group(1) == str(default).lower(), name
        elif isinstance(default, (int, float)):
            assert float(shown.group(1)) == default, (name, shown.group(1), default)
        else:
            assert shown.group(1) == default, (name, shown.group(1), default)


def test_the_default_rate_limit_stops_a_runaway_client_not_a_companion():
    limit = ratelimit.parse(Settings().rate_limit)
    per_minute = limit.amount * 60 / limit.seconds
    # A companion makes a few requests per conversational turn, a turn every few seconds;
    # a client in a loop makes hundreds a second.
    assert 300 <= per_minute <= 6_000, Settings().rate_limit


def test_the_default_failed_authentication_limit_is_tight():
    limit = ratelimit.parse(Settings().auth_failure_limit, "AUTH_FAILURE_LIMIT")
    assert limit.amount * 60 / limit.seconds <= 60
    assert 0 < Settings().unknown_key_cache_seconds <= 10  # a few seconds at most
