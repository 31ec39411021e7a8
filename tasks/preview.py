"""The import preview as the page shows it: the forms' first values from the parsed plan, the
tree of headings and tasks with their warnings, and the confirm step's errors put beside the
task they are about. The import itself is ``tasks.importing``."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from plans.messages import message_for
from plans.models import PlanImport

from .importing import TaskDraft, unknown_names


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
