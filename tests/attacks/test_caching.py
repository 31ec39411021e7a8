"""Shared office PCs and proxies: nothing a logged-in person was shown, and no download, may
be kept by a browser's or a proxy's cache for the next person at the desk."""

import subprocess
import sys

from django.conf import settings
from django.urls import reverse

from tests.test_permission_matrix import EXPECTED, MORE_ARGS, objects_for


def test_every_page_and_download_of_a_logged_in_person_is_private_and_not_stored(
    client, world, personas, imports, evidence_files, registers, tokens, attempt
):
    # given: the office's own objects, and every URL of the app
    client.force_login(personas["office"])
    seen = []
    for name, (kind, _outcomes) in EXPECTED.items():
        args = []
        if kind:
            own = objects_for(world, "office", kind, imports, evidence_files, registers, tokens)[0]
            args = [own.pk, *MORE_ARGS.get(name, [])]

        # when
        response = client.get(reverse(name, args=args))

        # then
        attempt("cache")
        seen.append((name, response.status_code, response.get("Cache-Control", "")))
    kept = [
        (n, code, c) for n, code, c in seen if not {"private", "no-store"} <= set(c.split(", "))
    ]
    assert kept == []
    assert any(n == "tasks:evidence_download" and code == 200 for n, code, _ in seen)


def test_a_server_started_without_settings_refuses_to_run_instead_of_running_dev_settings():
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}  # no DJANGO_SETTINGS_MODULE, no SECRET_KEY

    started = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert started.returncode != 0
    assert "SECRET_KEY" in started.stderr
