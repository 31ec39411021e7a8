"""When a department's annual report of a year is due: the one rule the roll-up page, the
deadline task and the assessment all read.

《政府信息公开条例》第四十九条: a people's government's department (县级以上人民政府部门)
submits and publishes its report by 1月31日 of the next year; the government's office (the
政府信息公开工作主管部门, the department others report to here) publishes its government's
report, compiled from its departments', by 3月31日.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from org.models import Department

DEPARTMENT_DEADLINE = (1, 31)  # 第四十九条第一款
COMPILED_DEADLINE = (3, 31)  # 第四十九条第二款


def _due(year: int, *, compiles: bool) -> datetime.date:
    """``compiles``: the department has departments directly below it, whose reports it
    compiles into its government's."""
    month, day = COMPILED_DEADLINE if compiles else DEPARTMENT_DEADLINE
    return datetime.date(year + 1, month, day)


def report_deadline(department: Department | int, year: int) -> datetime.date:
    """The day the department's report of ``year`` is due. One query."""
    pk = department.pk if isinstance(department, Department) else department
    return _due(year, compiles=Department.objects.filter(parent=pk).exists())


def report_deadlines(department_ids: Iterable[int], year: int) -> dict[int, datetime.date]:
    """``report_deadline`` of many departments at once. One query."""
    ids = list(department_ids)
    compiling = set(Department.objects.filter(parent__in=ids).values_list("parent", flat=True))
    return {pk: _due(year, compiles=pk in compiling) for pk in ids}
