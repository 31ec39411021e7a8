"""The Celery app. Background functions live in each app's ``jobs.py`` ("task" is a domain word)."""

import os

from celery import Celery, signals
from django.db import close_old_connections

# As config.wsgi: production unless told otherwise (`make run` says dev), and this module is
# imported by config/__init__.py, so its default is every entry point's default.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("worktracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_database_connections(sender, **kwargs) -> None:
    """Around each job, as Django does around a request: a connection past CONN_MAX_AGE, or
    one that failed, is closed, and the next use checks it first (CONN_HEALTH_CHECKS). Not
    for a job run eagerly: it runs on its caller's connection."""
    if not getattr(sender.request, "is_eager", False):
        close_old_connections()
