"""Real parts for the delivery tests: an SMTP server on loopback that the test process and its
worker processes send through, people with addresses, and a private Redis."""

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from config.celery_app import app as celery_app
from org.models import User
from tests.loopback import SMTP_BACKEND, Mailbox, RedisServer, free_port


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
