"""The assessment of a city's year (issue 20, items 4 and 5): the city (``bench.data_city``) with
its departments' plans, assignments and updates (``make_work``), made inside the row and undone
after it, as the roll-up's.

Ours, as the ranking pages do it: each district office's ranking of its departments
(``queries.department_scores``), then every department's ranking of its units
(``queries.unit_scores``). The baseline: the same tallies the naive way, per department and per
assignment in Python (its updates and their evidence read one query per assignment, its report
read alone), scored with the same ``scoring.rank``; it writes nothing. The floor: the bare SQL
aggregate of the same counts, one GROUP BY per level (the working-day count of overdue days is
left to Python there).
"""

from __future__ import annotations

import dataclasses
import datetime
import time
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from assessment import queries
from assessment.catalogue import Scope
from assessment.scoring import Score, Tally, rank
from core.holidays import calendar_for
from org.models import Department, Unit
from plans.models import Plan
from reporting.deadlines import report_deadline
from reporting.models import ReportDraft
from tasks.models import Assignment

from . import data_city
from .generate import DataSet
from .ops_jobs import rolled_back
from .suite import Operation, Target, figures

REPEATS = 3
S = Assignment.Status
# What a ranking is compared on: each row's tally and total, by the unit's or department's pk.
Result = dict[tuple[str, int], tuple[tuple, Decimal]]


def operations(data: DataSet) -> list[Operation]:
    per = max(1, round(data_city.DEPARTMENTS * data.scale))
    districts = max(1, round(data_city.DISTRICTS * data.scale))
    units = max(1, round(data_city.UNITS * data.scale))
    return [
        Operation(
            "assessment (city)",
            f"{districts} districts × {per} departments × {units} units",
            Target(p95_ms=10_000),
            measure=lambda: _measure(data.scale),
            baseline_is="per department and assignment in Python: each assignment's updates "
            "and evidence one query, each report alone, tallied in dicts, same scoring",
            floor_is="the bare SQL aggregate of the same counts, one GROUP BY per level",
        )
    ]


def _departments(city: data_city.City) -> list[Department]:
    return list(Department.objects.filter(parent__in=city.districts).order_by("pk"))


def _rows(scope: str, scores: list[Score]) -> Result:
    return {(scope, s.pk): (dataclasses.astuple(s.tally), s.total) for s in scores}


def assess_city(city: data_city.City) -> Result:
    """What the pages do: each district's ranking of its departments, each department's of
    its units."""
    found: Result = {}
    for district in city.districts:
        ranking = queries.department_scores(district, city.departments[district.pk], city.year)
        found |= _rows(Scope.DEPARTMENTS, ranking.scores)
    for department in _departments(city):
        found |= _rows(Scope.UNITS, queries.unit_scores(department, city.year).scores)
    return found


def naive_assessment(city: data_city.City) -> Result:
    """The same tallies per department, per assignment, in Python."""
    today = timezone.localdate()
    calendar = calendar_for(city.year)
    found: Result = {}
    for district in city.districts:
        department_tallies: list[Score] = []
        for department in Department.objects.filter(pk__in=city.departments[district.pk]):
            units = {
                u.pk: Score(u.pk, u.short_name or u.name, Tally())
                for u in department.units.filter(represents=None)
            }
            whole = Tally()
            assignments = Assignment.objects.filter(
                task__plan__department=department,
                task__plan__year=city.year,
                task__plan__status__in=[Plan.Status.ISSUED, Plan.Status.CLOSED],
                task__closed_reason="",
            ).select_related("task")
            for a in assignments:
                tally = _tally(a, today, calendar)
                if a.unit_id in units:  # not a unit standing for a department below
                    units[a.unit_id].tally.add(tally)
                whole.add(tally)
            unit_rules = queries.indicators_of(department, city.year, Scope.UNITS)[1]
            found |= _rows(
                Scope.UNITS,
                rank(list(units.values()), unit_rules, ranked=lambda s: s.tally.considered > 0),
            )
            deadline = report_deadline(department, city.year)  # its own: one query each
            whole.report_deadline = deadline
            draft = ReportDraft.objects.filter(department=department, year=city.year).first()
            if draft is not None:
                whole.report_final = (
                    draft.status == ReportDraft.Status.FINAL
                    and draft.finalised_at is not None
                    and timezone.localdate(draft.finalised_at) <= deadline
                )
                whole.findings = len(queries.failed_findings(draft.checks))
            whole.report_due = today > deadline
            department_tallies.append(Score(department.pk, department.name, whole))
        rules = queries.indicators_of(district, city.year, Scope.DEPARTMENTS)[1]
        found |= _rows(
            Scope.DEPARTMENTS,
            rank(
                department_tallies,
                rules,
                ranked=lambda s: s.tally.considered > 0 or s.tally.report_due,
            ),
        )
    return found


def _tally(a: Assignment, today: datetime.date, calendar) -> Tally:
    """One assignment's share of its unit's tally, from its updates read alone."""
    updates = list(
        a.updates.annotate(
            n_files=Count("files", distinct=True), n_links=Count("links", distinct=True)
        )
        .order_by("created_at", "pk")
        .values_list("status", "created_at", "n_files", "n_links")
    )

    def last(status: str) -> datetime.date | None:
        days = [timezone.localdate(at) for s, at, _f, _l in updates if s == status]
        return days[-1] if days else None

    done = a.status == S.COMPLETED
    done_on = last(S.SUBMITTED) or last(S.COMPLETED)
    due = a.task.due_date
    end = queries.period_end(due.year, today)  # a deadline falls in its plan's year
    late = (done and done_on is not None and done_on > due) or (not done and due < today)
    return Tally(
        considered=int(done or due < today),
        completed=int(done),
        on_time=int(done and done_on is not None and done_on <= due),
        evidenced=int(done and any(f or link for _s, _a, f, link in updates)),
        returns=sum(1 for s, *_ in updates if s == S.RETURNED),
        overdue_days=queries.overdue_days(calendar, due, done_on, end) if late else 0,
    )


FLOOR = """
WITH work AS (
    SELECT a.id, a.status, a.unit_id, p.department_id, t.due_date
    FROM tasks_assignment a
    JOIN tasks_task t ON t.id = a.task_id
    JOIN plans_plan p ON p.id = t.plan_id
    WHERE p.department_id = ANY(%(ids)s) AND p.year = %(year)s
        AND p.status IN ('issued', 'closed') AND t.closed_reason = ''
), per_assignment AS (
    SELECT u.assignment_id,
        (MAX(u.created_at) FILTER (WHERE u.status = 'submitted') AT TIME ZONE %(tz)s)::date
            AS submitted_on,
        (MAX(u.created_at) FILTER (WHERE u.status = 'completed') AT TIME ZONE %(tz)s)::date
            AS completed_on,
        COUNT(*) FILTER (WHERE u.status = 'returned') AS returns,
        BOOL_OR(EXISTS (SELECT 1 FROM tasks_evidencefile f WHERE f.update_id = u.id)
            OR EXISTS (SELECT 1 FROM tasks_evidencelink l WHERE l.update_id = u.id)) AS evidenced
    FROM tasks_progressupdate u JOIN work ON work.id = u.assignment_id
    GROUP BY u.assignment_id
)
SELECT {by},
    COUNT(*) FILTER (WHERE w.status = 'completed' OR w.due_date < %(today)s),
    COUNT(*) FILTER (WHERE w.status = 'completed'),
    COUNT(*) FILTER (WHERE w.status = 'completed'
        AND COALESCE(u.submitted_on, u.completed_on) <= w.due_date),
    COUNT(*) FILTER (WHERE w.status = 'completed' AND u.evidenced),
    COALESCE(SUM(u.returns), 0)
FROM work w LEFT JOIN per_assignment u ON u.assignment_id = w.id
GROUP BY 1
"""


def floor_counts(city: data_city.City) -> None:
    """The counts in SQL: by unit, then by department."""
    ids = [pk for d in city.districts for pk in city.departments[d.pk]]
    params: dict[str, Any] = {
        "tz": timezone.get_current_timezone_name(),
        "today": timezone.localdate(),
        "ids": ids,
        "year": city.year,
    }
    with connection.cursor() as cursor:
        for by in ("w.unit_id", "w.department_id"):
            cursor.execute(FLOOR.format(by=by), params)
            cursor.fetchall()


def _measure(scale: float) -> dict:
    with rolled_back():
        start = time.perf_counter()
        city = data_city.make_city(scale=scale)
        assignments = data_city.make_work(city, scale=scale)
        made_in = time.perf_counter() - start
        if assess_city(city) != naive_assessment(city):
            raise AssertionError("The assessment's tallies are not the assignments' counted.")
        timed = figures(
            lambda: assess_city(city),
            lambda: naive_assessment(city),
            lambda: floor_counts(city),
            REPEATS,
            baseline_repeats=1,
        )
        units = Unit.objects.filter(department__parent__in=city.districts).count()
    return timed | {
        "departments": city.department_count,
        "units": units,
        "assignments": assignments,
        "city_made_in_seconds": round(made_in, 1),
    }
