"""Real parts for the delivery tests: an SMTP server on loopback that the test process and its
worker processes send through, people with addresses, and a private Redis."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from config.celery_app import app as celery_app
from org.models import User
from tests.loopback import LOCAL_ROBOTS, SMTP_BACKEND, Mailbox, RedisServer, Robot, free_port


@pytest.fixture
def mailbox(settings) -> Iterator[Mailbox]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", box.port
    yield box
    box.release()
    controller.stop()


@pytest.fixture
def celery_worker_env(mailbox) -> dict[str, str]:
    """The worker processes send through the mailbox's SMTP server."""
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mailbox.port),
    }


@pytest.fixture
def people(office_staff, unit_head, unit_staff) -> dict[str, User]:
    """The office and 社管办's head and staff, each with an e-mail address."""
    for person in (office_staff, unit_head, unit_staff):
        person.email = f"{person.username}@edu.example.cn"
        person.save(update_fields=["email"])
    return {"office": office_staff, "head": unit_head, "staff": unit_staff}


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    """A redis-server of the test's own, which it may stop and restart without disturbing
    the machine's; the test process's Celery app publishes to it meanwhile."""
    if not RedisServer.available():
        pytest.skip("redis-server is not on PATH")
    server = RedisServer(tmp_path)
    server.start()
    conf = celery_app.conf
    before = conf.broker_url, conf.broker_transport_options
    conf.broker_url, conf.broker_transport_options = server.url, {}
    _drop_connection_pools()
    yield server
    conf.broker_url, conf.broker_transport_options = before
    _drop_connection_pools()
    server.stop()


def _drop_connection_pools() -> None:
    # Celery keeps the connection and producer pools of its first publish; forget them, as it
    # does after a fork (kombu keeps each broker's pools, for the next time it is used).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


# --- A group robot's webhook on loopback ----------------------------------------------------


@pytest.fixture
def robot(settings) -> Iterator[Robot]:
    robot = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            robot.posts.append((self.path, self.headers["Content-Type"], json.loads(body)))
            answer = json.dumps(robot.answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    robot.url = f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=test"
    settings.WEBHOOK_HOSTS = LOCAL_ROBOTS
    settings.SITE_URL = "https://gk.example.gov.cn"
    yield robot
    server.shutdown()
    server.server_close()
