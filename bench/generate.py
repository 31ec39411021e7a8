"""The provincial data set every benchmark of the suite runs on, deterministic for a seed.

At scale 1: one department of 60 sections and 150 affiliated units, 24 people each (5,040,
so that a day's sweep decides ~5,000 digests), and ten yearly plans of 300 items under six
headings, each year's items broken into ~15,000 assignments: 150,000 assignments, 500,000
progress updates, 100,000 figures, 100,000 disclosure requests and 120 review cases in all.
Every count but the years and the people per unit is multiplied by ``scale`` (at least one
of each). The current year is seen as on ``AS_OF``; the years before are over.

Made with ``manage.py bench_data`` (settings ``config.settings.bench``) or ``provincial()``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection

from plans.models import Plan

from . import data, data_report

AS_OF = datetime.date(2026, 11, 2)  # a Monday: ten months of the year behind
YEARS = 10
SECTIONS, SCHOOLS, PEOPLE_PER_UNIT = 60, 150, 24
ITEMS_PER_HEADING = 50  # six headings: a plan of 300 items
ASSIGNMENTS, UPDATES, FIGURES, REQUESTS, REVIEW_CASES = 15_000, 50_000, 10_000, 10_000, 12


@dataclass
class DataSet:
    bureau: data.Bureau
    plans: dict[int, Plan] = field(default_factory=dict)  # by year
    as_of: datetime.date = AS_OF
    scale: float = 1.0  # of the rows that make their own data (the city of ``data_city``)

    @property
    def this_year(self) -> Plan:
        return self.plans[self.as_of.year]


def provincial(*, scale: float = 1.0, seed: int = 2026, years: int = YEARS) -> DataSet:
    """Make the data set in the (empty) database; returns what the benchmarks start from."""

    def scaled(count: int) -> int:
        return max(1, round(count * scale))

    bureau = data.make_bureau(
        "基准省教育厅",
        sections=scaled(SECTIONS),
        schools=scaled(SCHOOLS),
        people_per_unit=PEOPLE_PER_UNIT,
    )
    made = DataSet(bureau, scale=scale)
    for year in range(AS_OF.year - years + 1, AS_OF.year + 1):
        as_of = AS_OF if year == AS_OF.year else datetime.date(year, 12, 31)
        year_seed = seed * 100 + year
        plan = data.make_plan(bureau, year=year)
        data.make_assignments(plan, bureau.units, scaled(ASSIGNMENTS), as_of=as_of, seed=year_seed)
        data_report.make_headings(plan, children=max(1, round(ITEMS_PER_HEADING * scale)))
        data_report.complete_on_deadlines(plan)
        updates = data.make_progress(plan, scaled(UPDATES), as_of=as_of, seed=year_seed)
        data_report.mark_updates(plan)
        data_report.make_figures(updates, scaled(FIGURES), seed=year_seed)
        data_report.make_requests(bureau.department, year, scaled(REQUESTS), seed=year_seed)
        data_report.make_review_cases(bureau.department, year, REVIEW_CASES, seed=year_seed)
        data_report.grant_unit_access(plan)
        if year == AS_OF.year:  # last Friday's reminders, as a live system has them
            data_report.make_reminders(plan, on=AS_OF - datetime.timedelta(days=3))
        made.plans[year] = plan
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics, as a live database has
    return made


def existing(*, scale: float = 1.0) -> DataSet:
    """The data set ``provincial`` made earlier in this database; ``scale``, that of the rows
    making their own data."""
    from org.models import Department, Unit, User

    department = Department.objects.get(name="基准省教育厅")
    bureau = data.Bureau(
        department=department,
        office_unit=Unit.objects.get(department=department, is_office=True),
        office=User.objects.get(username=f"office{department.pk}"),
        leader=User.objects.get(username=f"leader{department.pk}"),
        units=list(
            Unit.objects.filter(department=department, is_office=False).order_by("position")
        ),
    )
    plans = {p.year: p for p in Plan.objects.filter(department=department)}
    return DataSet(bureau, plans, scale=scale)


def counts() -> dict[str, int]:
    """The rows of the data set, by kind: the "size" the suite's table quotes."""
    from org.models import User
    from registers.models import DisclosureRequest
    from tasks.models import Assignment, Figure, ProgressUpdate, Task

    return {
        "people": User.objects.count(),
        "tasks": Task.objects.count(),
        "assignments": Assignment.objects.count(),
        "progress updates": ProgressUpdate.objects.count(),
        "figures": Figure.objects.count(),
        "disclosure requests": DisclosureRequest.objects.count(),
    }
