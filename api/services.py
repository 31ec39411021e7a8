"""Writes for personal API tokens, and reading the person a token stands for."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import User
from org.permissions import place_in_tree

from .models import ApiToken

SCHEME = "wt_"  # tells a leaked token for what it is (secret scanners look for such prefixes)
PREFIX_LENGTH = 10  # shown in the list: the scheme and seven characters of the secret
DEFAULT_DAYS = 90
MAX_DAYS = 366  # at most a year (a leap year's too)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def default_expiry() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)


def check_expiry(expires_on: datetime.date) -> None:
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": _("The expiry date must be after today.")})
    if expires_on > today + datetime.timedelta(days=MAX_DAYS):
        raise ValidationError({"expires_on": _("A token lasts at most a year.")})


@transaction.atomic
def create_token(user: User, *, name: str, expires_on: datetime.date) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its secret, which is never seen again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the token: what is it for?")})
    check_expiry(expires_on)
    raw = SCHEME + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[:PREFIX_LENGTH],
        digest=digest_of(raw),
        expires_on=expires_on,
    )
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken) -> ApiToken:
    """Revoked at once and for good; revoking again changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# The last-used time is written at most this often: not on every request of a busy script.
USE_RECORDED_EVERY = datetime.timedelta(minutes=5)


def user_of(raw: str) -> tuple[User, ApiToken] | None:
    """The active person a usable token stands for, or None (unknown, revoked, expired, or its
    person deactivated)."""
    # Where the person's department stands among the levels, as the login backend reads it
    # (org.backends): most people's requests then ask nothing of the tree of departments.
    token = (
        ApiToken.objects.usable()
        .select_related("user")
        .annotate(**place_in_tree("user__department"))
        .filter(digest=digest_of(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    token.user.oversees = token.oversees  # type: ignore[attr-defined]
    token.user.superior = token.superior  # type: ignore[attr-defined]
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token
