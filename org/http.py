"""The request a logged-in person's view is given."""

from django.http import HttpRequest

from .models import User


class AuthenticatedRequest(HttpRequest):
    """A request past ``login_required`` (or ``LoginRequiredMixin``): its user is a User, never
    an AnonymousUser. Only the type checker sees this class; Django hands every view its plain
    HttpRequest."""

    user: User
