"""Prometheus metrics, correct under several API worker processes (multiprocess mode when
PROMETHEUS_MULTIPROC_DIR is set, as `make run` does). No tenant or user ids in labels."""
from __future__ import annotations

import time

from flask import Response, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest)
from prometheus_client.core import GaugeMetricFamily

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
    """Jobs by status, stage durations and queue lengths, read at scrape time."""

    def collect(self):
        from sqlalchemy import text

        from pika_mem.db import get_engine
        from tasks.app import QUEUES, app as celery_app
        jobs = GaugeMetricFamily("pika_jobs", "Jobs by status", labels=["status"])
        stages = GaugeMetricFamily("pika_job_stage_seconds_avg",
                                   "Average stage duration of jobs completed in the last hour",
                                   labels=["stage"])
        queues = GaugeMetricFamily("pika_queue_length", "Messages waiting per queue",
                                   labels=["queue"])
        try:
            with get_engine().connect() as conn:
                for status, n in conn.execute(text(
                        "SELECT status, count(*) FROM jobs GROUP BY status")):
                    jobs.add_metric([status], n)
                row = conn.execute(text(
                    "SELECT avg(extract(epoch FROM extracting_at - created_at)),"
                    " avg(extract(epoch FROM embedding_at - extracting_at)),"
                    " avg(extract(epoch FROM finishing_at - embedding_at)),"
                    " avg(extract(epoch FROM completed_at - finishing_at)) FROM jobs"
                    " WHERE status = 'completed' AND completed_at > now() - interval '1 hour'")).one()
                for stage, value in zip(("queued", "extracting", "embedding", "finishing"), row):
                    if value is not None:
                        stages.add_metric([stage], float(value))
        except Exception:
            pass
        try:
            with celery_app.connection_for_read() as conn:
                client = conn.default_channel.client
                for q in QUEUES:
                    queues.add_metric([q], client.llen(q))
        except Exception:
            pass
        yield jobs
        yield stages
        yield queues


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
