"""Housekeeping jobs for the organisation app."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def purge_expired_sessions() -> None:
    """Drop expired login sessions (the work of Django's ``clearsessions``)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
