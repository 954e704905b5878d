"""Shared by the benchmarks: wrk runs (apt: wrk) and percentiles."""
from __future__ import annotations

import os
import re
import subprocess
import tempfile


def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def fmt(values):
    return (f"p50 {pct(values, 50):7.2f}  p95 {pct(values, 95):7.2f}  p99 {pct(values, 99):7.2f} ms"
            f"  (n={len(values)})")


def run_wrk(url: str, lua: str, connections: int, seconds: int):
    """wrk with a Lua script; returns (requests/s, {percentile: latency}, non-2xx count)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency",
                              "-s", f.name, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {m.group(1): m.group(2) for m in re.finditer(r"\s+(50|75|90|99)%\s+(\S+)", out)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, lat, int(bad.group(1)) if bad else 0
