from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core.sql import CappedCount
from org.models import User
from org.permissions import has_superior, is_office
from tasks import cascade, permissions
from tasks.models import Assignment, Notification


def _count(rows: QuerySet, by: str) -> Coalesce:
    """The number of ``rows`` (all of one ``by``), as a scalar subquery."""
    # COUNT(*), not of the pk: the rows are then counted from an index alone.
    counted = rows.order_by().values(by).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# A badge counts to 99 and then says "99+": nobody reads a larger figure off a menu, and the
# pages behind the badges count their rows in full.
BADGE_CAP = 99


def _badge(count: int) -> int | str:
    return f"{BADGE_CAP}+" if count > BADGE_CAP else count


def notifications(request) -> dict:
    """The bell's unread count, and for the office the submissions awaiting review, read in one
    query, only for people who are logged in. Counted once a request: a table rendered with
    ``{% render_table %}`` runs the context processors again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not hasattr(request, "unread_notifications"):
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        # The review queue's rows (permissions.visible_assignments: the department's plans),
        # found by their units: a task is only ever given to units of its plan's department
        # (services.check_task; the bulk actions offer no other), and the department's units
        # are cheaper to join than the tasks of every year: 2 ms, not 30, on the bench data
        # (tasks_assignment's index "assignment_submitted").
        submitted = Assignment.objects.awaiting_review().filter(unit__department=user.department_id)
        office = is_office(user)
        # Tasks from above (tasks.cascade), for an office with a department above it: all of
        # them (the menu offers the page when there are any), and those waiting on the office,
        # as its page lists them. Most offices have none above: their query is the smaller.
        above = office and has_superior(user)
        counts = User.objects.filter(pk=user.pk).values_list(
            CappedCount(unread, BADGE_CAP + 1),
            CappedCount(submitted, BADGE_CAP + 1) if office else Value(0),
            _count(permissions.cascaded_to(user), "unit__represents") if above else Value(0),
            _count(cascade.waiting(user), "unit__represents") if above else Value(0),
        )
        (
            request.unread_notifications,
            request.awaiting_review,
            request.from_above,
            request.from_above_waiting,
        ) = counts.get()
    return {
        "unread_notifications": _badge(request.unread_notifications),
        "awaiting_review": _badge(request.awaiting_review),
        "from_above": request.from_above,
        "from_above_waiting": request.from_above_waiting,
    }
