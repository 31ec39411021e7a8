"""A city for the benchmarks of issue 20's levels: a city government's office over ``DISTRICTS``
district governments' offices, each over ``DEPARTMENTS`` departments of ``UNITS`` units, every
body with its office staff. Each department has its report of ``YEAR`` as a live system would
hold it: its disclosure requests, the tables generated from them (table 二 from made-up metric
figures), a few cells entered by hand, part 一 by topic and the checks of its last change; most
are final (some after the deadline), the rest still drafts. The superiors have no report yet:
the roll-up makes them. ``make_work`` then gives each department its issued plan of the year,
its tasks assigned to its units (``bench.data``'s) and each assignment's trail of updates as the
services would have written it (submitted, returned, completed; some late, some with evidence),
for the assessment.

Bulk-created (units without their auth groups: nobody logs in as a unit here); deterministic
for a seed; every count but the years multiplied by ``scale`` (at least one of each).

    city = make_city(scale=0.05)
    city.departments[city.districts[0].pk]  # the departments below the first district
    make_work(city, scale=0.05)  # their plans, assignments and updates
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from org.models import Department, Unit, User
from plans.models import Plan
from reporting import aggregates, checks
from reporting.formats import SECTION_TITLES, ReportFormat, format_for
from reporting.models import ManualCell, ReportDraft, ReportSection
from reporting.report import stored_tables, tables_for, typed_cells
from tasks.models import Assignment, EvidenceFile, EvidenceLink, ProgressUpdate

from . import data_report
from .data import BATCH, TZ, issued_plan, keeping_given_times, make_assignments

YEAR = 2025
DISTRICTS, DEPARTMENTS, UNITS, REQUESTS = 15, 40, 20, 12  # requests per department
FINAL_SHARE, LATE_SHARE = 0.85, 0.1  # of the reports; of the final ones, after 1月31日
CITY = "基准市人民政府办公室"
# Table 二's cells fed by metrics (as ``aggregates.metric_cells`` names them), up to a count.
TABLE_TWO = {
    "t2.normative.issued": 6,
    "t2.normative.repealed": 2,
    "t2.normative.in_force": 60,
    "t2.licensing.decisions": 400,
    "t2.punishment.decisions": 150,
    "t2.enforcement.decisions": 20,
}
ASSIGNMENTS = 60  # per department: three per unit
RESUBMITTED, LATE_WORK, EVIDENCED = 0.1, 0.15, 0.8  # shares of the work handed in
S = Assignment.Status
HAND_ENTERED = [(2, "fees", "amount"), (2, "regulations", "in_force")]


@dataclass
class City:
    office: Department
    districts: list[Department]
    departments: dict[int, list[int]] = field(default_factory=dict)  # district → its own
    year: int = YEAR

    @property
    def department_count(self) -> int:
        return sum(len(ids) for ids in self.departments.values())


def make_city(*, scale: float = 1.0, seed: int = 2026, year: int = YEAR) -> City:
    """Make the city in the database; returns what the benchmarks start from."""

    def scaled(count: int) -> int:
        return max(1, round(count * scale))

    rng = random.Random(seed)
    office = Department.objects.create(name=CITY)
    districts = Department.objects.bulk_create(
        Department(name=f"基准市第{n + 1}区人民政府办公室", parent=office)
        for n in range(scaled(DISTRICTS))
    )
    departments = Department.objects.bulk_create(
        [
            Department(name=f"基准市第{d + 1}区第{m + 1}部门", parent=district)
            for d, district in enumerate(districts)
            for m in range(scaled(DEPARTMENTS))
        ],
        batch_size=BATCH,
    )
    _staff([office, *districts, *departments], units=scaled(UNITS))
    for n, department in enumerate(departments):
        data_report.make_requests(department, year, scaled(REQUESTS), seed=seed * 1000 + n)
    _reports(departments, year, rng)
    return City(office, list(districts), _by_district(districts), year)


def existing(year: int = YEAR) -> City | None:
    """The city ``make_city`` made earlier in this database, if any."""
    office = Department.objects.filter(name=CITY).first()
    if office is None:
        return None
    districts = list(Department.objects.filter(parent=office).order_by("pk"))
    return City(office, districts, _by_district(districts), year)


def _by_district(districts: list[Department]) -> dict[int, list[int]]:
    """The departments below each district, in the order they were made."""
    found: dict[int, list[int]] = {d.pk: [] for d in districts}
    below = Department.objects.filter(parent__in=districts).order_by("pk")
    for pk, parent in below.values_list("pk", "parent"):
        found[parent].append(pk)  # type: ignore[index]  # filtered on a parent: never None
    return found


def _staff(bodies: list[Department], *, units: int) -> None:
    """Each body's office and ``units - 1`` sections, and one office staff member each."""
    made = Unit.objects.bulk_create(
        [
            Unit(
                department=body,
                name="办公室" if n == 0 else f"第{n}科",
                is_office=n == 0,
                position=n,
            )
            for body in bodies
            for n in range(units)
        ],
        batch_size=BATCH,
    )
    password = make_password(None)  # unusable: nobody logs in
    User.objects.bulk_create(
        [
            User(
                username=f"office{unit.department_id}",
                email=f"office{unit.department_id}@city.example.cn",
                department_id=unit.department_id,
                unit=unit,
                role=User.Role.OFFICE,
                password=password,
            )
            for unit in made
            if unit.is_office
        ],
        batch_size=BATCH,
    )


def _reports(departments: list[Department], year: int, rng: random.Random) -> None:
    """Each department's report of the year, generated from its requests as ``services.generate``
    would (the same ``aggregates`` and ``report`` functions), with hand-entered cells, parts and
    checks; one query per department for its requests' counts, the rest in bulk."""
    fmt = format_for(year)
    deadline = datetime.datetime(year + 1, 1, 31, 17, tzinfo=TZ)
    drafts = []
    for department in departments:
        metrics = {cell: Decimal(rng.randrange(0, top + 1)) for cell, top in TABLE_TWO.items()}
        tables = tables_for(
            fmt,
            metric_values=metrics,
            request_counts=aggregates.request_counts(department.pk, year),
            review_counts={},
            manual={},
        )
        computed = {
            str(n): {f"{r}|{c}": str(v) for (r, c), v in t.computed.items() if v is not None}
            for n, t in tables.items()
        }
        final = rng.random() < FINAL_SHARE
        late = datetime.timedelta(days=rng.randrange(1, 20) if rng.random() < LATE_SHARE else 0)
        drafts.append(
            ReportDraft(
                department=department,
                year=year,
                format=fmt.code,
                status=ReportDraft.Status.FINAL if final else ReportDraft.Status.DRAFT,
                generation=ReportDraft.Generation.DONE,
                progress=100,
                computed=computed,
                finalised_at=deadline - datetime.timedelta(days=5) + late if final else None,
            )
        )
    drafts = ReportDraft.objects.bulk_create(drafts, batch_size=BATCH)
    manual = {
        draft.pk: [
            ManualCell(
                draft=draft,
                table=table,
                row=row,
                column=column,
                value=Decimal(rng.randrange(0, 500)) / 100,
                places=2,
            )
            for table, row, column in HAND_ENTERED
        ]
        for draft in drafts
    }
    ManualCell.objects.bulk_create(
        [m for cells in manual.values() for m in cells], batch_size=BATCH
    )
    sections = []
    for draft in drafts:
        texts = {1: _overview(draft.department.name, year, fmt), 5: "无。", 6: "无。"}
        hand = typed_cells((m.table, m.row, m.column, m.value, m.places) for m in manual[draft.pk])
        tables = stored_tables(fmt, draft.computed, hand)
        found = checks.run_all(
            fmt, checks.Report({n: t.values for n, t in tables.items()}, texts), None
        )
        draft.checks = [f.as_dict() for f in found]
        sections += [
            ReportSection(draft=draft, number=n, generated_text=texts.get(n, ""))
            for n in range(1, len(SECTION_TITLES) + 1)
        ]
    ReportDraft.objects.bulk_update(drafts, ["checks"], batch_size=BATCH)
    ReportSection.objects.bulk_create(sections, batch_size=BATCH)


def _overview(name: str, year: int, fmt: ReportFormat) -> str:
    """Part 一 under the format's five topics, a sentence each in our own words."""
    lines = [f"{year}年，{name}按照年度工作要点推进政务公开工作。"]
    for _key, title in fmt.topics:
        lines += [title, f"{name}围绕{title[3:]}落实各项任务，工作有序开展。"]
    return "\n".join(lines)


def make_work(city: City, *, scale: float = 1.0, seed: int = 2026) -> int:
    """Each department's issued plan of the city's year with ``ASSIGNMENTS`` (scaled) assigned
    to its units by ``data.make_assignments`` as seen at the year's end, and the updates each
    assignment's status implies; returns the assignments made."""
    rng = random.Random(seed)
    ids = [pk for district in city.districts for pk in city.departments[district.pk]]
    plans = Plan.objects.bulk_create(
        [issued_plan(Department(pk=pk), year=city.year) for pk in ids], batch_size=BATCH
    )
    units: dict[int, list[Unit]] = {}
    for unit in Unit.objects.filter(department__in=ids).order_by("position", "pk"):
        units.setdefault(unit.department_id, []).append(unit)
    year_end = datetime.date(city.year, 12, 31)
    count = max(1, round(ASSIGNMENTS * scale))
    for n, plan in enumerate(plans):
        make_assignments(plan, units[plan.department_id], count, as_of=year_end, seed=seed + n)
    _trails(plans, city.year, rng)
    return count * len(plans)


def _trails(plans: list[Plan], year: int, rng: random.Random) -> None:
    """The updates behind each assignment's status, written by its department's office staff
    (bench units have nobody else): work begun before the deadline; handed in around it (some
    late, some returned once first), then signed off or returned; evidence on most hand-ins."""
    office = dict(
        User.objects.filter(
            department__in=[p.department_id for p in plans], role=User.Role.OFFICE
        ).values_list("department", "pk")
    )
    assignments = (
        Assignment.objects.filter(task__plan__in=plans)
        .exclude(status=S.NOT_STARTED)
        .order_by("pk")
        .values_list("pk", "status", "task__due_date", "task__plan__department")
    )
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def at(day: datetime.date) -> datetime.datetime:
        day = min(max(day, first), last)
        return datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8)), TZ)

    def days(low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=rng.randrange(low, high))

    updates: list[ProgressUpdate] = []
    handed_in: list[ProgressUpdate] = []
    for pk, status, due, department in assignments:
        author = office[department]

        def update(day: datetime.date, moved_to: str, text: str) -> ProgressUpdate:
            made = ProgressUpdate(
                assignment_id=pk,  # noqa: B023  # called in this iteration only
                author_id=author,  # noqa: B023
                created_at=at(day),
                text=text,
                status=moved_to,
            )
            updates.append(made)
            return made

        begun = due - days(10, 40)
        update(begun, S.IN_PROGRESS, "已启动，正在推进。")
        if status == S.IN_PROGRESS:
            continue
        handed = due + (days(1, 25) if rng.random() < LATE_WORK else -days(0, 8))
        if status == S.COMPLETED and rng.random() < RESUBMITTED:
            update(handed - days(12, 20), S.SUBMITTED, "已完成，提交审核。")
            update(handed - days(8, 12), S.RETURNED, "材料不全，请补充后重新提交。")
        submitted = update(handed, S.SUBMITTED, "已完成，提交审核。")
        if rng.random() < EVIDENCED:
            handed_in.append(submitted)
        if status == S.COMPLETED:
            update(handed + days(1, 4), S.COMPLETED, "")
        elif status == S.RETURNED:
            update(handed + days(1, 4), S.RETURNED, "请补充公开链接。")
    with keeping_given_times(ProgressUpdate):
        ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)
    files, links = [], []
    for n, made in enumerate(handed_in):
        if n % 4 == 0:  # a quarter attach a file, the rest the link to what was published
            files.append(
                EvidenceFile(
                    update=made,
                    sha256=f"{made.pk:064x}",
                    original_name="公开截图.png",
                    content_type="image/png",
                    size=1024,
                )
            )
        else:
            links.append(EvidenceLink(update=made, url=f"https://city.example.cn/gk/{made.pk}"))
    EvidenceFile.objects.bulk_create(files, batch_size=BATCH)
    EvidenceLink.objects.bulk_create(links, batch_size=BATCH)
