"""Who may see and change plans. The only place plan access is decided."""

from django.db.models import Q, QuerySet

from org.permissions import (
    VIEW,
    AnyUser,
    get_visible_or_404,
    is_admin,
    is_office,
    overseen_departments,
    sees_whole_department,
)

from .models import Plan

MANAGE = "manage"


# What a plan shows beyond its office: the units of its department, and the departments above.
PUBLISHED = [Plan.Status.ISSUED, Plan.Status.CLOSED]


def visible_plans(user: AnyUser, *, overseen: bool = True) -> QuerySet[Plan]:
    """The person's department's plans, and for a superior's office staff and leaders the
    issued plans of the departments below (to read: writes ask ``can``). ``overseen=False``:
    their own department's alone (a dashboard's scope)."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if is_admin(user):
        return Plan.objects.all()
    plans = Plan.objects.filter(department=user.department_id)
    if sees_whole_department(user):
        below = overseen_departments(user) if overseen else []
        if below:
            # A draft is the department's own working copy, until it issues it.
            below_issued = Q(department__in=below, status__in=PUBLISHED)
            return Plan.objects.filter(Q(department=user.department_id) | below_issued)
        return plans
    # A plan is addressed to every unit of the department once issued; drafts stay in the office.
    return plans.exclude(status=Plan.Status.DRAFT)


def can(user: AnyUser, action: str, plan: Plan | None = None) -> bool:
    """``manage`` with no plan asks whether the user may create plans at all."""
    if action == MANAGE:
        return is_admin(user) or is_office(user, plan.department_id if plan else None)
    if action == VIEW and plan is not None:
        return visible_plans(user).filter(pk=plan.pk).exists()
    return False


def get_plan_or_404(user: AnyUser, pk: int, action: str = VIEW) -> Plan:
    """What a user may not see answers 404; what they may see but not change, 403."""
    qs = visible_plans(user).select_related("department")
    return get_visible_or_404(qs, pk, user=user, action=action, can=can)
