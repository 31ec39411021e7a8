"""Test run: the same database and broker choice as dev (embedded unless URLs are given)."""

import os

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, VAR_DIR, env, file_broker_options

SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
# In memory, unless a test's worker process is pointed at a real (local) SMTP server.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
LANGUAGE_CODE = "zh-hans"
# A session's idle clock moves on once a minute (org.middleware), so a test whose frozen clock
# sits a minute past its login would count the session's save among its queries. The tests of
# that clock set the real interval.
SESSION_REFRESH_SECONDS = 10**9

# Test runs on one machine (two checkouts, or CI beside a developer) keep apart: each has its
# own test database and queue. The worker processes a run starts inherit its name.
RUN = os.environ.setdefault("TEST_RUN", str(os.getpid()))
CELERY_TASK_DEFAULT_QUEUE = f"test-{RUN}"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker process in the tests sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{RUN}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{RUN}"}

if CELERY_BROKER_URL == "filesystem://":
    # Apart from `make run`'s queue, so a running dev worker never takes a test's job.
    CELERY_BROKER_TRANSPORT_OPTIONS = file_broker_options(VAR_DIR / f"test-broker-{RUN}")
