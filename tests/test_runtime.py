"""The embedded defaults and the real services: which database and broker the app picks, and a
real Celery worker running a job end to end (against PostgreSQL and Redis when configured)."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
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


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real worker in its own process, on the test database and the configured broker."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _url_of_test_database(),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield worker
    worker.terminate()
    worker.wait(timeout=30)


def _url_of_test_database() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


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
