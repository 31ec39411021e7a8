"""Real servers on 127.0.0.1 for the tests: an SMTP mailbox (aiosmtpd) and a private redis-server,
and a way to wait on what a worker process does, with a deadline."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import redis

from org.models import Unit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


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
