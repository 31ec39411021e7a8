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
from django.utils.translation import gettext_lazy

from org.models import Department, Unit, UnitGroup, User
from org.queries import name_index, resolve_name
from org.services import add_alias, save_unit
from plans.document import Document
from plans.models import Heading, Plan, PlanImport
from plans.parsing import RESPONSE_DAYS, ParsedPlan, PlanFormatError, heading_of
from plans.readers import isolated, read_document, read_pasted
from plans.reading import Roles, parse_document
from plans.services import save_heading, save_plan

from .models import Task
from .services import Responsibility, create_tasks

MESSAGES = {
    # warnings on a parsed task
    "no_deadline": gettext_lazy(
        "No deadline in the text: the plan's year end ({date}) is assumed."
    ),
    "ambiguous_deadline": gettext_lazy("Several dates in the text ({dates}): the latest is taken."),
    "no_units": gettext_lazy("No responsible unit is named: the office assigns one."),
    "tables_unread": gettext_lazy(
        "No task was read from the document's {tables} table(s): set their columns' roles "
        "under “Tables as read” and read again."
    ),
    "garbled_date": gettext_lazy(
        "“{text}” looks like a date whose 年/月/日 were lost: set the deadline by hand."
    ),
    "to_be_chosen": gettext_lazy("“{name}”: the office chooses the units that handle this task."),
    "unknown_unit": gettext_lazy(
        "“{name}” is not a unit of this department: map it to a unit or create it."
    ),
    # why a document cannot be read
    "empty": gettext_lazy("The document is empty."),
    "not_text": gettext_lazy("The file is not plain text (it holds binary data)."),
    "unsupported_type": gettext_lazy(
        "“{name}” cannot be imported: upload a .docx, .doc, .wps, .rtf, .odt, .xlsx, .pdf, "
        ".html or .txt file."
    ),
    "encrypted_or_old": gettext_lazy(
        "The file is password-protected or in an old Office format: save it as .{kind} "
        "without a password and upload it again."
    ),
    "not_office": gettext_lazy(
        "The file is not a real .{kind} document: its content does not match its name."
    ),
    "corrupt": gettext_lazy("The .{kind} file is damaged and cannot be read."),
    "no_header": gettext_lazy(
        "No header row was found (columns such as 工作任务, 责任单位, 完成时限 are looked for "
        "in the first rows)."
    ),
    "no_tasks": gettext_lazy(
        "No tasks were found: the document has {lines} lines of text, {headings} numbered "
        "headings (一、 (一) 1.) and {tables} tables, but no item that names a responsible unit "
        "(e.g. “(责任科室:办公室)”) and no numbered item to turn into a task."
    ),
    "too_large": gettext_lazy("The file is {size} MB; at most {limit} MB can be imported."),
    "too_many_pages": gettext_lazy(
        "The PDF has {pages} pages; at most {limit} can be read. Upload the work plan on its own."
    ),
    "too_many_tasks": gettext_lazy(
        "The document reads as {count} tasks; at most {limit} can be imported at once: split "
        "the plan and import each part."
    ),
    "too_slow": gettext_lazy(
        "Reading the file took more than {seconds} seconds and was stopped: it is unusually "
        "complex. Save it again (or as .docx) and upload that, or paste its text."
    ),
    "too_complex": gettext_lazy(
        "Reading the file needed more than {memory} MB and was stopped: it is unusually "
        "complex. Save it again (or as .docx) and upload that, or paste its text."
    ),
    "table_too_large": gettext_lazy(
        "A table in the .{kind} file has more than {rows} rows, far more than a work plan: check "
        "that this is the right file."
    ),
    "sheet_too_large": gettext_lazy(
        "Sheet “{sheet}” has a value in cell {cell}, outside the first {rows} rows and {columns} "
        "columns that are read: delete it (or the rows and columns around it) and save the file "
        "again."
    ),
    "scanned_pdf": gettext_lazy(
        "The PDF holds only images of its pages (a scan), no text that can be read: upload the "
        "Word original (.docx) or a PDF saved from it as text."
    ),
    "needs_libreoffice": gettext_lazy(
        "A .{kind} file can only be read once LibreOffice is installed on the server (Debian: "
        "apt-get install libreoffice-writer-nogui). Or open it in Word or WPS, save it as .docx "
        "and upload that."
    ),
}


def message_for(code: str, line: int | None = None, **params) -> str:
    text = str(MESSAGES[code]).format(**params)
    if line:
        return _("Line {line}: {message}").format(line=line, message=text)
    return text


def format_error(error: PlanFormatError) -> str:
    return message_for(error.code, error.line, **error.params)


def read_upload(source_name: str, data: bytes) -> Document:
    """Read an uploaded file, or pasted text when ``source_name`` is empty. Raises
    PlanFormatError."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise PlanFormatError(
            "too_large", size=round(len(data) / 2**20, 1), limit=round(limit / 2**20)
        )
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


# --- What the preview page shows ---------------------------------------------------------------


def plan_initial(parsed: dict) -> dict:
    facts = parsed["plan"]
    return {
        "title": facts["title"],
        "year": facts["year"],
        "number": facts["number"],
        "issuer": facts["issuer"],
        "issued_on": facts["issued_on"],
        "upstream": "、".join(facts["upstream"]),
    }


def task_initial(parsed: dict) -> list[dict]:
    initial = []
    for task in parsed["tasks"]:
        draft = TaskDraft.from_parsed(task)
        initial.append(
            {
                "include": True,
                "text": draft.text,
                "units": "、".join(draft.units),
                "deadline_kind": draft.deadline_kind,
                "due_date": draft.due_date,
                "recurrence": draft.recurrence,
                "is_milestone": draft.is_milestone,
            }
        )
    return initial


@dataclass
class PreviewRow:
    headings: list[tuple[int, str]]  # headings that start before this task: (depth, text)
    form: object
    task: dict
    warnings: list[str]


def preview_rows(plan_import: PlanImport, formset) -> list[PreviewRow]:
    """The tree as it will be created, each task with its warnings (unknown units included)."""
    parsed = plan_import.parsed
    unknown = set(unknown_names(plan_import))
    warnings: dict[int, list[str]] = {}
    for warning in parsed["warnings"]:
        if warning["task"] is not None:
            warnings.setdefault(warning["task"], []).append(warning["message"])
    rows: list[PreviewRow] = []
    previous: list[str] = []
    for i, (task, form) in enumerate(zip(parsed["tasks"], formset, strict=True)):
        path = task["path"]
        common = next(
            (d for d, (a, b) in enumerate(zip(path, previous, strict=False)) if a != b),
            min(len(path), len(previous)),
        )
        task_warnings = warnings.get(i, []) + [
            message_for("unknown_unit", name=n) for n in task["units"] if n in unknown
        ]
        rows.append(
            PreviewRow(
                [(d + 1, path[d]) for d in range(common, len(path))], form, task, task_warnings
            )
        )
        previous = path
    return rows


def attach_errors(error: ValidationError, formset, form) -> None:
    """Put the confirm step's errors beside the task they are about."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        if key.startswith("task-"):
            formset[int(key.removeprefix("task-"))].add_error(None, messages)
        else:
            form.add_error(None, messages)
