import datetime
import hashlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import create_token, revoke_token

PLANS = reverse("api:plan_list")


def _token(user, days=90):
    return create_token(
        user, name="省平台同步", expires_on=timezone.localdate() + datetime.timedelta(days=days)
    )


def _get(client, raw):
    return client.get(PLANS, headers={"Authorization": f"Bearer {raw}"})


def test_a_token_is_kept_only_as_its_hash(unit_head):
    token, raw = _token(unit_head)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(stored.prefix)
    assert len(stored.prefix) < len(raw)
    stored_values = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in stored_values


def test_a_token_logs_the_program_in_as_its_person_and_records_its_use(client, unit_head):
    token, raw = _token(unit_head)
    response = _get(client, raw)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_without_a_token_the_api_answers_401_with_a_bearer_challenge(client, world):
    response = client.get(PLANS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_refused_not_taken_for_anonymous(client, world):
    assert _get(client, "wt_not-a-token").status_code == 401


def test_a_revoked_token_no_longer_works(client, unit_head):
    token, raw = _token(unit_head)
    revoke_token(token)
    assert _get(client, raw).status_code == 401


def test_a_token_works_through_its_expiry_date_and_not_a_day_later(client, unit_head):
    _token_row, raw = _token(unit_head, days=1)
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        assert _get(client, raw).status_code == 200
    with time_machine.travel(tomorrow + datetime.timedelta(days=1), tick=False):
        assert _get(client, raw).status_code == 401


def test_a_deactivated_persons_token_is_refused(client, unit_head):
    _token_row, raw = _token(unit_head)
    unit_head.is_active = False
    unit_head.save()
    assert _get(client, raw).status_code == 401


@pytest.mark.parametrize(("days", "field"), [(0, "expires_on"), (367, "expires_on")])
def test_expiry_is_after_today_and_within_a_year(unit_head, days, field):
    with pytest.raises(ValidationError) as error:
        _token(unit_head, days=days)
    assert field in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_the_tokens_page_shows_a_new_token_once_and_lists_it_by_prefix(client, unit_head):
    # given
    client.force_login(unit_head)
    url = reverse("api:token_list")
    expires = timezone.localdate() + datetime.timedelta(days=30)
    # when
    response = client.post(url, {"name": "统计脚本", "expires_on": expires.isoformat()})
    # then
    token = ApiToken.objects.get()
    raw = response.context["created"]
    assert raw in response.content.decode()
    assert hashlib.sha256(raw.encode()).hexdigest() == token.digest
    again = client.get(url).content.decode()
    assert raw not in again
    assert token.prefix in again
    assert "统计脚本" in again


def test_the_tokens_page_says_what_is_wrong_and_makes_nothing(client, unit_head):
    client.force_login(unit_head)
    too_late = timezone.localdate() + datetime.timedelta(days=400)
    response = client.post(
        reverse("api:token_list"), {"name": "x", "expires_on": too_late.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["expires_on"]
    assert not ApiToken.objects.exists()


def test_revoking_on_the_page_stops_the_token(client, unit_head):
    token, raw = _token(unit_head)
    client.force_login(unit_head)
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    client.logout()
    assert _get(client, raw).status_code == 401


def test_nobody_revokes_another_persons_token(client, unit_head, office_staff):
    token, raw = _token(unit_head)
    client.force_login(office_staff)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    client.logout()
    assert _get(client, raw).status_code == 200
