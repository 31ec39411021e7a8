"""The benchmarks (`make bench`): the development settings without DEBUG (which keeps every
query's SQL in memory), plus the ``bench`` app for ``manage.py bench_data``."""

from .dev import *  # noqa: F403
from .dev import INSTALLED_APPS, LOGGING

DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"  # the app's, and the baselines' admin at /bench-admin/
# The suite logs its personas in thousands of times; the security log would drown the table.
LOGGING["loggers"]["security"]["level"] = "WARNING"
