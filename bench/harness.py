"""What every benchmark does: a database of its own, made afresh and migrated for each run;
timings; and its figures, printed and written to ``bench/results/<name>.json``."""

from __future__ import annotations

import datetime
import json
import os
import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/worktracker_bench"
# A database number of its own: a test run's worker on database 0 never takes a benchmark's jobs.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"


def setup(*, fresh: bool = True) -> None:
    """Point Django at the benchmark database (refusing any other), made afresh and migrated:
    a run starts empty, whatever the migrations were when the last one ran. Not ``fresh``: the
    database as a last run left it."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    os.environ["DEBUG"] = "False"  # Django would keep every query's SQL in memory
    import environ

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if config["ENGINE"] != "django.db.backends.postgresql" or not config["NAME"].endswith("_bench"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database ending in _bench.")
    if fresh:
        _recreate_database(config)

    import django
    from django.core.management import call_command

    django.setup()
    if fresh:
        call_command("migrate", verbosity=0)


def _recreate_database(config: dict) -> None:
    import psycopg
    from psycopg import sql

    server = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        name = sql.Identifier(config["NAME"])
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


@contextmanager
def stopwatch() -> Iterator[dict]:
    """``with stopwatch() as t: …`` then ``t["seconds"]``."""
    timing: dict = {}
    start = time.perf_counter()
    yield timing
    timing["seconds"] = round(time.perf_counter() - start, 3)


def record(name: str, figures: dict) -> None:
    figures = {
        "benchmark": name,
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        **figures,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(figures, indent=2, ensure_ascii=False))


@contextmanager
def counting_queries() -> Iterator[dict]:
    """``with counting_queries() as q: …`` then ``q["queries"]``; counts what Django sends to
    the database without keeping the SQL (a bulk insert's can run to megabytes)."""
    from django.db import connection

    counter = {"queries": 0}

    def count(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter
