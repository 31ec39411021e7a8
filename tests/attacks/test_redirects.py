"""Open redirect: ``next`` (and a forged Referer) never sends anyone off the site."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

OFF_SITE = [
    "https://evil.example/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    " https://evil.example",
    "https://testserver@evil.example/",
    "http://testserver.evil.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
]


def _stays_on_site(response) -> bool:
    location = response.headers.get("Location", "")
    parts = urlsplit(location.strip().replace("\\", "/"))
    return not parts.netloc.strip("/") and parts.scheme in ("", "http", "https")


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_redirects_off_site(client, office_staff, attempt, target):
    attempt("redirect", 2)
    page = client.get(reverse("login"), {"next": target})
    assert page.status_code == 200
    response = client.post(
        f"{reverse('login')}?next={target}",
        {"username": office_staff.username, "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert _stays_on_site(response), response["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_logout_and_language_switch_never_redirect_off_site(client, office_staff, attempt, target):
    client.force_login(office_staff)
    for url, data in (
        (reverse("set_language"), {"language": "en", "next": target}),
        (reverse("logout"), {"next": target}),
    ):
        attempt("redirect")
        response = client.post(url, data, headers={"referer": target})
        assert response.status_code in (200, 302)
        assert response.status_code == 200 or _stays_on_site(response), response["Location"]


def test_no_view_of_the_app_reads_next():
    """The app's own views never take a redirect target from the request (only Django's login,
    logout and language switch do, tested above): a new one gets a test here."""
    root = Path(__file__).resolve().parents[2]
    readers = [
        path.relative_to(root)
        for app in ("org", "plans", "tasks", "reporting", "config")
        for path in (root / app).rglob("*.py")
        if any(
            needle in path.read_text()
            for needle in ('GET.get("next', 'POST.get("next', "HTTP_REFERER", '"Referer"')
        )
    ]
    assert readers == []
