"""Short names for the lists of the breakdown and the 通报: a task is named by its title, or by
the start of its text, cut after a clause where one ends near the limit, and marked "…"."""

from __future__ import annotations

from tasks.models import Assignment, Task

LIMIT = 40
# Where a Chinese (or English) clause ends: a cut there reads as a phrase, not half a word.
CLAUSE_ENDS = "，。；：、,;:)）"


def shorten(text: str, limit: int = LIMIT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(mark) for mark in CLAUSE_ENDS)
    # A clause end in the first half would leave too little to recognise the task by.
    if cut >= limit // 2:
        head = head[:cut]
    return head.rstrip(CLAUSE_ENDS + " ") + "…"


def task_name(task: Task) -> str:
    return shorten(task.title or task.text)


def assignment_name(assignment: Assignment) -> str:
    """The task, shortened, and the unit it was assigned to."""
    return f"{task_name(assignment.task)} · {assignment.unit}"
