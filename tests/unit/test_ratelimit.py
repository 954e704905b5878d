"""Rate-limit specs and fixed windows (pure logic)."""
import pytest

from pika_mem.access import ratelimit


@pytest.mark.parametrize("spec, amount, seconds", [
    ("120000/minute", 120000, 60), ("5 per second", 5, 1), ("10/hours", 10, 3600),
    (" 7 / Day ", 7, 86400)])
def test_parse(spec, amount, seconds):
    assert ratelimit.parse(spec) == ratelimit.Limit(amount, seconds)


@pytest.mark.parametrize("spec", ["", "0/minute", "5/fortnight", "five/minute", "5"])
def test_parse_refuses_nonsense(spec):
    with pytest.raises(ValueError, match="RATE_LIMIT"):
        ratelimit.parse(spec)


def test_window_and_retry_after():
    limit = ratelimit.Limit(5, 60)
    assert limit.window(120.0) == (2, 60)
    assert limit.window(179.2) == (2, 1)
    assert limit.window(150.5) == (2, 30)  # 29.5 s left, rounded up
    assert ratelimit.window_key("abc", limit, 2) == "ratelimit:abc:60:2"
