"""Production hardening: the deploy check, the Content-Security-Policy, download headers, login
lockout, the security log and sessions that end after inactivity."""

import datetime
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from . import test_permission_matrix as matrix
from .factories import PASSWORD

BASE_DIR = Path(__file__).resolve().parent.parent
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

# The permission matrix's fixtures: every object its URLs need.
personas = matrix.personas
imports = matrix.imports
evidence_files = matrix.evidence_files
registers = matrix.registers


def test_deploy_check_with_the_production_settings_reports_no_issues(tmp_path):
    # Not the browser suite's switch (tests/e2e/conftest.py sets it in this process).
    outer = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **outer,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "gongkai.example.gov.cn",
        "MEDIA_ROOT": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


# --- Content-Security-Policy ------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_pages_carry_a_policy_that_allows_scripts_from_the_site_only(client, office_staff):
    client.force_login(office_staff)
    response = client.get(reverse("reporting:dashboard"))
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_login_page_carries_the_policy_too(client):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


PAGES = [
    (name, role)
    for name, (kind, outcomes) in matrix.EXPECTED.items()
    for role in ("office", "head")
    if (outcomes[role][0] if kind else outcomes[role]) == 200
]


# Pages drawn by a maintained third-party front end, and why they may have inline styles (never
# inline scripts): Swagger UI sets its styles from its own script, served from our site.
INLINE_STYLES_ALLOWED = {"api:docs": "Swagger UI styles its elements inline"}


@pytest.mark.parametrize(("url_name", "role"), PAGES)
def test_no_page_of_the_app_needs_inline_script_or_style(
    client, world, personas, imports, evidence_files, registers, url_name, role
):
    """Every page the permission matrix opens, as the office and as a unit head."""
    kind, _outcomes = matrix.EXPECTED[url_name]
    client.force_login(personas[role])
    if kind is None:
        url = reverse(url_name)
    else:
        obj = matrix.objects_for(world, role, kind, imports, evidence_files, registers)[0]
        url = reverse(url_name, args=[obj.pk, *matrix.MORE_ARGS.get(url_name, [])])
    response = client.get(url)
    assert response.status_code == 200
    if not response["Content-Type"].startswith("text/html"):
        return  # a download or a JSON status: its own headers are tested below
    policy = dict(d.partition(" ")[::2] for d in response["Content-Security-Policy"].split("; "))
    assert "'unsafe-inline'" not in policy["script-src"]
    if url_name in INLINE_STYLES_ALLOWED:
        assert not INLINE_SCRIPT.findall(response.content.decode()), url
        return
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html), url
    assert not EVENT_HANDLER.findall(html), url
    assert not STYLE_ATTRIBUTE.findall(html), url


def test_the_report_page_loads_its_progress_script_from_a_file(client, world, office_staff):
    client.force_login(office_staff)
    report = matrix.report_objects(world)["report"][world.department]
    html = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert re.search(r'<script src="[^"]*js/report_progress\.js"', html)
    assert 'data-status-url="' in html


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("registers:request_export", "?format=csv"),
        ("reporting:brief_docx", ""),
        ("tasks:task_list", "?_export=xlsx"),
    ],
)
def test_downloads_are_attachments_that_a_browser_will_not_run(
    client, office_staff, url_name, query
):
    client.force_login(office_staff)
    response = client.get(reverse(url_name) + query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert directives(response["Content-Security-Policy"]) == {
        "default-src": ["'none'"],
        "sandbox": [],
    }
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Download-Options"] == "noopen"
    assert "filename*=utf-8''" in response["Content-Disposition"]  # a Chinese name, readable


def test_an_evidence_file_is_downloaded_sandboxed(client, world, personas, evidence_files):
    client.force_login(personas["office"])
    evidence = evidence_files[world.own_assignment]
    response = client.get(reverse("tasks:evidence_download", args=[evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == evidence.content_type


# --- Login lockout ----------------------------------------------------------------------------


def log_in(client, username, password, **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


@pytest.fixture
def security_log(caplog):
    """The security logger does not propagate (its own handler); catch its records here."""
    logger = logging.getLogger("security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="security")
    yield caplog
    logger.removeHandler(caplog.handler)


def security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "security"]


def test_repeated_failed_logins_lock_the_username_from_that_address(
    client, office_staff, security_log
):
    # given: one failure short of the limit
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = log_in(client, "office", "wrong-password")
        assert response.status_code == 200  # the form again, with its error
    # when
    response = log_in(client, "office", "wrong-password")
    # then: locked, told so, and the right password no longer gets in from here
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "locked on this computer for 30 minutes" in response.content.decode()
    response = log_in(client, "office", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert 'event=lockout user="office" address="127.0.0.1"' in security_lines(security_log)
    # another address is not locked out with it
    response = log_in(client, "office", PASSWORD, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, office_staff):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            log_in(client, "office", "wrong-password")
        assert log_in(client, "office", PASSWORD).status_code == 429
        clock.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1))
        assert log_in(client, "office", PASSWORD).status_code == 302


# --- The security log -------------------------------------------------------------------------


def test_logins_logouts_and_failures_are_logged_with_the_address(
    client, office_staff, security_log
):
    # when
    log_in(client, "office", "wrong-password", REMOTE_ADDR="192.0.2.7")
    log_in(client, "office", PASSWORD, REMOTE_ADDR="192.0.2.7")
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.7")
    # then
    assert security_lines(security_log) == [
        'event=login_failed user="office" address="192.0.2.7"',
        'event=login user="office" address="192.0.2.7"',
        'event=logout user="office" address="192.0.2.7"',
    ]


def test_a_security_log_line_starts_with_the_time():
    config = settings.LOGGING["formatters"]["security"]
    formatter = logging.Formatter(config["format"], config["datefmt"])
    record = logging.LogRecord("security", logging.INFO, "", 0, "event=login", None, None)
    line = formatter.format(record)
    assert re.match(r"time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} logger=security ", line)


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "address"),
    [
        (0, "203.0.113.9", "192.0.2.7"),  # no proxy of ours: the header is the client's own
        (1, "203.0.113.9", "203.0.113.9"),  # nginx appended what it saw
        (1, "10.9.9.9, 203.0.113.9", "203.0.113.9"),  # the client's forged first hop is not
        (2, "10.9.9.9, 203.0.113.9, 10.0.0.2", "203.0.113.9"),  # a balancer, then nginx
        (2, "203.0.113.9", "192.0.2.7"),  # fewer hops than proxies: not through them
    ],
)
def test_forwarded_for_is_believed_only_as_far_as_our_own_proxies(
    client, office_staff, security_log, settings, proxies, forwarded_for, address
):
    settings.TRUSTED_PROXIES = proxies
    log_in(
        client,
        "office",
        "wrong-password",
        REMOTE_ADDR="192.0.2.7",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    assert security_lines(security_log) == [f'event=login_failed user="office" address="{address}"']


def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, office_staff, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        forged = f"198.51.100.{n}, 203.0.113.9"  # a new first hop each time; nginx's last
        response = log_in(client, "office", "wrong-password", HTTP_X_FORWARDED_FOR=forged)
    assert response.status_code == 429


# --- Sessions and passwords -------------------------------------------------------------------


@pytest.fixture
def idle_clock(settings):
    """The production interval of the session's idle clock (the suite's is off)."""
    settings.SESSION_REFRESH_SECONDS = 60


def test_a_session_ends_after_the_idle_period_and_not_while_in_use(
    client, office_staff, idle_clock
):
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    dashboard = reverse("reporting:dashboard")
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as clock:
        assert log_in(client, "office", PASSWORD).status_code == 302
        # in use: each request moves the expiry on
        for _ in range(3):
            clock.shift(idle - datetime.timedelta(minutes=1))
            assert client.get(dashboard).status_code == 200
        # idle for longer than the period: back to the login page
        clock.shift(idle + datetime.timedelta(minutes=1))
        response = client.get(dashboard)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_session_cookie_ends_with_the_browser(client, office_staff):
    log_in(client, "office", PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert cookie["httponly"]


def test_a_busy_page_does_not_write_the_session_on_every_request(client, office_staff, idle_clock):
    """The report page polls every second: its session is saved once a minute at most."""
    client.force_login(office_staff)
    client.get(reverse("tasks:notification_list"))  # refreshes the new session
    session_key = client.session.session_key
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("tasks:notification_list"))
    assert not [q for q in queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]
    assert client.session.session_key == session_key


@pytest.mark.parametrize(
    ("password", "accepted"),
    [("demo-2026!", True), ("short-1!", False), ("1234567890123", False), ("password123", False)],
)
def test_passwords_are_validated(db, password, accepted):
    try:
        validate_password(password)
    except ValidationError:
        assert not accepted
    else:
        assert accepted
