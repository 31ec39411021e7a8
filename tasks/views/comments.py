"""The comment thread of an assignment or a task, shown and posted on the object's own page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from org.http import AuthenticatedRequest
from tasks import activity, permissions
from tasks.forms import CommentForm


def post_comment(request: AuthenticatedRequest, target, form: CommentForm) -> bool:
    """Add the posted comment to the target's thread; False leaves the error on the form."""
    if not form.is_valid():
        return False
    try:
        activity.comment(target, form.cleaned_data["text"], by=request.user)
    except ValidationError as error:
        form.add_error("text", error)
        return False
    messages.success(request, _("Comment posted."))
    return True


def comments_context(user, target, form: CommentForm) -> dict:
    # The form only for those whose post would be taken (a superior reads the work below, and
    # nobody writes on a cascaded assignment): the same check as activity.comment's.
    may_comment = permissions.can(user, permissions.COMMENT, target)
    return {
        "read_only_below": not permissions.is_own_work(user, target),
        "comments": activity.thread(target),
        "comment_form": form if may_comment else None,
        "mentionable": permissions.people_who_see(target).order_by("role", "unit", "full_name"),
    }
