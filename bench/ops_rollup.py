"""The roll-up of a city's reports (issue 20, items 3 and 5): the city (``bench.data_city``) is
made inside the row and undone after it, so the other rows never see its ~600 departments.

Ours, as the roll-up pages and their job do it: the city office's standings of every
department below it; each district's report rolled up over its departments
(``services.take_parts`` then ``services.generate``, as the job runs it); then the city's over
its districts. The baseline: the same sums the naive way, per department in Python (its draft,
its hand-entered cells, its texts and last year's report read one by one, the checks run
again, added up in dicts), writing nothing. The floor: the bare SQL sum of the stored tables,
one GROUP BY per level.
"""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from reporting import checks, queries, rollup, services
from reporting.formats import format_for
from reporting.models import ReportDraft

from . import data_city
from .generate import DataSet
from .ops_jobs import rolled_back
from .suite import Operation, Target, figures

REPEATS = 3  # each run rolls up 16 reports of a city of ~600 departments


def operations(data: DataSet) -> list[Operation]:
    per = max(1, round(data_city.DEPARTMENTS * data.scale))
    districts = max(1, round(data_city.DISTRICTS * data.scale))
    units = max(1, round(data_city.UNITS * data.scale))
    return [
        Operation(
            "roll-up report (city)",
            f"{districts} districts × {per} departments × {units} units",
            Target(p95_ms=10_000),
            measure=lambda: _measure(data.scale),
            baseline_is="per department in Python: its draft, cells, texts and last year read "
            "one by one, checks run again, summed in dicts (no writes)",
            floor_is="the bare SQL sum of the stored tables, one GROUP BY per level",
        )
    ]


def roll_up_city(city: data_city.City) -> ReportDraft:
    """What the pages do: the city's standings, each district's roll-up, then the city's."""
    rollup.standings(city.office, city.year, timezone.localdate())
    for district in city.districts:
        draft = services.take_parts(district, city.year, city.departments[district.pk], by=None)
        services.generate(draft, by=None)
    districts = [d.pk for d in city.districts]
    return services.generate(
        services.take_parts(city.office, city.year, districts, by=None), by=None
    )


Sums = dict[int, dict[tuple[str, str], Decimal]]


def naive_sums(city: data_city.City) -> Sums:
    """The city's sum, per department in Python."""
    fmt = format_for(city.year)

    def add(into: Sums, tables: Sums) -> None:
        for n, cells in tables.items():
            for cell, value in cells.items():
                into.setdefault(n, {})[cell] = into.setdefault(n, {}).get(cell, Decimal(0)) + value

    total: Sums = {}
    for district in city.districts:
        for pk in city.departments[district.pk]:
            draft = ReportDraft.objects.get(department=pk, year=city.year)
            tables = queries.tables_of(draft)
            values = {
                n: {c: v for c, v in t.values.items() if v is not None} for n, t in tables.items()
            }
            report = checks.Report(
                {n: t.values for n, t in tables.items()}, queries.texts_of(draft)
            )
            checks.run_all(fmt, report, queries.last_year(draft))
            add(total, values)
    return total


def floor_sums(city: data_city.City) -> None:
    """The stored tables summed in SQL: the departments per district, then the districts."""
    sql = (
        "SELECT p.parent_id, t.key, c.key, SUM(c.value::numeric)"
        " FROM reporting_reportdraft d JOIN org_department p ON p.id = d.department_id"
        " CROSS JOIN LATERAL jsonb_each(d.computed) t"
        " CROSS JOIN LATERAL jsonb_each_text(t.value) c"
        " WHERE d.year = %s AND p.parent_id = ANY(%s) GROUP BY 1, 2, 3"
    )
    with connection.cursor() as cursor:
        for parents in ([d.pk for d in city.districts], [city.office.pk]):
            cursor.execute(sql, [city.year, parents])
            cursor.fetchall()


def _measure(scale: float) -> dict:
    with rolled_back():
        start = time.perf_counter()
        city = data_city.make_city(scale=scale)
        made_in = time.perf_counter() - start
        draft = roll_up_city(city)
        ours = {
            n: {c: v for c, v in t.values.items() if v} for n, t in queries.tables_of(draft).items()
        }
        naive = {n: {c: v for c, v in cells.items() if v} for n, cells in naive_sums(city).items()}
        if ours != naive:
            raise AssertionError("The roll-up's sums are not the departments' added up.")
        timed = figures(
            lambda: roll_up_city(city),
            lambda: naive_sums(city),
            lambda: floor_sums(city),
            REPEATS,
            baseline_repeats=1,
        )
    return timed | {
        "departments": city.department_count,
        "city_made_in_seconds": round(made_in, 1),
    }
