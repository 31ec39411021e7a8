"""Authentication backends: Django's password one, and the single sign-on ones (deploy/sso.md),
each listed in AUTHENTICATION_BACKENDS only when turned on (config/settings/base.py); LDAP's is in
org/ldap_backend.py, since python-ldap is an optional install (requirements-ldap.txt).

Every one reads a person's unit with them: every page's header names it, and the unit's row was
one more query on every request. Whether their department has any below it comes in the same
query (``oversees``): most people's have none, and their pages then ask nothing more of the tree
(org.permissions.overseen_departments). A session remembers the backend that logged its person
in, so each backend answers for its sessions.
"""

import json
import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import sso
from .models import ExternalIdentity, User
from .permissions import place_in_tree

logger = logging.getLogger("security")


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        users = User._default_manager.select_related("unit").annotate(**place_in_tree())
        user = users.filter(pk=user_id).first()
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
            # An address the provider has not checked could be anyone's (and would receive
            # their password resets): taken only when it says it has.
            email=claim("email") if claims.get("email_verified") in (True, "true") else "",
            department=claim(settings.OIDC_DEPARTMENT_CLAIM),
            unit=claim(settings.OIDC_UNIT_CLAIM),
            role=claim(settings.OIDC_ROLE_CLAIM),
            # preferred_username is "neither unique nor stable" (OIDC Core 5.1, 5.7) and many
            # providers let people edit it: it links to a person here only when the operator
            # vouches for the claim (deploy/sso.md).
            links_by_login=settings.OIDC_LINK_EXISTING_BY_USERNAME,
        )
        return signed_in(entry, self.request)

    def get_user(self, user_id):
        return ModelBackend().get_user(user_id)


# Where a refused sign-in is left on the request, for the page that says why (org.views).
REFUSAL = "sso_refusal"


def signed_in(entry: sso.DirectoryEntry, request: HttpRequest | None = None) -> User | None:
    try:
        return sso.sign_in(entry)
    except sso.SignInRefused as refusal:
        if request is not None:
            setattr(request, REFUSAL, refusal)
        # json.dumps quotes the reason, so a login written into it cannot forge another field.
        logger.warning(
            "event=sso_refused source=%s reason=%s",
            entry.source,
            json.dumps(str(refusal), ensure_ascii=False),
        )
        return None
