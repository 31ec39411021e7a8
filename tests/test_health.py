"""``/healthz``: the database and the broker, for the load balancer; no login, never cached."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from config import health
from config.celery_app import app as celery_app
from tests.loopback import free_port


@pytest.fixture
def closed_broker(monkeypatch) -> None:
    """The Celery app points at a port where nothing listens."""
    monkeypatch.setattr(celery_app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")


def test_healthz_answers_ok_for_the_database_and_the_broker_without_login(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_broker_is_unreachable(client, db, closed_broker):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "error", "broker": "ok"}
