"""pika-mem core: facts, ledger, embedding, memory store, graph, cache, favourites.

Knows neither Flask nor Celery; api/ and tasks/ are thin entry points over it.
"""
import os

# mem0 phones home on import unless told not to; set before anything imports it.
os.environ.setdefault("MEM0_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
