"""The Celery queues, by name: one per stage of the write and read paths.

Plain strings, so the core (stats, readiness) can name them without knowing Celery;
tasks/app.py declares and routes exactly these.
"""
QUEUES = ("extraction", "embedding", "search", "favorites")
