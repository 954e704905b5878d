"""The beat schedule, one dict. Each entry names a task that lives with its domain."""
from datetime import timedelta


def build_schedule(settings) -> dict:
    return {
        "requeue-stuck-jobs": {
            "task": "extraction.requeue_stuck_jobs",
            "schedule": timedelta(seconds=settings.reaper_interval_seconds),
        },
        "refresh-stale-favorites": {
            "task": "favorites.refresh_stale",
            "schedule": timedelta(minutes=settings.favorites_refresh_minutes),
        },
    }
