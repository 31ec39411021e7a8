"""Import an issued plan: parse it, keep it for review, then create plan, headings, tasks and
assignments in one transaction when the office confirms.

The parser (``plans.readers`` and ``plans.reading``) knows no Django; this module maps its result
onto the department's units and the models.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.sizes import megabytes
from org.models import Department, Unit, UnitGroup, User
from org.queries import name_index, resolve_name
from org.services import add_alias, save_unit
from plans.document import Document
from plans.messages import MESSAGES, message_for
from plans.models import Heading, Plan, PlanImport
from plans.parsing import RESPONSE_DAYS, ParsedPlan, PlanFormatError, heading_of
from plans.readers import isolated, read_document, read_pasted
from plans.reading import Roles, parse_document
from plans.services import save_heading, save_plan

from . import cascade
from .models import Assignment, Task
from .services import Responsibility, create_tasks, year_end


def read_upload(source_name: str, data: bytes) -> Document:
    """Read an uploaded file, or pasted text when ``source_name`` is empty. Raises
    PlanFormatError."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise PlanFormatError("too_large", size=megabytes(len(data)), limit=megabytes(limit))
    limits = {"seconds": settings.IMPORT_READ_SECONDS, "memory_mb": settings.IMPORT_READ_MEMORY_MB}
    if not source_name:
        return isolated.call(read_pasted, data.decode(), **limits)
    return isolated.call(read_document, source_name, data, **limits)


def parse_upload(source_name: str, data: bytes) -> ParsedPlan:
    return parse_document(read_upload(source_name, data))


def parsed_json(plan: ParsedPlan) -> dict:
    """The contract's JSON, with warnings in the reader's language and source lines kept."""
    data = plan.as_json({code: str(text) for code, text in MESSAGES.items()})
    for task, parsed in zip(data["tasks"], plan.tasks, strict=True):
        task["line"] = parsed.line
    return data


def _kept(plan: ParsedPlan, document: Document) -> dict:
    """What an import keeps for its preview: the reading (each warning with its code, so the
    preview can group warnings of a kind), how each table was read, and the document itself, so
    that the office can set a table's column roles and read it again."""
    data = parsed_json(plan)
    for kept, warning in zip(data["warnings"], plan.warnings, strict=True):
        kept["code"] = warning.code
    return {
        **data,
        "tables": [
            {"index": t.index, "rows": t.rows, "header": t.header, "roles": t.roles,
             "unsure": t.unsure, "set_by_office": t.set_by_office}
            for t in plan.tables
        ],
        "document": document.as_json(),
    }  # fmt: skip


@transaction.atomic
def start_import(
    department: Department,
    *,
    source_name: str,
    data: bytes,
    by: User | None,
    keep_tables: bool = True,
) -> PlanImport:
    """Parse the document and keep it for review; nothing of the plan is created yet. A
    document whose tables gave no task is kept (``keep_tables``) for the office to set their
    columns' roles in the preview."""
    document = read_upload(source_name, data)
    parsed = parse_document(document, keep_tables=keep_tables)
    if len(parsed.tasks) > settings.IMPORT_MAX_TASKS:
        raise PlanFormatError(
            "too_many_tasks", count=len(parsed.tasks), limit=settings.IMPORT_MAX_TASKS
        )
    return PlanImport.objects.create(
        department=department,
        source_name=source_name or _("pasted text"),
        sha256=hashlib.sha256(data).hexdigest(),
        parsed=_kept(parsed, document),
        created_by=by,
    )


def reread_import(plan_import: PlanImport, roles: Roles) -> PlanImport:
    """Read the kept document again with the column roles the office set for its tables.
    Raises PlanFormatError (the import is left as it was) when nothing is read with them."""
    document = Document.from_json(plan_import.parsed["document"])
    plan_import.parsed = _kept(parse_document(document, roles, keep_tables=True), document)
    plan_import.save(update_fields=["parsed"])
    return plan_import


def earlier_import(plan_import: PlanImport) -> Plan | None:
    """The plan made from the same document (same bytes, or same document number), if any."""
    same = (
        PlanImport.objects.filter(
            department=plan_import.department_id,
            sha256=plan_import.sha256,
            status=PlanImport.Status.CONFIRMED,
            plan__isnull=False,
        )
        .exclude(pk=plan_import.pk)
        .select_related("plan")
        .first()
    )
    if same:
        return same.plan
    number = plan_import.parsed["plan"]["number"]
    if number:
        return Plan.objects.filter(department=plan_import.department_id, number=number).first()
    return None


def unknown_names(plan_import: PlanImport) -> list[str]:
    return [p.name for p in phrases_to_pick(plan_import) if p.kind == Phrase.UNKNOWN]


NEW_SECTION, NEW_SCHOOL = "new-section", "new-school"
NO_UNITS = ""  # the phrase of the tasks that name no unit at all


@dataclass
class Phrase:
    """A name (or the lack of one) that the office answers once for every task using it, by
    picking units: a name the department does not know, a collective name whose units the
    office chooses (「各承办科室」), or no name at all."""

    UNKNOWN, CHOSEN, NONE = "unknown", "chosen", "none"

    name: str
    kind: str
    tasks: list[int]  # the tasks that use it, by their place in the import
    suggested: list[Unit] = field(default_factory=list)


def phrases_to_pick(plan_import: PlanImport) -> list[Phrase]:
    department = plan_import.department
    index = name_index(department)
    units = list(Unit.objects.filter(department=department))
    used: dict[str, list[int]] = {}
    for i, task in enumerate(plan_import.parsed["tasks"]):
        for name in task["units"] or [NO_UNITS]:
            used.setdefault(name, []).append(i)
    phrases = []
    for name, tasks in used.items():
        target = resolve_name(index, name) if name else None
        if not name:
            phrases.append(Phrase(name, Phrase.NONE, tasks))
        elif target is None:
            phrases.append(Phrase(name, Phrase.UNKNOWN, tasks, suggest_units(name, units)))
        elif isinstance(target, UnitGroup) and target.needs_choice:
            phrases.append(Phrase(name, Phrase.CHOSEN, tasks))
    return phrases


# 「各学校」「全体股室」: a collective name the department has no group for still says which kind.
_EVERY = re.compile(r"^(?:各|全体?)(?!承办|相关|有关)")
_KIND_WORDS = {Unit.Kind.SCHOOL: ("学校", "中学", "小学", "幼儿园"), Unit.Kind.SECTION: ("科室",
               "股室", "处室", "部门")}  # fmt: skip


def suggest_units(name: str, units: list[Unit]) -> list[Unit]:
    """The units an unknown name most likely means: every unit of the kind a collective name
    says, the unit whose name the name contains (「区教育局办公室」), or the closest spelling."""
    if _EVERY.match(name):
        kinds = [k for k, words in _KIND_WORDS.items() if any(w in name for w in words)]
        if kinds:
            return [u for u in units if u.kind in kinds]
        if name.endswith("单位"):
            return list(units)
        return []
    names = {n: u for u in units for n in (u.name, u.short_name) if n}
    inside = sorted((n for n in names if n in name), key=len, reverse=True)
    close = inside or difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return [names[close[0]]] if close else []


@dataclass
class TaskDraft:
    """One task as the office confirms it (the parsed values, possibly edited)."""

    text: str
    units: list[str]
    path: list[str] = field(default_factory=list)
    deadline_kind: str = Task.DeadlineKind.DATE
    due_date: datetime.date | None = None
    recurrence: str = ""
    is_milestone: bool = False
    response_days: list[int] = field(default_factory=list)
    ref: int = 0  # where the task stands in the preview, for error messages
    assumed_date: datetime.date | None = None  # the deadline as read, before any edit

    @classmethod
    def from_parsed(cls, task: dict, ref: int = 0) -> TaskDraft:
        if task["recurrence"]:
            kind = Task.DeadlineKind.RECURRING
        elif task["ongoing"]:
            kind = Task.DeadlineKind.ONGOING
        else:
            kind = Task.DeadlineKind.DATE
        due = task["deadline"]
        return cls(
            text=task["text"],
            units=task["units"],
            path=task["path"],
            deadline_kind=kind,
            due_date=datetime.date.fromisoformat(due) if due else None,
            recurrence=task["recurrence"] or "",
            is_milestone=task["milestone"],
            response_days=task["response_days"],
            ref=ref,
            assumed_date=datetime.date.fromisoformat(due) if due else None,
        )


class Undated:
    """How the office answers, for all of them at once, the tasks whose text gives no deadline
    (the reader assumed the year end): as shown, the plan's year end, one date, or ongoing."""

    KEEP, YEAR_END, DATE, ONGOING = "keep", "year-end", "date", "ongoing"


def settle_undated(
    drafts: list[TaskDraft],
    undated: set[int],
    *,
    how: str,
    year: int,
    date: datetime.date | None = None,
) -> None:
    """Apply the answer to the drafts of the ``undated`` tasks (by their place in the import).
    A task whose deadline the office set by hand in the preview keeps it."""
    if how == Undated.KEEP:
        return
    for draft in drafts:
        if draft.ref not in undated or draft.deadline_kind != Task.DeadlineKind.DATE:
            continue
        if draft.due_date != draft.assumed_date:
            continue  # set by hand
        if how == Undated.ONGOING:
            draft.deadline_kind = Task.DeadlineKind.ONGOING
        else:
            draft.due_date = date if how == Undated.DATE else year_end(year)


# A phrase's answer: one unit (remembered), units for this plan only, or a unit to create.
UnitMapping = Mapping[str, Unit | str | list[Unit]]


def apply_mapping(department: Department, mapping: UnitMapping) -> dict[str, list[Unit]]:
    """Create the units the office asked for and remember names mapped to one existing unit.
    Returns the names that stand for units picked for this plan only (a collective name such
    as 「各承办科室」, a name mapped to several units, or ``NO_UNITS``)."""
    picked: dict[str, list[Unit]] = {}
    for name, target in mapping.items():
        if isinstance(target, list):
            picked[name] = target
        elif isinstance(target, Unit):
            add_alias(department, name=name, unit=target)
        else:
            kind = Unit.Kind.SCHOOL if target == NEW_SCHOOL else Unit.Kind.SECTION
            save_unit(Unit(department=department, name=name, kind=kind))
    return picked


def _responsibility(names: list[str], index, picked: dict[str, list[Unit]]) -> Responsibility:
    """The first name leads (every unit picked for it leads); the others co-operate. A
    collective name's members lead their own parts unless a unit leads (``Responsibility``)."""
    lead: list[Unit] = []
    support: list[Unit] = []
    groups: list[UnitGroup] = []
    missing: list[str] = []
    for position, name in enumerate(names or [NO_UNITS]):
        target = picked.get(name) or resolve_name(index, name)
        if target is None:
            missing += [name] if name else []
        elif isinstance(target, UnitGroup):
            groups.append(target)
        else:
            (support if position else lead).extend(target if isinstance(target, list) else [target])
    if missing:
        raise ValidationError(message_for("unknown_unit", name="、".join(missing)))
    return Responsibility(
        lead=list(dict.fromkeys(lead)),
        support=list(dict.fromkeys(u for u in support if u not in lead)),
        groups=list(dict.fromkeys(groups)),
    )


# The refusals of a superior's task chosen in the preview, said alike by its form and here.
NOT_SENT = gettext_lazy("This task from above was not sent to your department.")
NO_SUCH_HEADING = gettext_lazy(
    "Choose one of the headings the preview shows, or the plan's top level."
)


def preview_headings(parsed: dict) -> list[tuple[str, ...]]:
    """The headings of the reading in the order the preview shows them, each as its path (its
    parents' titles, then its own) once: a heading's place in this list is how the preview's
    choices name it, as it is not saved before the plan is confirmed."""
    paths = (tuple(task["path"][:depth]) for task in parsed["tasks"]
             for depth in range(1, len(task["path"]) + 1))  # fmt: skip
    return list(dict.fromkeys(paths))


@dataclass
class PreviewPlacement:
    """A superior's task (``tasks.cascade``) the office places in the plan it imports, as a
    new task: under one of the preview's headings (its place in ``preview_headings``), or at
    the plan's top level (None)."""

    assignment: Assignment
    heading: int | None
    lead: list[Unit]
    ref: int = 0  # where it stands in the preview's list, for error messages


def _save_headings(
    plan: Plan, paths: list[tuple[str, ...]], *, by: User | None
) -> dict[tuple[str, ...], Heading]:
    """The headings of ``paths`` (parents before children), numbered in that order."""
    headings: dict[tuple[str, ...], Heading] = {}
    for key in paths:
        parsed = heading_of(key[-1])
        label, title = (parsed[1], parsed[2]) if parsed else ("", key[-1])
        headings[key] = save_heading(
            Heading(
                plan=plan,
                parent=headings.get(key[:-1]),
                label=label,
                title=title[:200],
                position=len(headings),
            ),
            by=by,
        )
    return headings


def _place(
    plan: Plan,
    placements: Sequence[PreviewPlacement],
    headings: dict[tuple[str, ...], Heading],
    shown: list[tuple[str, ...]],
    *,
    by: User | None,
) -> dict[str, list[str]]:
    """Place each chosen superior's task as the inbox places it (``cascade.place_as_new``: the
    link and the roll-up alike); the errors by the task they are about."""
    errors: dict[str, list[str]] = {}
    for placement in placements:
        assert by is not None  # chosen in the preview, by a person
        key = f"above-{placement.ref}"
        where: Plan | Heading = plan
        if placement.heading is not None:
            where = headings[shown[placement.heading]]
        try:
            cascade.place_as_new(
                placement.assignment,
                cascade.Placement(where=where, text="", due_date=None, lead=placement.lead),
                by=by,
            )
        except PermissionDenied:
            errors[key] = [str(NOT_SENT)]
        except ValidationError as error:
            errors[key] = error.messages
    return errors


@transaction.atomic
def confirm_import(
    plan_import: PlanImport,
    *,
    plan: Plan,
    drafts: list[TaskDraft],
    mapping: UnitMapping,
    new_version: bool,
    by: User | None,
    placements: Sequence[PreviewPlacement] = (),
) -> Plan:
    """Create the plan, its headings, tasks and assignments, all or nothing, and place in it
    the superior's tasks the office chose (``placements``).

    ``plan`` is an unsaved Plan with the (possibly edited) document facts. Errors about one task
    are raised as ``{"task-N": [...]}`` (``{"above-N": [...]}`` for a superior's task) so the
    preview can show them beside that task.
    """
    department = plan_import.department
    # Claimed first, in this transaction: a second confirm of the same import (a double click,
    # two people at once) waits for this one and then finds nothing left to claim.
    claimed = PlanImport.objects.filter(pk=plan_import.pk, status=PlanImport.Status.PREVIEW)
    if not claimed.update(status=PlanImport.Status.CONFIRMED):
        raise ValidationError(_("This import was already confirmed."), code="confirmed")
    if not drafts:
        raise ValidationError(
            _("Nothing to import: tick at least one task, or set the tables' roles and read again.")
        )
    earlier = earlier_import(plan_import)
    if earlier is not None and not new_version:
        raise ValidationError(
            _(
                "This document was already imported as “{plan}”. Choose “import as a new "
                "version” to import it again."
            ).format(plan=earlier)
        )
    shown = preview_headings(plan_import.parsed)
    errors: dict[str, list] = {}
    for placement in placements:
        if placement.heading is not None and not 0 <= placement.heading < len(shown):
            errors[f"above-{placement.ref}"] = [str(NO_SUCH_HEADING)]
    if errors:
        raise ValidationError(errors)
    if new_version and plan.number:
        latest = Plan.objects.filter(department=department, number=plan.number).aggregate(
            v=Max("version")
        )["v"]
        plan.version = (latest or 0) + 1
    picked = apply_mapping(department, mapping)
    plan.department = department
    plan = save_plan(plan, by=by)
    index = name_index(department)
    # The headings of the ticked tasks and of the chosen places, in the preview's order (a
    # heading whose tasks are all left out is still made for a superior's task placed under it).
    wanted = {tuple(d.path[:depth]) for d in drafts for depth in range(1, len(d.path) + 1)}
    for placement in placements:
        if placement.heading is not None:
            path = shown[placement.heading]
            wanted.update(path[:depth] for depth in range(1, len(path) + 1))
    order = dict.fromkeys([*shown, *sorted(wanted, key=len)])
    headings = _save_headings(plan, [p for p in order if p in wanted], by=by)
    entries: list[tuple[Task, Responsibility]] = []
    refs: list[int] = []  # each entry's task in the preview
    for position, draft in enumerate(drafts):
        task = Task(
            plan=plan,
            heading=headings.get(tuple(draft.path)),
            position=position,
            text=draft.text,
            deadline_kind=draft.deadline_kind,
            # None when the office left it empty: create_tasks() validates and reports it.
            due_date=draft.due_date,  # type: ignore[misc]
            recurrence=draft.recurrence,
            is_milestone=draft.is_milestone,
            # From the text as confirmed, and any the parser found beside it (a table's column).
            response_days=sorted(
                {*draft.response_days, *(int(n) for n in RESPONSE_DAYS.findall(draft.text))}
            ),
        )
        try:
            entries.append((task, _responsibility(draft.units, index, picked)))
            refs.append(draft.ref)
        except ValidationError as error:
            errors[f"task-{draft.ref}"] = error.messages
    try:
        create_tasks(entries, by=by)
    except ValidationError as error:
        errors |= {f"task-{refs[int(i)]}": m for i, m in error.message_dict.items()}
    errors |= _place(plan, placements, headings, shown, by=by)
    if errors:
        raise ValidationError(errors)
    plan_import.status = PlanImport.Status.CONFIRMED
    plan_import.plan = plan
    plan_import.save(update_fields=["status", "plan"])
    return plan


@transaction.atomic  # a document that fails to confirm leaves no import behind
def import_document(
    department: Department,
    *,
    source_name: str,
    data: bytes,
    new_version: bool = False,
    mapping: UnitMapping | None = None,
    by: User | None,
) -> Plan:
    """Parse and confirm in one go, as parsed (the command line, the demo and the benchmark use
    this); ``mapping`` answers the preview's question for the names it knows."""
    plan_import = start_import(
        department, source_name=source_name, data=data, by=by, keep_tables=False
    )
    if mapping:
        mapping = {n: mapping[n] for n in unknown_names(plan_import) if n in mapping}
    facts = plan_import.parsed["plan"]
    plan = Plan(
        title=facts["title"] or source_name,
        year=facts["year"] or timezone.localdate().year,
        number=facts["number"],
        issuer=facts["issuer"],
        issued_on=datetime.date.fromisoformat(facts["issued_on"]) if facts["issued_on"] else None,
        upstream="、".join(facts["upstream"]),
    )
    drafts = [TaskDraft.from_parsed(t, ref=i) for i, t in enumerate(plan_import.parsed["tasks"])]
    return confirm_import(
        plan_import, plan=plan, drafts=drafts, mapping=mapping or {}, new_version=new_version, by=by
    )
