"""A single-machine production start, as deploy/README.md describes it: gunicorn with
deploy/gunicorn.conf.py, a Celery worker and beat, on config.settings.production against
PostgreSQL and Redis; answered through /healthz and a static file."""

import http.client
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django_celery_beat.models import PeriodicTask

from tests.loopback import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
SERVICES = bool(os.environ.get("REDIS_URL")) and "postgres" in os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not SERVICES,
    reason="the production start needs PostgreSQL and Redis: set DATABASE_URL=postgres://… "
    "and REDIS_URL (CI's second run does)",
)


@pytest.fixture
def production_env(database_url, tmp_path) -> dict[str, str]:
    # Not the browser suite's switch (tests/e2e/conftest.py sets it in this process).
    outer = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **outer,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "production-start-test-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{free_port()}",
        "GUNICORN_WORKERS": "2",
    }


@pytest.fixture
def launch(production_env, tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start a process of the stack (its output to a log file of its name); any still running
    at the end is killed with its children."""
    started: list[subprocess.Popen] = []

    def start(name: str, *command: str) -> subprocess.Popen:
        with (tmp_path / f"{name}.log").open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", *command],
                cwd=ROOT,
                env=production_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get(bind: str, path: str, **headers: str) -> tuple[int, http.client.HTTPResponse, bytes]:
    host, port = bind.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response, response.read()
    finally:
        connection.close()


def answers(bind: str) -> bool:
    try:
        return get(bind, "/healthz")[0] == 200
    except OSError:
        return False


def json_lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def test_a_single_machine_production_start_answers_healthz_and_serves_static_files(
    production_env, launch, tmp_path
):
    # given: the static files collected, as on each web machine before it starts
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=production_env,
        check=True,
    )
    bind = production_env["GUNICORN_BIND"]
    # when: web, worker and beat start as the systemd units start them (the worker on a queue
    # of its own, so that it takes no job of anything else on this Redis)
    web = launch("web", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi")
    worker = launch(
        "worker", "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1",
        f"--queues=production-test-{os.getpid()}", "--without-gossip", "--without-mingle",
    )  # fmt: skip
    beat = launch("beat", "celery", "-A", "config", "beat", "--loglevel=INFO", "--pidfile=")
    wait_for(lambda: answers(bind), "gunicorn answering /healthz", worker=web, seconds=20)
    wait_for(
        lambda: "ready." in (tmp_path / "worker.log").read_text(),
        "the worker ready",
        worker=worker,
        seconds=20,
    )
    wait_for(
        lambda: PeriodicTask.objects.filter(name="send-due-reminders").exists(),
        "beat storing its schedule in the database",
        worker=beat,
        seconds=20,
    )
    # then: /healthz over plain HTTP (the load balancer's check is exempt from the HTTPS
    # redirect) says the database and the broker are up
    status, response, body = get(bind, "/healthz", **{"X-Request-ID": "lb-check-1"})
    assert status == 200
    assert json.loads(body) == {"database": "ok", "broker": "ok"}
    assert response.getheader("X-Request-ID") == "lb-check-1"
    # and a static file is served by whitenoise under its hashed name, cached for good
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    status, response, body = get(
        bind, f"/static/{manifest['paths']['css/app.css']}", **{"X-Forwarded-Proto": "https"}
    )
    assert status == 200
    assert body.startswith(b"/* One small stylesheet")
    assert "immutable" in response.getheader("Cache-Control")
    # and the page itself redirects to HTTPS when nginx did not say the request was HTTPS
    assert get(bind, "/accounts/login/")[0] == 301
    # and the logs are JSON, one object a line, a request's with its id
    [access] = [
        line
        for line in json_lines(tmp_path / "web.log")
        if line.get("logger") == "gunicorn.access" and line.get("request_id") == "lb-check-1"
    ]
    assert (access["method"], access["path"], access["status"]) == ("GET", "/healthz", 200)
    assert any(line["logger"].startswith("celery") for line in json_lines(tmp_path / "worker.log"))

    # when: systemd stops them (SIGTERM)
    for process in (web, worker, beat):
        process.terminate()
    # then: each shuts down cleanly, in time
    for process in (web, worker, beat):
        assert process.wait(timeout=20) == 0, (tmp_path / f"{process.args[2]}.log").read_text()
