"""Authentication backends: Django's password one, and the single sign-on ones (deploy/sso.md),
each listed in AUTHENTICATION_BACKENDS only when turned on (config/settings/base.py).

Every one reads a person's unit with them: every page's header names it, and the unit's row was
one more query on every request. A session remembers the backend that logged its person in, so
each backend answers for its sessions.
"""

import json
import logging
from typing import Any

import ldap
from django.conf import settings
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import SuspiciousOperation
from django_auth_ldap.backend import LDAPBackend as DjangoLDAPBackend
from django_auth_ldap.config import LDAPSearch
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import sso
from .models import ExternalIdentity, User

logger = logging.getLogger("security")


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user = User._default_manager.select_related("unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow (state, nonce, PKCE, the ID token's signature checked);
    the person is found by the provider's ``sub``, not by e-mail as the library would."""

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        subject = str(claims.get("sub") or "")
        if not subject or subject != str(payload.get("sub")):
            raise SuspiciousOperation("the user info's subject is not the ID token's")

        def claim(name: str) -> str:
            value = claims.get(name) if name else None
            return str(value) if isinstance(value, str | int) else ""

        entry = sso.DirectoryEntry(
            source=ExternalIdentity.Source.OIDC,
            subject=subject,
            username=claim(settings.OIDC_USERNAME_CLAIM) or subject,
            full_name=claim(settings.OIDC_NAME_CLAIM),
            email=claim("email") if claims.get("email_verified", True) else "",
            department=claim(settings.OIDC_DEPARTMENT_CLAIM),
            unit=claim(settings.OIDC_UNIT_CLAIM),
            role=claim(settings.OIDC_ROLE_CLAIM),
        )
        return _signed_in(entry)

    def get_user(self, user_id):
        return ModelBackend().get_user(user_id)


class LDAPBackend(DjangoLDAPBackend):
    """django-auth-ldap: the login and password of the login form bound against the directory
    (found by ``LDAP_USER_FILTER`` under ``LDAP_USER_SEARCH_BASE``); a person found there is
    signed in through org/sso.py like an OIDC one."""

    @property
    def default_settings(self) -> dict[str, Any]:
        # Built here, not in settings: the search is a python-ldap object, and the options are
        # python-ldap's constants. AUTH_LDAP_* settings, where given, still win.
        timeout = settings.LDAP_TIMEOUT
        return {
            "USER_SEARCH": LDAPSearch(
                settings.LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_USER_FILTER
            ),
            "CONNECTION_OPTIONS": {ldap.OPT_NETWORK_TIMEOUT: timeout, ldap.OPT_TIMEOUT: timeout},
        }

    def get_or_build_user(self, username, ldap_user):
        def attribute(name: str) -> str:
            values = ldap_user.attrs.get(name) if name else None
            return str(values[0]) if values else ""

        entry = sso.DirectoryEntry(
            source=ExternalIdentity.Source.LDAP,
            subject=username.lower(),  # directories compare logins without case
            username=username.lower(),
            full_name=attribute(settings.LDAP_NAME_ATTRIBUTE),
            email=attribute(settings.LDAP_EMAIL_ATTRIBUTE),
            department=attribute(settings.LDAP_DEPARTMENT_ATTRIBUTE),
            unit=attribute(settings.LDAP_UNIT_ATTRIBUTE),
            role=attribute(settings.LDAP_ROLE_ATTRIBUTE),
        )
        user = _signed_in(entry)
        if user is None:
            raise ldap_user.AuthenticationFailed("refused by org.sso")
        return user, False  # saved already; django-auth-ldap only saves it again

    def get_user(self, user_id):
        # Not django-auth-ldap's: permissions come from our groups, not the directory's.
        return ModelBackend().get_user(user_id)


def _signed_in(entry: sso.DirectoryEntry) -> User | None:
    try:
        return sso.sign_in(entry)
    except sso.SignInRefused as refusal:
        # json.dumps quotes the reason, so a login written into it cannot forge another field.
        logger.warning(
            "event=sso_refused source=%s reason=%s",
            entry.source,
            json.dumps(str(refusal), ensure_ascii=False),
        )
        return None
