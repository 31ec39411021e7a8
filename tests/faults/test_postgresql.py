"""PostgreSQL restarted, and stopped, under a running app server: a cluster of the test's own,
never the machine's (other test runs use it)."""

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.loopback import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own on a free port, which it may stop and restart
    without disturbing the machine's. As root, its programs run as the ``postgres`` user
    (initdb refuses root)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    @staticmethod
    def unavailable() -> str:
        if not (PG_BIN / "initdb").exists():
            return f"PostgreSQL's programs are not in {PG_BIN}"
        if os.geteuid() == 0 and not shutil.which("runuser"):
            return "runuser is missing to run PostgreSQL as the postgres user"
        return ""

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, str(PG_BIN / program), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def _pg_ctl(self, action: str, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", action, "-D", str(self.folder / "data"), "-l", str(self.folder / "log"),
            "-o", options, "-w", *args,
        )  # fmt: skip

    def init(self) -> None:
        self._run("initdb", "-D", str(self.folder / "data"), "-U", "postgres", "--auth=trust")

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def remove(self) -> None:
        if (self.folder / "data" / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    if reason := PrivatePostgres.unavailable():
        pytest.skip(reason)
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


class Browser:
    """urllib with cookies, not following redirects (a page that sends to the login page
    is not served); an error page is an answer like another."""

    def __init__(self, base: str) -> None:
        self.base = base
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies, NoRedirect)

    def get(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, username: str, password: str) -> int:
        _, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        return self.get("/accounts/login/", form)[0]


@pytest.fixture
def app_server(private_postgres, tmp_path) -> Iterator[tuple[Browser, subprocess.Popen]]:
    """The app migrated, with the demo, served by one long-running process on the private
    cluster (its connection kept between requests: CONN_MAX_AGE, CONN_HEALTH_CHECKS)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": private_postgres.url,
        "DEBUG": "false",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    # One thread, so that every request uses the one connection the process keeps.
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    browser = Browser(f"http://127.0.0.1:{port}")

    def answers() -> bool:
        try:
            return browser.get("/accounts/login/")[0] == 200
        except OSError:
            return False

    try:
        wait_for(answers, "the app server to answer", worker=server, seconds=30)
        yield browser, server
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_the_app_answers_a_clean_error_while_postgresql_is_down_and_recovers_without_a_restart(
    private_postgres, app_server
):
    # given: the office logged in and reading the assignments
    browser, server = app_server
    assert browser.log_in("office", "demo-2026!") == 302
    status, page = browser.get("/assignments/")
    assert status == 200
    # when: PostgreSQL restarts between two requests, the process's kept connection broken
    private_postgres.restart()
    # then: the next request is served (the connection checked and made anew)
    assert browser.get("/assignments/")[0] == 200
    # when: PostgreSQL is down
    private_postgres.stop()
    started = time.monotonic()
    status, page = browser.get("/assignments/")
    # then: at once, an error page telling nothing of the inside
    assert time.monotonic() - started < 10
    assert status == 500
    for leak in ("Traceback", "OperationalError", "psycopg", "127.0.0.1", "postgres"):
        assert leak not in page
    # when: it is back
    private_postgres.start()
    # then: the same process serves the next requests, the office still logged in
    assert [browser.get("/assignments/")[0] for _ in range(3)] == [200] * 3
    assert server.poll() is None
