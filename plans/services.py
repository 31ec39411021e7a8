"""Writes for plans and their headings. Each takes the acting person as ``by``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from org.models import User

from .models import Heading, Plan

# draft → issued → closed; a closed plan may be reopened by the office.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Plan.Status.DRAFT: (Plan.Status.ISSUED,),
    Plan.Status.ISSUED: (Plan.Status.CLOSED,),
    Plan.Status.CLOSED: (Plan.Status.ISSUED,),
}


@transaction.atomic
def save_plan(plan: Plan, *, by: User | None) -> Plan:
    plan._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def change_plan_status(plan: Plan, *, to: str, by: User | None) -> Plan:
    if to not in TRANSITIONS[plan.status]:
        raise ValidationError(
            _("A plan cannot go from “{current}” to “{target}”.").format(
                current=plan.get_status_display(), target=Plan.Status(to).label
            )
        )
    if to == Plan.Status.ISSUED and not plan.tasks.exists():
        raise ValidationError(_("A plan with no tasks cannot be issued."))
    plan.status = to
    plan._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    plan.save(update_fields=["status"])
    return plan


@transaction.atomic
def delete_draft_plan(plan: Plan, *, by: User | None) -> None:
    """Withdraw a plan made by mistake (the wrong document imported, say) while it is a draft:
    no unit has seen it yet. An issued plan is closed instead, keeping what units reported."""
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(_("Only a draft plan can be deleted: close an issued plan instead."))
    if plan.tasks.filter(assignments__updates__isnull=False).exists():
        raise ValidationError(_("Units have reported on this plan's tasks: it cannot be deleted."))
    plan._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    plan.delete()


def save_heading(heading: Heading, *, by: User | None) -> Heading:
    if heading.parent is not None and heading.parent.plan_id != heading.plan_id:
        raise ValidationError({"parent": _("The parent heading belongs to another plan.")})
    heading._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    # The plan and parent are saved instances (checked against each other above): no query
    # each to ask whether they exist, for every heading of an imported plan.
    heading.full_clean(exclude=["plan", "parent"])
    # Checked before it writes: no savepoint of its own inside an import (300 headings).
    with transaction.atomic(savepoint=False):
        heading.save()
    return heading
