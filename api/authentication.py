"""``Authorization: Bearer <token>`` for programs; the browser uses its session."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from . import services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """A personal API token (``api.models.ApiToken``). A request without the header goes on to
    the next class (the session); a header with a bad, revoked or expired token is refused with
    401, never treated as anonymous."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer ”."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        found = services.user_of(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(
                _("The token is not valid: unknown, revoked or expired.")
            )
        return found

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with this challenge) rather than 403 to a request with no login.
        return f'{self.keyword} realm="api"'
