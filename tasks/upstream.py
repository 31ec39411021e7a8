"""What flows between levels once a department has placed a superior's assignment in its own
plan (``tasks.cascade``): the department's progress rolls up to the superior's assignment, and
the superior's edits come down to the department's office, marked until it acknowledges them.

The services that change a task's progress, status or deadline call these (``tasks.services``),
in their own transaction, so a roll-up is never half-done.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from org.models import User

from . import activity, permissions
from .models import Assignment, Event, Kind, Notification, ProgressUpdate, Task

Status = Assignment.Status


def rolled_status(statuses: list[str]) -> str:
    """The superior's assignment's status, read off the statuses of the department's task's
    assignments: started once any part is; submitted once every part is handed in (to the
    department's own office); completed once every part is signed off there."""
    if all(s == Status.NOT_STARTED for s in statuses):
        return Status.NOT_STARTED
    if all(s == Status.COMPLETED for s in statuses):
        return Status.COMPLETED
    if all(s in (Status.SUBMITTED, Status.COMPLETED) for s in statuses):
        return Status.SUBMITTED
    return Status.IN_PROGRESS


def roll_up(task: Task, *, by: User | None, note: str = "") -> Assignment | None:
    """Bring the superior's assignment in line with the department's task. Idempotent: a
    second call with nothing new changes nothing. A move of status, or a ``note`` (a return, a
    deadline moved, the link made), is an entry in its timeline, by the person who caused it."""
    if task.upstream_id is None:
        return None
    with transaction.atomic():
        upstream = Assignment.objects.select_for_update().get(pk=task.upstream_id)
        statuses = list(task.assignments.values_list("status", flat=True))
        target = rolled_status(statuses)
        moved = target != upstream.status
        if not (moved or note):
            return upstream
        done = statuses.count(Status.COMPLETED)
        if by is not None:  # an entry has an author; a system change moves the status alone
            if not note:
                note = _("{department}: {done} of {total} units done.").format(
                    department=task.plan.department, done=done, total=len(statuses)
                )
            ProgressUpdate.objects.create(
                assignment=upstream,
                author=by,
                text=note,
                percent=round(100 * done / len(statuses)) if statuses else None,
                status=target if moved else "",
            )
        upstream.version += 1
        fields = ["version", "updated_at"]
        if moved:
            upstream.status = target
            fields.append("status")
        upstream._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
        if not moved:
            # Only the version moved: its change log would show an edit with nothing in it;
            # the note is the record, in the assignment's timeline.
            upstream.skip_history_when_saving = True  # type: ignore[attr-defined]
        upstream.save(update_fields=fields)
    return upstream


def returned(assignment: Assignment, comment: str, *, by: User) -> None:
    """A department's office returned one of its units' work on a placed task: the superior
    sees it in its assignment's timeline."""
    task = assignment.task
    note = _("{department} returned the work of {unit}: {comment}").format(
        department=task.plan.department, unit=assignment.unit, comment=comment.strip()
    )
    roll_up(task, by=by, note=note[:4000])


def deadline_moved(task: Task, old: datetime.date, *, by: User | None) -> None:
    """The department moved the deadline of a placed task: the superior sees it in its
    assignment's timeline."""
    if old == task.due_date:
        return
    if task.upstream_id is not None:
        note = _("{department} moved its deadline from {old} to {new}.").format(
            department=task.plan.department, old=old, new=task.due_date
        )
        roll_up(task, by=by, note=note)


def edited(task: Task, before: Mapping[str, Any], *, by: User | None) -> int:
    """The superior changed its task's text or deadline: each department that placed it is
    told (``Kind.UPSTREAM``), and its task is marked changed upstream until acknowledged.
    ``before``: the task's ``text``, ``title`` and ``due_date`` before the edit. Returns the
    number of departments told."""
    changes = []
    if (before["text"], before["title"]) != (task.text, task.title):
        # The old wording, shortened: the task's page shows the new one beside the office's own,
        # and an event's note holds 300 characters.
        was = Truncator(before["title"] or before["text"]).chars(80)
        changes.append(_("its text changed (it read “{was}”)").format(was=was))
    if before["due_date"] != task.due_date:
        changes.append(
            _("its deadline moved from {old} to {new}").format(
                old=before["due_date"], new=task.due_date
            )
        )
    if not changes:
        return 0
    return _tell_below(task, changes, old=before["due_date"], by=by)


def closed(task: Task, *, by: User) -> None:
    """A task was closed (``services.close_task``): the superior's, and the departments that
    placed it hear of it; a department's placed one, and the superior sees it."""
    if task.upstream_id is not None:
        note = _("{department} closed its task: {reason}").format(
            department=task.plan.department, reason=task.closed_reason
        )
        roll_up(task, by=by, note=note)
    reason = _("it was closed: {reason}").format(reason=task.closed_reason)
    _tell_below(task, [reason], old=task.due_date, by=by)


def _tell_below(task: Task, changes: list[str], *, old: datetime.date, by: User | None) -> int:
    """Each department that placed the superior's ``task`` is told what changed, and its
    task marked changed upstream until its office acknowledges it."""
    placed = list(Task.objects.filter(upstream__task=task).select_related("plan"))
    if not placed:
        return 0
    Task.objects.filter(pk__in=[t.pk for t in placed]).update(upstream_changed_at=timezone.now())
    note = _("{superior} changed its task: {changes}.").format(
        superior=task.plan.department, changes="；".join(changes)
    )
    for downstream in placed:
        activity.upstream_changed(downstream, note=note, old=old, new=task.due_date, by=by)
    return len(placed)


def changes_told(task: Task, limit: int = 5) -> list[Event]:
    """What the superior changed on the task this one places, newest first, as its office was
    told (``_tell_below``): the notice on the task's page says what, not only when."""
    return list(task.events.filter(kind=Kind.UPSTREAM).order_by("-created_at", "-pk")[:limit])


@transaction.atomic
def acknowledge(task: Task, *, by: User) -> None:
    """The department's office has read what the superior changed."""
    if task.upstream_id is None or not permissions.can(by, permissions.MANAGE, task):
        raise PermissionDenied
    Task.objects.filter(pk=task.pk).update(upstream_changed_at=None)  # not in its history
    task.upstream_changed_at = None
    Notification.objects.filter(
        recipient=by, kind=Kind.UPSTREAM, event__task=task, read_at__isnull=True
    ).update(read_at=timezone.now())
