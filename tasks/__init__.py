"""Celery entry point: `celery -A tasks worker …` finds the app here."""
from .app import app

__all__ = ["app"]
