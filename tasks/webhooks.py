"""What the tasks app tells the offices' webhooks (``core.webhooks``): an assignment submitted,
returned or signed off, as it happens; a task overdue, from the daily sweep, once per
assignment and deadline however often the sweep reminds it."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings

from core import webhooks
from core.channels import Section
from core.models import Digest, Webhook

from .models import Assignment, Event, Kind, Reminder

EVENTS = {
    Kind.SUBMITTED: Webhook.Event.SUBMITTED,
    Kind.RETURNED: Webhook.Event.RETURNED,
    Kind.SIGNED_OFF: Webhook.Event.COMPLETED,
}


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def assignment_data(assignment: Assignment) -> dict[str, Any]:
    """An assignment as a webhook's receiver reads it, with links into the product."""
    task = assignment.task
    return {
        "assignment": {
            "id": assignment.pk,
            "status": assignment.status,
            "role": assignment.role,
            "unit": {"id": assignment.unit_id, "name": assignment.unit.name},
            "url": _link(assignment.get_absolute_url()),
        },
        "task": {
            "id": task.pk,
            "title": str(task),
            "text": task.text,
            "due_date": task.due_date,
            "url": _link(task.get_absolute_url()),
        },
        "plan": {"id": task.plan_id, "title": str(task.plan)},
    }


def happened(event: Event) -> None:
    """Tell the hooks of the task's department of a submission, a return or a sign-off."""
    name = EVENTS.get(Kind(event.kind))
    if name is None or event.assignment is None:
        return
    data = assignment_data(event.assignment) | {
        "actor": event.actor.full_name or event.actor.username if event.actor else None,
        "note": event.note,
        "happened_at": event.created_at,
    }
    department = event.task.plan.department_id
    webhooks.dispatch(department, name, key=f"event-{event.pk}", data=data)


class OverdueWebhooks:
    """The day's overdue reminders as a source of the daily sweep (``core.reminders``) that
    tells the hooks, not the digests: once per (assignment, deadline), whichever overdue
    reminder of it comes first."""

    def decide(self, department_id: int, day: datetime.date, rules) -> None:
        pass  # the assignments' own source decides the reminders

    def notify(self, day: datetime.date) -> int:
        listening = Webhook.objects.filter(is_active=True).values("department")
        overdue = (
            Reminder.objects.filter(
                date=day,
                rule=Reminder.Rule.OVERDUE,
                assignment__task__plan__department__in=listening,
            )
            .select_related("assignment__task__plan", "assignment__unit")
            .order_by("pk")
        )
        for reminder in overdue:
            assignment = reminder.assignment
            webhooks.dispatch(
                assignment.task.plan.department_id,
                Webhook.Event.OVERDUE,
                key=f"overdue-{assignment.pk}-{reminder.deadline}",
                data=assignment_data(assignment)
                | {"deadline": reminder.deadline, "working_days_overdue": reminder.days},
            )
        return 0  # no reminders of its own: the sweep counts the assignments' source's

    def section(self, digest: Digest) -> Section | None:
        return None  # nothing in the digests


SOURCE = OverdueWebhooks()
