"""The LDAP sign-on backend (deploy/sso.md), apart from org.backends: python-ldap builds from
source against system headers, so it is an optional install (requirements-ldap.txt) that only a
site turning LDAP on needs."""

from typing import Any

import ldap
from django.conf import settings
from django_auth_ldap.backend import LDAPBackend as DjangoLDAPBackend
from django_auth_ldap.config import LDAPSearch

from . import sso
from .backends import ModelBackend, signed_in
from .models import ExternalIdentity


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
            # Linked to a person here of the same login: the login is the uid (or what
            # LDAP_USER_FILTER searches) in the directory the organisation runs, given by its
            # administrators, not chosen by the person, and the password was bound against that
            # very entry. (OIDC's preferred_username is the person's to edit: org.backends.)
            links_by_login=True,
        )
        user = signed_in(entry)
        if user is None:
            raise ldap_user.AuthenticationFailed("refused by org.sso")
        return user, False  # saved already; django-auth-ldap only saves it again

    def get_user(self, user_id):
        # Not django-auth-ldap's: permissions come from our groups, not the directory's.
        return ModelBackend().get_user(user_id)
