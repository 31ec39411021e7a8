"""The embedded defaults and the real services: which database and broker the app picks, and a
real Celery worker running a job end to end (against PostgreSQL and Redis when configured)."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from org.jobs import purge_expired_sessions

ROOT = Path(__file__).resolve().parent.parent
SERVICES = bool(os.environ.get("REDIS_URL")) and "postgres" in os.environ.get("DATABASE_URL", "")


def settings_seen_with(env: dict[str, str]) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_BROKER_URL)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()


def test_without_configuration_the_app_embeds_sqlite_and_a_file_broker():
    engine, broker = settings_seen_with({"DJANGO_SETTINGS_MODULE": "config.settings.dev"})
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"


def test_with_urls_the_app_uses_postgresql_and_redis():
    engine, broker = settings_seen_with(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/worktracker",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert engine == "django.db.backends.postgresql"
    assert broker == "redis://127.0.0.1:6379/0"


def test_a_real_worker_runs_the_session_purge_job_end_to_end(celery_worker_process):
    """Through Redis to PostgreSQL when configured, else through the file broker to SQLite."""
    # given: one expired and one live session in the database
    expired = SessionStore()
    expired.create()
    Session.objects.filter(pk=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    live = SessionStore()
    live.create()
    assert settings.CELERY_BROKER_URL.startswith("redis://" if SERVICES else "filesystem://")
    # when: the job goes through the broker to the worker process
    purge_expired_sessions.delay()
    # then: the worker deleted the expired session only
    deadline = time.monotonic() + 60
    while Session.objects.filter(pk=expired.session_key).exists():
        assert celery_worker_process.poll() is None, celery_worker_process.stdout.read()
        assert time.monotonic() < deadline, "the worker did not run the job within 60 s"
        time.sleep(0.2)
    assert Session.objects.filter(pk=live.session_key).exists()
