"""Shared by the benchmarks: wrk runs (apt: wrk) and percentiles."""
from __future__ import annotations

import os
import re
import shutil
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


_DONE = """
done = function(summary, latency, requests)
  io.write(string.format("PCT p50=%.3f p95=%.3f p99=%.3f\\n", latency:percentile(50) / 1000,
           latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def run_wrk(url: str, lua: str, connections: int, seconds: int):
    """wrk with a Lua script; returns (requests/s, {"p50","p95","p99": ms}, non-2xx count)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the load phases: apt-get install wrk (make bench does)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua + _DONE)
    threads = 1 if connections == 1 else 2
    try:
        out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s",
                              "-s", f.name, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"PCT p50=([\d.]+) p95=([\d.]+) p99=([\d.]+)", out)
    lat = {"p50": float(m.group(1)), "p95": float(m.group(2)), "p99": float(m.group(3))}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, lat, int(bad.group(1)) if bad else 0


def show(lat: dict) -> str:
    return f"p50 {lat['p50']:.2f} ms  p95 {lat['p95']:.2f} ms  p99 {lat['p99']:.2f} ms"
