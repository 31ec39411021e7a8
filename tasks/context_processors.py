from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from org.models import User
from org.permissions import is_office
from tasks.models import Assignment, Notification


def _count(rows: QuerySet, by: str) -> Coalesce:
    """The number of ``rows`` (all of one ``by``), as a scalar subquery."""
    counted = rows.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def notifications(request) -> dict:
    """The bell's unread count, and for the office the submissions awaiting review, read in one
    query, only for people who are logged in. Counted once a request: a table rendered with
    ``{% render_table %}`` runs the context processors again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not hasattr(request, "unread_notifications"):
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        submitted = Assignment.objects.filter(
            status=Assignment.Status.SUBMITTED, task__plan__department=user.department_id
        )
        counts = User.objects.filter(pk=user.pk).values_list(
            _count(unread, "recipient"),
            _count(submitted, "task__plan__department") if is_office(user) else Value(0),
        )
        request.unread_notifications, request.awaiting_review = counts.get()
    return {
        "unread_notifications": request.unread_notifications,
        "awaiting_review": request.awaiting_review,
    }
