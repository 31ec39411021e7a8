"""The browser suite: Debian's Chromium driven by Playwright against a live server."""

import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from tasks.models import Metric

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The demo bureau of 2026.

    An earlier browser test's flush took what the migrations seeded (the metric catalogue)
    with it; serialized rollback cannot put it back once Playwright's event loop runs in this
    thread (the connection holding the serialized data is no longer the one Django hands out),
    so the catalogue's own migration loads it again.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    if not Metric.objects.filter(department=None).exists():
        import_module("tasks.migrations.0004_metric_catalogue").load(apps, None)
    call_command("load_demo", year=2026, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def login(browser, live_server):
    """A fresh browser context logged in as the given demo user; returns its page.

    Whatever the pages do, the Content-Security-Policy must not have refused any of it (an
    inline script or style left behind shows here as a console error).
    """
    contexts = []
    refused: list[str] = []

    def note_refusal(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    def open_as(username: str, password: str, *, width: int = 1366, height: int = 768):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", note_refusal)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert not refused, refused


def screenshot(page, name: str) -> Path:
    """Saved with the test run's output, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
