"""Prometheus metrics, correct under several API worker processes (multiprocess mode when
PROMETHEUS_MULTIPROC_DIR is set, as `make run` does). No tenant or user ids in labels."""
from __future__ import annotations

import threading
import time

from flask import Response, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily

from pika_mem.config import get_settings

REQUEST_SECONDS = Histogram(
    "pika_http_request_seconds", "HTTP request latency", ["route", "method", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
CACHE_LOOKUPS = Counter("pika_search_cache_total", "Search answers by layer and outcome",
                        ["layer", "outcome"])
LAYER_SECONDS = Histogram("pika_search_layer_seconds", "Search latency by answering layer",
                          ["layer"], buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                              0.05, 0.1, 0.25, 0.5, 1, 2.5))


class StoreCollector:
    """Unfinished jobs by status, finished-job counters, stage durations and queue lengths,
    read at scrape time and reused for METRICS_CACHE_SECONDS. Nothing here counts the
    whole `jobs` table: unfinished jobs are an index range (the backlog), finished ones
    are counters their workers incremented (pika_mem.ledger.job_metrics)."""

    _lock = threading.Lock()
    _cached: tuple[float, list] = (0.0, [])

    def collect(self):
        ttl = get_settings().metrics_cache_seconds
        with self._lock:
            expires, families = StoreCollector._cached
            if time.monotonic() >= expires or ttl <= 0:
                families = self._read()
                StoreCollector._cached = (time.monotonic() + ttl, families)
        yield from families

    @staticmethod
    def _read() -> list:
        from pika_mem.admin import stats
        from pika_mem.ledger import job_metrics
        jobs = GaugeMetricFamily("pika_jobs", "Unfinished jobs by status", labels=["status"])
        finished = CounterMetricFamily("pika_jobs_finished", "Jobs that reached a final status",
                                       labels=["status"])
        stages = SummaryMetricFamily("pika_job_stage_seconds",
                                     "Time completed jobs spent in each stage", labels=["stage"])
        queues = GaugeMetricFamily("pika_queue_length", "Messages waiting per queue",
                                   labels=["queue"])
        try:
            for status, n in stats.unfinished_jobs().items():
                jobs.add_metric([status], n)
        except Exception:
            pass
        try:
            done, durations = job_metrics.read()
            for status in ("completed", "failed"):
                finished.add_metric([status], done.get(status, 0))
            for stage, (count, seconds) in durations.items():
                stages.add_metric([stage], count_value=count, sum_value=seconds)
        except Exception:
            pass
        for q, n in stats.queue_stats().get("queues", {}).items():
            queues.add_metric([q], n)
        return [jobs, finished, stages, queues]


def init_app(app) -> None:
    @app.before_request
    def _start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def _observe(resp):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        REQUEST_SECONDS.labels(route, request.method, str(resp.status_code)).observe(
            time.perf_counter() - g.get("started", time.perf_counter()))
        return resp


def render() -> Response:
    """Request metrics (merged across API worker processes) + store gauges read now."""
    from prometheus_client import REGISTRY, multiprocess
    registry = REGISTRY
    if get_settings().prometheus_multiproc_dir:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    store = CollectorRegistry()
    store.register(StoreCollector())
    return Response(generate_latest(registry) + generate_latest(store),
                    mimetype=CONTENT_TYPE_LATEST)
