"""The import preview as the page shows it: its forms bound to the reading (or to what the
office posted) and checked together, the warnings grouped by kind, each with one answer for all
of its tasks, and a compact row per task under its headings. The import itself is
``tasks.importing``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import SuspiciousOperation, ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from org.models import User
from plans.forms import PlanForm
from plans.messages import message_for
from plans.models import Plan, PlanImport
from plans.responsibility import split_units

from . import importing
from .forms import (
    AbovePlacing,
    AboveTaskFormSet,
    ImportConfirmForm,
    TaskDraftForm,
    TaskDraftFormSet,
    UndatedForm,
    UnitPickForm,
)
from .models import Task

# Each kind of warning, in the order the page lists them, with the short name its group and
# the tasks' badges carry. Warnings kept before codes were (an import read by an older
# version) come under "".
KINDS: dict[str, Promise] = {
    "tables_unread": gettext_lazy("Tables not read"),
    "unknown_unit": gettext_lazy("Unknown unit"),
    "to_be_chosen": gettext_lazy("Units to choose"),
    "no_units": gettext_lazy("No unit named"),
    "past_deadline": gettext_lazy("Deadline passed"),
    "garbled_date": gettext_lazy("Garbled date"),
    "ambiguous_deadline": gettext_lazy("Several dates"),
    "no_deadline": gettext_lazy("No deadline"),
    "": gettext_lazy("To check"),
}
KIND_LABELS = dict(Task.DeadlineKind.choices)
# The kinds the office answers for all their tasks at once, and with which control.
UNIT_KINDS = ("unknown_unit", "to_be_chosen", "no_units")
CONTROLS = {"no_deadline": "undated", **dict.fromkeys(UNIT_KINDS, "units")}


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
        draft = importing.TaskDraft.from_parsed(task)
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
class Warning:
    task: int | None  # its place in the import; None: about the whole document
    code: str
    message: str

    @property
    def kind(self) -> Promise:
        return KINDS.get(self.code, KINDS[""])


def warnings_of(plan_import: PlanImport, phrases: list[importing.Phrase]) -> list[Warning]:
    """The reader's warnings, the names the department does not know, and the deadlines
    already past today (a plan of an earlier year, imported late)."""
    parsed = plan_import.parsed
    found = [
        Warning(w["task"], w.get("code", "") if w.get("code", "") in KINDS else "", w["message"])
        for w in parsed["warnings"]
    ]
    for phrase in phrases:
        if phrase.kind == importing.Phrase.UNKNOWN:
            message = message_for("unknown_unit", name=phrase.name)
            found += [Warning(i, "unknown_unit", message) for i in phrase.tasks]
    today = timezone.localdate()
    past = message_for("past_deadline", today=today.isoformat())
    for i, task in enumerate(parsed["tasks"]):
        draft = importing.TaskDraft.from_parsed(task)
        due = draft.due_date
        if draft.deadline_kind == Task.DeadlineKind.DATE and due and due < today:
            found.append(Warning(i, "past_deadline", past))
    return found


@dataclass
class WarningGroup:
    """The warnings of one kind: shown once, with their tasks listed compactly."""

    code: str
    title: Promise
    warnings: list[Warning]
    control: str = ""  # the answer for all of them the page offers: "undated", "units" or ""

    @property
    def message(self) -> str | None:
        """The message, when every warning of the group says the same."""
        messages = {w.message for w in self.warnings}
        return messages.pop() if len(messages) == 1 else None


def grouped(warnings: list[Warning]) -> list[WarningGroup]:
    groups = {code: WarningGroup(code, title, [], CONTROLS.get(code, "")) for code, title in
              KINDS.items()}  # fmt: skip
    for warning in warnings:
        groups[warning.code].warnings.append(warning)
    return [g for g in groups.values() if g.warnings]


@dataclass
class PreviewRow:
    number: int  # 序号, from 1
    headings: list[tuple[int, str]]  # headings that start before this task: (depth, text)
    form: TaskDraftForm
    task: dict
    warnings: list[Warning] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"task-{self.number - 1}"

    @property
    def roles(self) -> tuple[list[str], list[str]]:
        return self.lead, self.support

    @property
    def kind_label(self) -> str:
        """The deadline's kind, when the date alone does not say it (ongoing, recurring)."""
        kind = self.form["deadline_kind"].value()
        return "" if kind == Task.DeadlineKind.DATE else str(KIND_LABELS.get(kind, ""))


def preview_rows(plan_import: PlanImport, formset, warnings: list[Warning]) -> list[PreviewRow]:
    """The tree as it will be created: each task under the headings that start before it, with
    its units as the form now holds them (the first leads) and its warnings."""
    by_task: dict[int, list[Warning]] = {}
    for warning in warnings:
        if warning.task is not None:
            by_task.setdefault(warning.task, []).append(warning)
    rows: list[PreviewRow] = []
    previous: list[str] = []
    for i, (task, form) in enumerate(zip(plan_import.parsed["tasks"], formset, strict=True)):
        path = task["path"]
        common = next(
            (d for d, (a, b) in enumerate(zip(path, previous, strict=False)) if a != b),
            min(len(path), len(previous)),
        )
        units = split_units(form["units"].value() or "")
        rows.append(
            PreviewRow(
                number=i + 1,
                headings=[(d + 1, path[d]) for d in range(common, len(path))],
                form=form,
                task=task,
                warnings=sorted(by_task.get(i, []), key=lambda w: list(KINDS).index(w.code)),
                lead=units[:1],
                support=units[1:],
            )
        )
        previous = path
    return rows


class PreviewPage:
    """The preview's forms, bound to what the office posted (``data``) or to the reading; with
    the superior's tasks waiting in the inbox of ``user``'s office, to place in the plan."""

    def __init__(self, plan_import: PlanImport, data=None, *, user: User | None = None):
        self.plan_import = plan_import
        parsed, department = plan_import.parsed, plan_import.department
        self.phrases = importing.phrases_to_pick(plan_import)
        self.plan_form = PlanForm(
            data, prefix="plan", department=department, initial=plan_initial(parsed)
        )
        self.mapping_form = UnitPickForm(
            data, prefix="map", phrases=self.phrases, department=department
        )
        self.undated_form = UndatedForm(data, prefix="undated")
        self.formset = TaskDraftFormSet(data, prefix="task", initial=task_initial(parsed))
        if data is not None and self.formset.total_form_count() != len(parsed["tasks"]):
            # Each form is paired with its parsed task: a post with another count was not made
            # by this page (a forged or cut-off form), and pairing it would be a server error.
            raise SuspiciousOperation("The posted tasks do not match the import.")
        self.confirm_form = ImportConfirmForm(data)
        options = AbovePlacing(user, importing.preview_headings(parsed))
        self.above = AboveTaskFormSet(
            data,
            prefix="above",
            initial=None if data is not None else [{"assignment": pk} for pk in options.waiting],
            form_kwargs={"options": options},
        )

    def forms(self) -> list:
        """Every form of the page, as a browser posts them back."""
        return [
            self.plan_form,
            self.mapping_form,
            self.undated_form,
            self.formset.management_form,
            *self.formset,
            self.above.management_form,
            *self.above,
            self.confirm_form,
        ]

    def is_valid(self) -> bool:
        forms = (self.plan_form, self.mapping_form, self.undated_form, self.formset, self.above)
        if not all(f.is_valid() for f in (*forms, self.confirm_form)):
            return False
        undated, year = self.undated_form.cleaned_data, self.plan_form.cleaned_data["year"]
        if undated["how"] == importing.Undated.DATE and undated["date"].year != year:
            message = _("The deadline must fall within the plan's year {year}.")
            self.undated_form.add_error("date", message.format(year=year))
            return False
        return True

    @property
    def new_version(self) -> bool:
        return self.confirm_form.cleaned_data["new_version"]

    def plan(self) -> Plan:
        """The plan's facts as confirmed, not saved yet."""
        plan = self.plan_form.instance
        if self.new_version:
            plan.version = 0  # numbered on confirm
        return plan

    def drafts(self) -> list[importing.TaskDraft]:
        """The ticked tasks as confirmed, the answer for the undated ones applied."""
        tasks = self.plan_import.parsed["tasks"]
        drafts = [
            form.draft(tasks[i], ref=i)
            for i, form in enumerate(self.formset)
            if form.cleaned_data["include"]
        ]
        undated = self.undated_form.cleaned_data
        importing.settle_undated(
            drafts,
            {w.task for w in self.warnings() if w.code == "no_deadline" and w.task is not None},
            how=undated["how"],
            date=undated["date"],
            year=self.plan_form.cleaned_data["year"],
        )
        return drafts

    def placements(self) -> list[importing.PreviewPlacement]:
        """The superior's tasks the office placed in the plan; those left wait in the inbox."""
        placed = (form.placement(ref=i) for i, form in enumerate(self.above))
        return [p for p in placed if p is not None]

    def warnings(self) -> list[Warning]:
        return warnings_of(self.plan_import, self.phrases)

    def attach_errors(self, error: ValidationError) -> None:
        """Put the confirm step's errors beside the task they are about."""
        if not hasattr(error, "error_dict"):
            self.confirm_form.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            if key.startswith("task-"):
                self.formset[int(key.removeprefix("task-"))].add_error(None, messages)
            elif key.startswith("above-"):
                self.above[int(key.removeprefix("above-"))].add_error(None, messages)
            else:
                self.confirm_form.add_error(None, messages)

    def context(self) -> dict:
        warnings = self.warnings()
        picks = [(phrase, self.mapping_form[f"name-{i}"]) for i, phrase in enumerate(self.phrases)]
        return {
            "plan_import": self.plan_import,
            "plan_form": self.plan_form,
            "mapping_form": self.mapping_form,
            "undated_form": self.undated_form,
            "formset": self.formset,
            "confirm_form": self.confirm_form,
            "above": self.above,
            "groups": grouped(warnings),
            "picks": picks,
            "picked_names": {p.name for p in self.phrases},
            "rows": preview_rows(self.plan_import, self.formset, warnings),
            "earlier": importing.earlier_import(self.plan_import),
        }
