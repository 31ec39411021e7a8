"""CSRF: a POST without the token to any URL of the app is refused (403) and changes nothing."""

from django.test import Client
from django.urls import reverse

from tests.test_permission_matrix import EXPECTED, MORE_ARGS, NOT_APP_URLS, objects_for

from .conftest import row_counts

URLS = sorted(EXPECTED) + sorted(NOT_APP_URLS)
# What a forged form would post: enough for every view to act if the token were not checked.
FORGED = {
    "action": "submit",
    "status": "closed",
    "note": "forged",
    "reason": "forged",
    "text": "forged",
    "title": "forged",
    "year": "2026",
    "username": "office",
    "password": "x",
    "language": "en",
}


def test_a_post_without_the_csrf_token_is_refused_everywhere(
    world, office_staff, imports, evidence_files, registers, tokens, attempt
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_staff)
    failures = []
    for url_name in URLS:
        # given
        kind = EXPECTED.get(url_name, (None,))[0]
        args = []
        if kind is not None:
            obj = objects_for(world, "office", kind, imports, evidence_files, registers, tokens)[0]
            args = [obj.pk, *MORE_ARGS.get(url_name, [])]
        before = row_counts()
        # when
        response = client.post(reverse(url_name, args=args), FORGED)
        attempt("csrf")
        # then
        if response.status_code != 403 or row_counts() != before:
            failures.append(f"{url_name}: {response.status_code}")
    assert not failures
