"""The suite's HTTP row: the office's task list served by gunicorn as production runs it
(deploy/gunicorn.conf.py, sync workers, DEBUG off) to 20 clients at once, driven by wrk
(bench/wrk.lua).

The baseline is the same load on the Django admin's changelist of tasks, filtered to the same
plan; the floor the same load on /healthz, the cheapest page that touches the database. Both
clients log in by a session made here, in-process, without a password: no login form, no
django-axes attempt, no signal writing to the database.

The machine has 2 cores and wrk runs on them too (one thread; its CPU time is reported): the
figures are those of server, database and load generator together, a floor for what a web
machine alone would serve.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import harness
from bench.generate import DataSet
from bench.suite import Operation, Target

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 20
SECONDS = 30
WARMING = 20  # requests a page gets before its run: each worker's templates and connection


def operations(data: DataSet) -> list[Operation]:
    plan = data.this_year
    # The pages of the suite's "office task list, page 1" row and of its baseline.
    ours = f"/tasks/?year={plan.year}&page=1"
    admin = f"/bench-admin/tasks/task/?plan__id__exact={plan.pk}"
    rows = plan.tasks.count()
    return [
        Operation(
            name=f"HTTP: task list under {CLIENTS} clients",
            size=f"{rows:,} tasks of {plan.year}, 25 a page",
            target=Target(p95_ms=None, min_per_second=100),
            measure=lambda: load_test(data, ours, admin),
            baseline_is="the Django admin changelist of the same rows (bench.admin), same load",
            floor_is="/healthz (SELECT 1 and a broker ping), same load",
        )
    ]


def load_test(data: DataSet, ours: str, admin: str) -> dict:
    from django.contrib.sessions.models import Session

    from bench.ops_pages import superuser as baseline_user

    superuser = baseline_user()
    sessions: list[str] = []
    try:
        office_key = session_for(data.bureau.office)
        admin_key = session_for(superuser)
        sessions += [office_key, admin_key]
        queries = queries_of(ours, office_key)
        with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
            folder = Path(tmp)
            with gunicorn(folder / "gunicorn.log") as host:
                task_list = load(host, ours, office_key)
                changelist = load(host, admin, admin_key)
                health = load(host, "/healthz", None)
    finally:
        Session.objects.filter(session_key__in=sessions).delete()
    return {
        "median_ms": task_list["median_ms"],
        "p95_ms": task_list["p95_ms"],
        "queries": queries,
        "baseline_ms": changelist["median_ms"],
        "floor_ms": health["median_ms"],
        "requests_per_second": task_list["requests_per_second"],
        "errors": task_list["errors"],
        "clients": CLIENTS,
        "seconds": task_list["seconds"],
        "requests": task_list["requests"],
        "baseline_requests_per_second": changelist["requests_per_second"],
        "baseline_errors": changelist["errors"],
        "floor_requests_per_second": health["requests_per_second"],
        "floor_errors": health["errors"],
        "p99_ms": task_list["p99_ms"],
        "load_generator_cpu_seconds": task_list["load_generator_cpu_seconds"],
    }


def session_for(user) -> str:
    """A logged-in session's key, as ``login()`` would store it, written without calling it:
    login() would update last_login and add axes' and the security log's rows."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from org.backends import ModelBackend
    from org.middleware import REFRESHED_KEY

    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = f"{ModelBackend.__module__}.{ModelBackend.__qualname__}"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # The idle clock starts now: the run is shorter than SESSION_COOKIE_AGE, and the
    # middleware's one refresh a minute saves the same key.
    session[REFRESHED_KEY] = int(timezone.now().timestamp())
    session.create()
    assert session.session_key is not None  # made by create()
    return session.session_key


def queries_of(path: str, session_key: str) -> int:
    """SQL queries of one request for the page, in-process, after a warming one."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    client.get(path)
    with harness.counting_queries() as counted:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code} in-process, not 200")
    return counted["queries"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(log: Path) -> Iterator[str]:
    """gunicorn as deploy/ runs it, on a free port of 127.0.0.1; its output (an access log line
    a request) to ``log``. Stopped on the way out, whatever happened."""
    bind = f"127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DEBUG": "False",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "GUNICORN_BIND": bind,
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: killed with its workers if need be
        )
    try:
        deadline = time.monotonic() + 30
        while status(f"http://{bind}/healthz") != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer /healthz:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield f"http://{bind}"
    finally:
        process.terminate()  # the master's graceful stop, as systemd's
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def status(url: str, cookie: str | None = None) -> int | None:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def load(host: str, path: str, session_key: str | None) -> dict:
    """``CLIENTS`` connections asking for ``path`` for ``SECONDS``, with no pause between a
    response and the next request (throughput is what the server can take); wrk's figures."""
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}" if session_key else ""
    for _ in range(WARMING):
        status(host + path, cookie or None)
    command = ["wrk", "--threads", "1", "--connections", str(CLIENTS), "--duration", f"{SECONDS}s"]
    command += ["--timeout", "10s", "--script", str(ROOT / "bench" / "wrk.lua"), host + path]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(
        command,
        env={**os.environ, "BENCH_COOKIE": cookie},
        capture_output=True,
        text=True,
        timeout=SECONDS + 60,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    if run.returncode or not lines:
        raise SystemExit(f"wrk failed for {path}:\n{run.stdout}\n{run.stderr}")
    figures = json.loads(lines[-1])
    seconds = figures["duration_us"] / 1e6
    return {
        "median_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "requests_per_second": round(figures["requests"] / seconds, 1),
        "errors": figures["errors"],
        "requests": figures["requests"],
        "seconds": round(seconds, 1),
        "load_generator_cpu_seconds": round(
            after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2
        ),
    }
