"""Writes for tasks and assignments. Each runs in one transaction and names its actor ``by``."""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from org.models import Unit, UnitGroup, User
from org.services import ensure_unit_group
from plans.models import Heading, Plan

from . import activity, evidence, permissions, reminders, upstream
from .evidence import Upload
from .models import (
    Assignment,
    EvidenceFile,
    EvidenceLink,
    Figure,
    Metric,
    ProgressUpdate,
    Task,
)


@dataclass
class Responsibility:
    """Who answers for a task: units named one by one, and collective names (「各科室」)."""

    lead: list[Unit] = field(default_factory=list)
    support: list[Unit] = field(default_factory=list)
    groups: list[UnitGroup] = field(default_factory=list)

    def roles(self) -> dict[Unit, str]:
        """Each unit once. Members of a collective name each lead their own part, unless the
        task names a lead unit, in which case they co-operate."""
        roles: dict[Unit, str] = {}
        for unit in self.lead:
            roles.setdefault(unit, Assignment.Role.LEAD)
        for unit in self.support:
            roles.setdefault(unit, Assignment.Role.SUPPORT)
        group_role = Assignment.Role.SUPPORT if self.lead else Assignment.Role.LEAD
        for group in self.groups:
            for unit in group.members():
                roles.setdefault(unit, group_role)
        return roles


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def check_task(
    plan: Plan,
    *,
    heading: Heading | None,
    deadline_kind: str,
    due_date: datetime.date | None,
    recurrence: str,
    responsibility: Responsibility,
) -> datetime.date:
    """Validate a task against its plan; return the due date to store. Raises per field."""
    errors = _deadline_errors(plan, deadline_kind, due_date, recurrence)
    if heading is not None and heading.plan_id != plan.pk:
        errors["heading"] = _("The heading belongs to another plan.")
    units = [*responsibility.lead, *responsibility.support]
    if not units and not responsibility.groups:
        errors["lead_units"] = _("Name at least one responsible unit.")
    foreign: list[Unit | UnitGroup] = [u for u in units if u.department_id != plan.department_id]
    foreign += [g for g in responsibility.groups if g.department_id != plan.department_id]
    if foreign:
        errors["lead_units"] = _("{names} belong(s) to another department.").format(
            names="、".join(str(x) for x in foreign)
        )
    if errors:
        raise ValidationError(errors)
    if deadline_kind == Task.DeadlineKind.DATE:
        assert due_date is not None
        return due_date
    return year_end(plan.year)


def _deadline_errors(
    plan: Plan, deadline_kind: str, due_date: datetime.date | None, recurrence: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if deadline_kind == Task.DeadlineKind.DATE:
        if due_date is None:
            errors["due_date"] = _("Give the deadline date.")
        elif due_date.year != plan.year:
            errors["due_date"] = _("The deadline must fall within the plan's year {year}.").format(
                year=plan.year
            )
    elif deadline_kind == Task.DeadlineKind.RECURRING and not recurrence:
        errors["recurrence"] = _("Say how often the work recurs.")
    return errors


def responsibility_of(task: Task) -> Responsibility:
    """The task's responsibility as it was given: units named one by one, and collective names
    (their members' assignments are the names', not listed again)."""
    groups = list(task.groups.all())
    grouped = {unit.pk for group in groups for unit in group.members()}
    named = Responsibility(groups=groups)
    for assignment in task.assignments.select_related("unit"):
        if assignment.unit_id not in grouped:
            by_role = named.lead if assignment.role == Assignment.Role.LEAD else named.support
            by_role.append(assignment.unit)
    return named


def save_task(
    task: Task,
    *,
    responsibility: Responsibility,
    by: User | None,
) -> Task:
    """Create or update a task and bring its assignments in line with ``responsibility``."""
    adding = task._state.adding
    before = (
        None
        if adding
        else Task.objects.filter(pk=task.pk).values("due_date", "text", "title").first()
    )
    _checked(task, responsibility)
    task._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    # Checked above, before any write: a new task's writes raise nothing a caller catches, so
    # it needs no savepoint of its own. An edit may still be refused half-way
    # (_set_assignments) and rolls back to its savepoint.
    with transaction.atomic(savepoint=not adding):
        task.save()
        if responsibility.groups or not adding:
            task.groups.set(responsibility.groups)
        added, removed = _set_assignments(task, responsibility.roles(), by=by, adding=adding)
        if before:  # an edit: the units whose work it changes hear of it
            activity.reassigned(task, added=added, removed=removed, by=by)
            activity.deadline_changed(task, before["due_date"], by=by)
            # ... and the levels: the superior of a placed task, the departments of a cascaded one
            upstream.deadline_moved(task, before["due_date"], by=by)
            upstream.roll_up(task, by=by)
            upstream.edited(task, before, by=by)
    return task


def _checked(task: Task, responsibility: Responsibility) -> None:
    """Validate the task (raises per field) and settle its stored due date and recurrence."""
    task.due_date = check_task(
        task.plan,
        heading=task.heading,
        deadline_kind=task.deadline_kind,
        due_date=task.due_date,
        recurrence=task.recurrence,
        responsibility=responsibility,
    )
    if task.deadline_kind != Task.DeadlineKind.RECURRING:
        task.recurrence = ""
    # Plan and heading are saved instances (check_task matched them): no query each to ask
    # whether they exist; nor, for a new task, for groups and assignments it cannot have yet.
    task.full_clean(exclude=["plan", "heading"])


@transaction.atomic
def create_tasks(entries: list[tuple[Task, Responsibility]], *, by: User | None) -> list[Task]:
    """New tasks of a plan in one go (an imported plan: hundreds), each checked as
    ``save_task`` checks it, then written with their history, group links, assignments and
    permissions in a handful of statements rather than a dozen a task. Raises
    ValidationError({"<index>": messages}) for the tasks that are wrong, before any write."""
    errors: dict[str, list[str]] = {}
    for index, (task, responsibility) in enumerate(entries):
        try:
            _checked(task, responsibility)
        except ValidationError as error:
            errors[str(index)] = error.messages
    if errors:
        raise ValidationError(errors)
    tasks = bulk_create_with_history([task for task, _r in entries], Task, default_user=by)
    pairs = list(zip(tasks, (r for _t, r in entries), strict=True))
    through = Task.groups.through
    through.objects.bulk_create(
        [
            through(task_id=task.pk, unitgroup_id=group.pk)
            for task, responsibility in pairs
            for group in responsibility.groups
        ]
    )
    added = []
    for task, responsibility in pairs:
        for unit, role in responsibility.roles().items():
            ensure_unit_group(unit)
            added.append(Assignment(task=task, unit=unit, role=role))
    if added:
        bulk_create_with_history(added, Assignment, default_user=by)
        permissions.grant_unit_access(added)
    return tasks


def _set_assignments(
    task: Task, roles: dict[Unit, str], *, by: User | None, adding: bool = False
) -> tuple[list[Assignment], list[Unit]]:
    """Bring the task's assignments in line with ``roles``: the assignments added and the units
    taken off."""
    current: dict[int, Assignment] = (
        {} if adding else {a.unit_id: a for a in task.assignments.select_related("unit__group")}
    )
    wanted = {unit.pk: (unit, role) for unit, role in roles.items()}
    dropped = [a for unit_id, a in current.items() if unit_id not in wanted]
    started = [a for a in dropped if a.status != Assignment.Status.NOT_STARTED]
    if started:
        raise ValidationError(
            {
                "lead_units": _(
                    "{names} already reported on this task; their assignments cannot be removed."
                ).format(names="、".join(str(a.unit) for a in started))
            }
        )
    # A department that placed its part in its own plan has taken it up (tasks.cascade).
    placed = Task.objects.filter(upstream__in=dropped).select_related("upstream__unit")
    if placed:
        raise ValidationError(
            {
                "lead_units": _(
                    "{names} placed this task in their own plan; their assignments cannot be "
                    "removed."
                ).format(names="、".join(str(t.upstream.unit) for t in placed if t.upstream))
            }
        )
    for assignment in dropped:
        permissions.revoke_unit_access(assignment)
        assignment._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
        assignment.delete()
    added: list[Assignment] = []
    for unit_id, (unit, role) in wanted.items():
        found = current.get(unit_id)
        if found is None:
            ensure_unit_group(unit)
            assignment = Assignment(task=task, unit=unit, role=role)
            assignment._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
            added.append(assignment)
        elif found.role != role:
            found.role = role
            found._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
            found.save(update_fields=["role", "updated_at"])
    if added:
        # The task's new assignments in one INSERT and their history rows in another.
        bulk_create_with_history(added, Assignment, default_user=by)
        permissions.grant_unit_access(added)
    return added, [a.unit for a in dropped]


def units_of(plan: Plan, names: Iterable[str]) -> list[Unit]:
    """Units of the plan's department by name or short name, in the order given."""
    by_name: dict[str, Unit] = {}
    for unit in Unit.objects.filter(department=plan.department_id):
        by_name[unit.name] = unit
        if unit.short_name:
            by_name[unit.short_name] = unit
    return [by_name[n] for n in names]


# --- Progress, evidence and sign-off ------------------------------------------------------------


@dataclass
class Report:
    """What a unit reports in one update: text, a summary for the year-end report, evidence."""

    text: str = ""
    summary: str = ""
    percent: int | None = None
    files: list[Upload] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (url, title)
    figures: list[tuple[Metric, Decimal]] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (
            self.text.strip() or self.summary.strip() or self.files or self.links or self.figures
        )


STALE = gettext_lazy(
    "Someone else changed this assignment after you opened it. Reload the page to see their "
    "change; what you typed is still in the form below."
)


def _lock(assignment: Assignment, version: int | None) -> Assignment:
    """Lock the row; refuse when the person worked on an older version (no silent overwrite)."""
    current = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if version is not None and current.version != version:
        raise ValidationError(STALE, code="stale")
    return current


def _move(assignment: Assignment, status: str, *, by: User) -> None:
    assignment.status = status
    assignment.version += 1
    assignment._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    assignment.save(update_fields=["status", "version", "updated_at"])


def _check_figures(figures: list[tuple[Metric, Decimal]]) -> None:
    for metric, value in figures:
        if value < 0:
            raise ValidationError(
                _("{metric}: a figure cannot be negative.").format(metric=metric.name)
            )
        if value != round(value, metric.decimal_places):
            raise ValidationError(
                _("{metric}: at most {places} decimal places.").format(
                    metric=metric.name, places=metric.decimal_places
                )
            )


@transaction.atomic
def record_progress(
    assignment: Assignment,
    report: Report,
    *,
    submit: bool = False,
    version: int | None = None,
    by: User,
) -> ProgressUpdate:
    """A unit reports what it did (and, with ``submit``, hands the assignment in for review).

    Files are checked before anything is written; if saving fails, files this call stored are
    removed again, so a failed upload leaves nothing behind.
    """
    assignment = _lock(assignment, version)
    action = permissions.SUBMIT if submit else permissions.UPDATE
    if not permissions.can(by, action, assignment):
        raise PermissionDenied(_("You cannot report on this assignment."))
    if report.is_empty() and not (submit and _has_reported(assignment)):
        raise ValidationError(_("Write what was done or attach evidence."))
    if submit and assignment.task.evidence_required and not _has_evidence(assignment, report):
        raise ValidationError(
            _("This task needs evidence: attach a file, a link or a figure before submitting.")
        )
    target = Assignment.Status.SUBMITTED if submit else _started(assignment.status)
    if target not in permissions.allowed_statuses(by, assignment):
        raise ValidationError(
            _("The assignment is “{status}” and cannot take this report.").format(
                status=assignment.get_status_display()
            )
        )
    types = [evidence.check_upload(f) for f in report.files]
    _check_figures(report.figures)
    written: list[str] = []
    try:
        update = ProgressUpdate.objects.create(
            assignment=assignment,
            author=by,
            text=report.text.strip(),
            summary=report.summary.strip(),
            percent=report.percent,
            status=target if target != assignment.status else "",
        )
        for upload, content_type in zip(report.files, types, strict=True):
            if evidence.store(upload):
                written.append(upload.sha256)
            EvidenceFile.objects.create(
                update=update,
                sha256=upload.sha256,
                original_name=upload.name,
                content_type=content_type,
                size=len(upload.data),
            )
        for url, title in report.links:
            link = EvidenceLink(update=update, url=url, title=title)
            link.full_clean(exclude=["update"])
            link.save()
        Figure.objects.bulk_create(
            Figure(update=update, metric=m, value=v) for m, v in report.figures
        )
        if target != assignment.status:
            _move(assignment, target, by=by)
            if submit:
                activity.submitted(assignment, by=by)
            upstream.roll_up(assignment.task, by=by)
        else:
            assignment.version += 1
            assignment.save(update_fields=["version", "updated_at"])
    except BaseException:
        for sha256 in written:
            evidence.discard(sha256)
        raise
    return update


def _started(status: str) -> str:
    if status in (Assignment.Status.NOT_STARTED, Assignment.Status.RETURNED):
        return Assignment.Status.IN_PROGRESS
    return status


def _has_evidence(assignment: Assignment, report: Report) -> bool:
    """Evidence in this report, or in an earlier one of the assignment (a resubmission keeps
    what was attached before)."""
    if report.files or report.links or report.figures:
        return True
    earlier = ProgressUpdate.objects.filter(assignment=assignment)
    return (
        EvidenceFile.objects.filter(update__in=earlier).exists()
        or EvidenceLink.objects.filter(update__in=earlier).exists()
        or Figure.objects.filter(update__in=earlier).exists()
    )


def _has_reported(assignment: Assignment) -> bool:
    """Anything reported since the office last returned the assignment?"""
    updates = assignment.updates.all()
    returned = updates.filter(status=Assignment.Status.RETURNED).first()
    if returned:
        updates = updates.filter(created_at__gt=returned.created_at)
    return updates.exclude(status=Assignment.Status.RETURNED).exists()


@transaction.atomic
def review_assignment(
    assignment: Assignment,
    *,
    accept: bool,
    comment: str = "",
    version: int | None = None,
    by: User,
) -> ProgressUpdate:
    """The office accepts a submission (销号) or returns it with a comment saying why."""
    assignment = _lock(assignment, version)
    if not permissions.can(by, permissions.REVIEW, assignment):
        raise PermissionDenied(_("Only the office reviews submissions."))
    if assignment.status != Assignment.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted assignment can be accepted or returned."))
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Say why the work is returned.")})
    target = Assignment.Status.COMPLETED if accept else Assignment.Status.RETURNED
    update = ProgressUpdate.objects.create(
        assignment=assignment, author=by, text=comment.strip(), status=target
    )
    _move(assignment, target, by=by)
    activity.reviewed(assignment, accepted=accept, comment=comment, by=by)
    if not accept:
        upstream.returned(assignment, comment, by=by)
    upstream.roll_up(assignment.task, by=by)
    return update


@transaction.atomic
def close_task(task: Task, *, reason: str, by: User) -> Task:
    """The office closes a task whatever its assignments' state, saying why."""
    if not permissions.can(by, permissions.MANAGE, task):
        raise PermissionDenied(_("Only the office closes tasks."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the task is closed.")})
    task.closed_reason = reason.strip()[:300]
    task._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    task.save(update_fields=["closed_reason"])
    upstream.closed(task, by=by)
    return task


@transaction.atomic
def set_deadline(task: Task, *, due_date: datetime.date, by: User) -> Task:
    """Move a dated task's deadline, checked as the task form checks it."""
    if not permissions.can(by, permissions.MANAGE, task):
        raise PermissionDenied(_("Only the office changes deadlines."))
    if task.deadline_kind != Task.DeadlineKind.DATE:
        # Recurring and ongoing work store a derived date: moving it alone would contradict
        # the kind; the task's own form changes both together.
        raise ValidationError(
            _("Its deadline is “{kind}”: change it on the task's own page.").format(
                kind=task.get_deadline_kind_display()
            )
        )
    errors = _deadline_errors(task.plan, task.deadline_kind, due_date, task.recurrence)
    if errors:
        raise ValidationError(errors)
    old, task.due_date = task.due_date, due_date
    task._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    task.save(update_fields=["due_date"])
    activity.deadline_changed(task, old, by=by)
    upstream.deadline_moved(task, old, by=by)
    upstream.edited(task, {"due_date": old, "text": task.text, "title": task.title}, by=by)
    return task


# --- Bulk actions of the office's lists ---------------------------------------------------------
#
# Each takes the ids a list posted, looks every row up through the permission choke point (a row
# the person may not see answers 404, one they may not change 403: nothing is done), then does
# to each row what the row's own page does, through the same service. All or nothing: the rows
# that cannot be done are named together and the transaction is rolled back.


@dataclass
class BulkResult:
    """What a bulk action did."""

    tasks: int = 0
    units: int = 0  # distinct units whose part was acted on
    unchanged: int = 0  # units left as they were (reminded earlier today)


STALE_ROW = gettext_lazy("Someone changed it after the list was opened: reload the list.")


def _tasks(user: User, ids: Iterable[int], action: str) -> list[Task]:
    return [permissions.get_task_or_404(user, pk, action) for pk in dict.fromkeys(ids)]


def _each(rows: Iterable[Task | Assignment], do: Callable[[Any], object]) -> None:
    """``do`` each row; those it refuses are named together, and the caller's transaction
    rolls back what the others did."""
    refused = []
    for row in rows:
        try:
            do(row)
        except ValidationError as error:
            refused.append(_("{row}: {reason}").format(row=row, reason=" ".join(error.messages)))
    if refused:
        raise ValidationError(refused)


# Work with the unit: not yet handed in, or handed back (the daily reminders' choice too).
_URGED = [Assignment.Status.NOT_STARTED, Assignment.Status.IN_PROGRESS, Assignment.Status.RETURNED]


@transaction.atomic
def bulk_urge(user: User, task_ids: Iterable[int], *, note: str = "") -> BulkResult:
    """催办 every unit with work outstanding on the tasks: one manual reminder each, as the
    assignment page sends it (once a day: a unit reminded earlier today is not told again)."""
    tasks = _tasks(user, task_ids, permissions.REVIEW)
    units: set[int] = set()
    already: set[int] = set()

    def urge(task: Task) -> None:
        if task.closed_reason:
            raise ValidationError(_("The task is closed."))
        if task.plan.status != Plan.Status.ISSUED:
            raise ValidationError(_("Its plan is not issued: the units cannot see it."))
        # A cascaded assignment has nobody to urge: its department's own task is reminded.
        waiting = list(
            task.assignments.reviewable().filter(status__in=_URGED).select_related("unit")
        )
        if not waiting:
            raise ValidationError(_("No unit has work outstanding on it."))
        for assignment in waiting:
            if not permissions.can(user, permissions.REVIEW, assignment):
                raise PermissionDenied
            sent = reminders.remind_by_hand(assignment, note=note, by=user)
            (units if sent else already).add(assignment.unit_id)

    _each(tasks, urge)
    return BulkResult(tasks=len(tasks), units=len(units), unchanged=len(already - units))


@transaction.atomic
def bulk_sign_off(
    user: User,
    *,
    task_ids: Iterable[int] = (),
    assignment_ids: Iterable[int] = (),
    versions: Mapping[int, int],
) -> BulkResult:
    """销号: accept the submitted work of the rows (assignments, or every submitted assignment
    of a task), each at the version the list showed, as the assignment page accepts it."""
    rows: list[Task | Assignment] = [*_tasks(user, task_ids, permissions.REVIEW)]
    rows += [
        permissions.get_assignment_or_404(user, pk, permissions.REVIEW)
        for pk in dict.fromkeys(assignment_ids)
    ]
    done: list[Assignment] = []

    def sign_off(row: Task | Assignment) -> None:
        if isinstance(row, Assignment):
            parts = [row]
        else:
            # A cascaded part is signed off by its department below, not here.
            parts = list(row.assignments.awaiting_review())
            if not parts:
                raise ValidationError(_("No unit's work on it awaits review."))
        for assignment in parts:
            seen = versions.get(assignment.pk)
            if seen is None:  # submitted since the list was shown: not seen, not accepted
                raise ValidationError(STALE_ROW)
            try:
                review_assignment(assignment, accept=True, version=seen, by=user)
            except ValidationError as error:
                if getattr(error, "code", None) != "stale":
                    raise
                # The page's own wording speaks of a form the list does not have.
                raise ValidationError(STALE_ROW) from error
            done.append(assignment)

    _each(rows, sign_off)
    return BulkResult(tasks=len({a.task_id for a in done}), units=len({a.unit_id for a in done}))


@transaction.atomic
def bulk_set_deadline(
    user: User, task_ids: Iterable[int], *, due_date: datetime.date
) -> BulkResult:
    tasks = _tasks(user, task_ids, permissions.MANAGE)
    _each(tasks, lambda task: set_deadline(task, due_date=due_date, by=user))
    return BulkResult(tasks=len(tasks))


@transaction.atomic
def bulk_reassign(user: User, task_ids: Iterable[int], *, unit: Unit, role: str) -> BulkResult:
    """``unit`` replaces the lead units of the tasks (``role`` lead) or joins them as a
    co-operating unit, as editing each task's units would; a unit that already reported keeps
    its assignment (the edit refuses to drop it)."""
    tasks = _tasks(user, task_ids, permissions.MANAGE)

    def reassign(task: Task) -> None:
        given = responsibility_of(task)
        if role == Assignment.Role.LEAD:
            given.lead = [unit]
        else:
            given.support.append(unit)
        save_task(task, responsibility=given, by=user)

    _each(tasks, reassign)
    return BulkResult(tasks=len(tasks), units=1)
