"""Headers for the files and pages the app hands out; login sessions that end when left idle; a
person not yet placed in the organisation kept to the one page that says so."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control

from .permissions import is_placed

# When the session's expiry was last moved on (seconds since the epoch).
REFRESHED_KEY = "_refreshed_at"


class AttachmentHeadersMiddleware:
    """A download is never rendered or run as a page of this site.

    Every response sent as an attachment (evidence files, the exports) gets a sandboxing
    Content-Security-Policy, so that a file a browser renders anyway (an uploaded HTML or SVG
    named .pdf) runs no script with the site's cookies, and X-Download-Options: noopen (old
    Internet Explorer, still on some government desktops, otherwise offers to open it in the
    site's context). nosniff comes from SecurityMiddleware (SECURE_CONTENT_TYPE_NOSNIFF). It sits
    below django-csp's middleware, which leaves a policy already set alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Disposition", "").startswith("attachment"):
            response.setdefault("Content-Security-Policy", "default-src 'none'; sandbox")
            response["X-Download-Options"] = "noopen"
        return response


class PrivateResponsesMiddleware:
    """Nothing a logged-in person sees, and no download, is kept by a browser or a proxy.

    Offices share PCs and proxies: a page or an export with applicants' names must not come
    back from the cache to the next person at the desk (the back button after logging out).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if download or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response


class SessionIdleExpiryMiddleware:
    """A login session ends SESSION_COOKIE_AGE after its last request, not after its first.

    Rather than SESSION_SAVE_EVERY_REQUEST (a session write, and on SQLite the database's write
    lock, on every page and every second of the report page's polling, behind a worker sending
    mail), the expiry moves on at most once every SESSION_REFRESH_SECONDS: a session idle for
    the whole period has ended, one idle for a minute less has not.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = int(timezone.now().timestamp())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now  # modified: saved with a new expiry
        return response


@receiver(user_logged_in, dispatch_uid="session_idle_expiry_start")
def start_idle_clock(sender, request, user, **kwargs) -> None:
    """Logging in saves the session anyway: the first pages after it need not save it again."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_KEY] = int(timezone.now().timestamp())


class UnplacedPersonMiddleware:
    """A person single sign-on could not place (no department or unit of ours, org/sso.py) is
    logged in but belongs nowhere: every page sends them to the one asking them to have their
    office assign a unit, and the API refuses them, rather than each list relying on showing an
    unplaced person nothing. Those the office places go on at their next request."""

    OPEN = frozenset({"unit_pending", "logout", "set_language", "login", "healthz"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_placed(user):
            return None
        match = request.resolver_match
        if match is None or match.view_name in self.OPEN:
            return None
        if match.namespace == "api":
            raise PermissionDenied
        return redirect("unit_pending")
