"""Real servers on 127.0.0.1 for the tests: an SMTP mailbox (aiosmtpd), a private redis-server, an
OpenID Connect provider (oidc-provider on node) and an LDAP server (Debian's slapd), and a way to
wait on what a worker process does, with a deadline."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn
from urllib.parse import urljoin

import pytest
import redis
import requests

from org.models import Unit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def missing(reason: str) -> NoReturn:
    """Skip a test whose server is not installed on this machine; in CI (CI=true), whose .ci/run
    installs every one, fail instead, so that a test cannot quietly stop running there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI installs it (.ci/run), so this test must run")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(
    condition: Callable[[], object],
    what: str,
    *,
    worker: subprocess.Popen | None = None,
    seconds: float = 60,
) -> None:
    """Poll ``condition`` until it holds; fail if the worker dies or the deadline passes."""
    deadline = time.monotonic() + seconds
    while not condition():
        if worker is not None:
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else worker
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.1)


def pool_processes(worker: subprocess.Popen) -> list[int]:
    """The process ids of a worker's pool (its child processes), read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == worker.pid:
            children.append(int(stat.parent.name))
    return children


def kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool processes, as when its machine or container dies."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


class Mailbox:
    """An aiosmtpd handler that keeps the messages it accepts, or refuses them all.

    ``hold("DATA")`` keeps the next message's sender waiting before the server answers its
    DATA (the message is not accepted yet); ``hold("QUIT")`` after it was accepted, before the
    server answers QUIT. ``held`` is set while a sender waits; ``release()`` lets it go. A
    sender that dies meanwhile cancels its session: a message held at DATA is then not kept.
    """

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: str | None = None
        self.port = 0
        self.held = threading.Event()
        self._hold_at: str | None = None
        self._released = threading.Event()

    def hold(self, at: str) -> None:
        self._hold_at = at
        self.held.clear()
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    async def _maybe_wait(self, stage: str) -> None:
        if self._hold_at != stage:
            return
        self._hold_at = None
        self.held.set()
        while not self._released.is_set():
            await asyncio.sleep(0.05)
        self.held.clear()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            return self.refuse
        await self._maybe_wait("DATA")
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope) -> str:
        await self._maybe_wait("QUIT")
        return "221 Bye"

    def to(self) -> list[str]:
        return sorted(str(m["To"]) for m in self.messages)


class RedisServer:
    """A redis-server of the test's own on a free port, saving nothing to disk (like CI's):
    stopping it loses its queues."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, "redis-server to answer", seconds=10)

    def _answers(self) -> bool:
        try:
            with self.client() as client:
                return bool(client.ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()


LOCAL_ROBOTS = {
    "wecom": ["qyapi.weixin.qq.com", "127.0.0.1"],
    "dingtalk": ["oapi.dingtalk.com", "127.0.0.1"],
}


class Robot:
    """A group robot's webhook: records the POSTed JSON and answers ``answer``."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str, dict]] = []
        self.answer: dict = {"errcode": 0, "errmsg": "ok"}
        self.url = ""


def with_robot(unit: Unit, kind: str, url: str) -> Unit:
    unit.webhook_kind, unit.webhook_url = kind, url
    unit.full_clean()
    unit.save(update_fields=["webhook_kind", "webhook_url"])
    return unit


class OIDCProvider:
    """panva's oidc-provider (tests/oidc/provider.mjs, installed by `make oidc-provider`) on a
    free port, with one client whose redirect URI is ``redirect_uri`` and the given accounts
    ({login: {"password": …, "claims": {…}}})."""

    folder = Path(__file__).parent / "oidc"
    client_id, client_secret = "worktracker", "worktracker-test-secret"

    def __init__(self, redirect_uri: str, accounts: dict) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.redirect_uri, self.accounts = redirect_uri, accounts
        self.process: subprocess.Popen | None = None

    @classmethod
    def unavailable(cls) -> str | None:
        if shutil.which("node") is None:
            return "node is not installed"
        if not (cls.folder / "node_modules" / "oidc-provider").is_dir():
            return "oidc-provider is not installed (make oidc-provider)"
        return None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["node", "provider.mjs", str(self.port), self.redirect_uri],
            cwd=self.folder,
            env={**os.environ, "OIDC_ACCOUNTS": json.dumps(self.accounts)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, "the OIDC provider to answer", seconds=20)

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError("the OIDC provider exited")
        try:
            return requests.get(self.discovery_url, timeout=2).ok
        except requests.ConnectionError:
            return False

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def settings(self) -> dict[str, str]:
        """The app's OIDC settings for this provider, as deploy/sso.md has one set them."""
        found = requests.get(self.discovery_url, timeout=5).json()
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": found["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": found["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": found["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": found["jwks_uri"],
        }

    def log_in(self, authorization_url: str, login: str, password: str) -> str:
        """A browser at the provider: the authorization request, its login form, and the
        redirects up to the one that leaves the provider (returned: the app's callback URL)."""
        browser = requests.Session()

        def follow(response: requests.Response) -> requests.Response:
            while response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if not location.startswith(self.issuer):
                    break
                response = browser.get(location, allow_redirects=False, timeout=5)
            return response

        response = follow(browser.get(authorization_url, allow_redirects=False, timeout=5))
        assert 'name="password"' in response.text, response.text
        response = follow(
            browser.post(
                response.url,
                data={"login": login, "password": password},
                allow_redirects=False,
                timeout=5,
            )
        )
        assert response.is_redirect, (response.status_code, response.text)
        return urljoin(response.url, response.headers["Location"])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
