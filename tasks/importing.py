"""Import an issued plan: parse it, keep it for review, then create plan, headings, tasks and
assignments in one transaction when the office confirms.

The parser (``plans.readers`` and ``plans.reading``) knows no Django; this module maps its result
onto the department's units and the models.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

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

from .models import Task
from .services import Responsibility, create_tasks


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
    """What an import keeps for its preview: the reading, how each table was read, and the
    document itself, so that the office can set a table's column roles and read it again."""
    return {
        **parsed_json(plan),
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
    index = name_index(plan_import.department)
    names = dict.fromkeys(n for t in plan_import.parsed["tasks"] for n in t["units"])
    return [n for n in names if resolve_name(index, n) is None]


NEW_SECTION, NEW_SCHOOL = "new-section", "new-school"


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
        )


def apply_mapping(department: Department, mapping: dict[str, str | Unit]) -> None:
    """Create the units the office asked for and remember names mapped to existing units."""
    for name, target in mapping.items():
        if isinstance(target, Unit):
            add_alias(department, name=name, unit=target)
        else:
            kind = Unit.Kind.SCHOOL if target == NEW_SCHOOL else Unit.Kind.SECTION
            save_unit(Unit(department=department, name=name, kind=kind))


def _responsibility(names: list[str], index) -> Responsibility:
    found = [(name, resolve_name(index, name)) for name in names]
    missing = [name for name, target in found if target is None]
    if missing:
        raise ValidationError(message_for("unknown_unit", name="、".join(missing)))
    units = [t for _, t in found if isinstance(t, Unit)]
    groups = list(dict.fromkeys(t for _, t in found if isinstance(t, UnitGroup)))
    lead_is_unit = bool(found) and isinstance(found[0][1], Unit)
    return Responsibility(
        lead=units[:1] if lead_is_unit else [],
        support=units[1:] if lead_is_unit else units,
        groups=groups,
    )


@transaction.atomic
def confirm_import(
    plan_import: PlanImport,
    *,
    plan: Plan,
    drafts: list[TaskDraft],
    mapping: dict[str, str | Unit],
    new_version: bool,
    by: User | None,
) -> Plan:
    """Create the plan, its headings, tasks and assignments, all or nothing.

    ``plan`` is an unsaved Plan with the (possibly edited) document facts. Errors about one task
    are raised as ``{"task-N": [...]}`` so the preview can show them beside that task.
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
    if new_version and plan.number:
        latest = Plan.objects.filter(department=department, number=plan.number).aggregate(
            v=Max("version")
        )["v"]
        plan.version = (latest or 0) + 1
    apply_mapping(department, mapping)
    plan.department = department
    plan = save_plan(plan, by=by)
    index = name_index(department)
    headings: dict[tuple[str, ...], Heading] = {}
    errors: dict[str, list] = {}
    entries: list[tuple[Task, Responsibility]] = []
    refs: list[int] = []  # each entry's task in the preview
    for position, draft in enumerate(drafts):
        parent = None
        for depth in range(1, len(draft.path) + 1):
            key = tuple(draft.path[:depth])
            if key not in headings:
                parsed = heading_of(key[-1])
                label, title = (parsed[1], parsed[2]) if parsed else ("", key[-1])
                headings[key] = save_heading(
                    Heading(
                        plan=plan,
                        parent=parent,
                        label=label,
                        title=title[:200],
                        position=len(headings),
                    ),
                    by=by,
                )
            parent = headings[key]
        task = Task(
            plan=plan,
            heading=parent,
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
            entries.append((task, _responsibility(draft.units, index)))
            refs.append(draft.ref)
        except ValidationError as error:
            errors[f"task-{draft.ref}"] = error.messages
    try:
        create_tasks(entries, by=by)
    except ValidationError as error:
        errors |= {f"task-{refs[int(i)]}": m for i, m in error.message_dict.items()}
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
    mapping: dict[str, Unit | str] | None = None,
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
