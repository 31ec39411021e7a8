import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api.services import create_token


def bearer(user) -> dict[str, str]:
    """Headers of a request carrying a fresh personal token of ``user``."""
    _token, raw = create_token(
        user, name="脚本", expires_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def api_as():
    """A test client that sends ``user``'s token with every request (no session, no CSRF)."""

    def make(user) -> Client:
        return Client(headers=bearer(user))

    return make
