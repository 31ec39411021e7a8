"""Benchmark data, made fast: a bureau (department, office, ~40 units and their people), its plan,
tasks and assignments with deadlines spread over the year, and progress updates.

Units go through the services (there are few); people, tasks, assignments and updates are
bulk-created, so no history is recorded and no object permissions are granted (the office and
leaders see the whole department without them). Deterministic for a given seed.

    bureau = make_bureau(sections=8, schools=32, people_per_unit=4)
    plan = make_plan(bureau, year=2026)
    make_assignments(plan, bureau.units, 15_000, as_of=datetime.date(2026, 11, 1))
    make_progress(plan, 50_000, as_of=datetime.date(2026, 11, 1))
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from org.models import Department, Unit, User
from org.services import save_unit, standard_unit_groups
from plans.models import Plan
from tasks.models import Assignment, ProgressUpdate, Task

BATCH = 5_000
SECTIONS = ["社管办", "人事股", "计财股", "基教股", "职成股", "安稳办", "督导室", "体卫艺股"]
TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai, without daylight saving


@dataclass
class Bureau:
    department: Department
    office_unit: Unit
    office: User
    leader: User
    units: list[Unit] = field(default_factory=list)  # the units besides the office


def make_bureau(
    name: str = "基准区教育局",
    *,
    sections: int = 8,
    schools: int = 32,
    people_per_unit: int = 4,
    email_domain: str = "bench.example.cn",
) -> Bureau:
    """A department with its office, ``sections`` sections and ``schools`` affiliated units and
    their people: a head and ``people_per_unit - 1`` staff each, all with an e-mail address."""
    department = Department.objects.create(name=name)
    standard_unit_groups(department)
    office_unit = save_unit(Unit(department=department, name="办公室", is_office=True))
    made = []
    for n in range(sections + schools):
        if n < sections:
            name = SECTIONS[n] if n < len(SECTIONS) else f"第{n + 1}处"
            unit = Unit(department=department, name=name, position=n + 1)
        else:
            name = f"第{n - sections + 1}直属学校"
            unit = Unit(department=department, name=name, kind=Unit.Kind.SCHOOL, position=n + 1)
        made.append(save_unit(unit))
    password = make_password(None)  # unusable: nobody logs in
    people = [
        User(
            username=f"office{department.pk}",
            email=f"office{department.pk}@{email_domain}",
            department=department,
            unit=office_unit,
            role=User.Role.OFFICE,
            password=password,
        ),
        User(
            username=f"leader{department.pk}",
            email=f"leader{department.pk}@{email_domain}",
            department=department,
            role=User.Role.LEADER,
            password=password,
        ),
    ]
    for unit in made:
        for n in range(people_per_unit):
            people.append(
                User(
                    username=f"u{unit.pk}p{n}",
                    email=f"u{unit.pk}p{n}@{email_domain}",
                    department=department,
                    unit=unit,
                    role=User.Role.UNIT_HEAD if n == 0 else User.Role.UNIT_STAFF,
                    password=password,
                )
            )
    User.objects.bulk_create(people, batch_size=BATCH)
    # As save_person does: the people of a unit are members of its auth group.
    members = User.objects.filter(department=department, unit__isnull=False)
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=pk, group_id=group_id)
            for pk, group_id in members.values_list("pk", "unit__group")
        ],
        batch_size=BATCH,
    )
    return Bureau(
        department=department,
        office_unit=office_unit,
        office=User.objects.get(username=f"office{department.pk}"),
        leader=User.objects.get(username=f"leader{department.pk}"),
        units=made,
    )


def make_plan(bureau: Bureau, *, year: int) -> Plan:
    plan = issued_plan(bureau.department, year=year, leader=bureau.leader)
    plan.save()
    return plan


def issued_plan(department: Department, *, year: int, leader: User | None = None) -> Plan:
    """The department's issued plan of the year, unsaved (to be saved or bulk-created)."""
    return Plan(
        department=department,
        title=f"{year}年政务公开工作实施方案",
        year=year,
        number=f"基教〔{year}〕1号",
        status=Plan.Status.ISSUED,
        leader=leader,
    )


def make_assignments(
    plan: Plan,
    units: list[Unit],
    count: int,
    *,
    as_of: datetime.date | None = None,
    seed: int = 2026,
) -> int:
    """Tasks of ``plan`` with ``count`` assignments in all: a lead unit and up to two
    co-operating ones each; deadlines on every day of the year, one task in twenty monthly or
    quarterly and one in twenty ongoing. Without ``as_of`` nobody has started anything (the
    sweep's worst case); with it, most work due before it is done. Returns the tasks made."""
    rng = random.Random(seed)
    first = datetime.date(plan.year, 1, 1)
    year_end = datetime.date(plan.year, 12, 31)
    start = position = Task.objects.filter(plan=plan).count()
    made = 0
    with transaction.atomic():
        while made < count:
            tasks: list[Task] = []
            roles: list[list[Unit]] = []
            while made < count and len(tasks) < BATCH:
                n = min(rng.choice((1, 1, 2, 3)), count - made, len(units))
                roles.append(rng.sample(units, n))
                tasks.append(_task(plan, position + len(tasks), rng, first, year_end))
                made += n
            Task.objects.bulk_create(tasks)
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        task=task,
                        unit=unit,
                        role=Assignment.Role.LEAD if i == 0 else Assignment.Role.SUPPORT,
                        status=_status(task.due_date, as_of, rng),
                    )
                    for task, units_of_task in zip(tasks, roles, strict=True)
                    for i, unit in enumerate(units_of_task)
                ],
                batch_size=BATCH,
            )
            position += len(tasks)
    return position - start


def _task(
    plan: Plan, position: int, rng: random.Random, first: datetime.date, year_end: datetime.date
) -> Task:
    kind = rng.random()
    task = Task(plan=plan, position=position, text=f"第{position + 1}项政务公开工作任务。")
    if kind < 0.05:
        task.deadline_kind = Task.DeadlineKind.RECURRING
        task.recurrence = rng.choice((Task.Recurrence.MONTHLY, Task.Recurrence.QUARTERLY))
        task.due_date = year_end
    elif kind < 0.10:
        task.deadline_kind, task.due_date = Task.DeadlineKind.ONGOING, year_end
    else:
        task.due_date = first + datetime.timedelta(days=rng.randrange((year_end - first).days + 1))
    return task


S = Assignment.Status
# Per cent of assignments in each status, for work due before ``as_of`` and for the rest.
PAST_DUE = {S.COMPLETED: 75, S.SUBMITTED: 10, S.IN_PROGRESS: 10, S.RETURNED: 5}
AHEAD = {S.NOT_STARTED: 60, S.IN_PROGRESS: 35, S.SUBMITTED: 5}


def _status(due: datetime.date, as_of: datetime.date | None, rng: random.Random) -> str:
    if as_of is None:
        return S.NOT_STARTED
    shares = PAST_DUE if due < as_of else AHEAD
    return rng.choices(list(shares), list(shares.values()))[0]


def make_progress(
    plan: Plan, count: int, *, as_of: datetime.date, seed: int = 2026
) -> list[ProgressUpdate]:
    """``count`` progress updates on the plan's started assignments, written by their units'
    people on days between the year's start and ``as_of``."""
    rng = random.Random(seed)
    started = list(
        Assignment.objects.filter(task__plan=plan)
        .exclude(status=Assignment.Status.NOT_STARTED)
        .values_list("pk", "unit_id", "status")
    )
    authors: dict[int, list[int]] = {}
    people = User.objects.filter(unit__department=plan.department_id)
    for pk, unit_id in people.values_list("pk", "unit_id"):
        authors.setdefault(unit_id, []).append(pk)
    start = datetime.datetime(plan.year, 1, 1, 9, tzinfo=TZ)
    span = int((datetime.datetime.combine(as_of, datetime.time(9), TZ) - start).total_seconds())
    updates = []
    for n in range(count):
        pk, unit_id, status = rng.choice(started)
        percent = 100 if status == Assignment.Status.COMPLETED else rng.randrange(10, 100, 10)
        updates.append(
            ProgressUpdate(
                assignment_id=pk,
                author_id=rng.choice(authors[unit_id]),
                created_at=start + datetime.timedelta(seconds=rng.randrange(span)),
                text=f"第{n + 1}次进展：已按要求推进。",
                summary="按时完成公开。" if percent == 100 else "",
                percent=percent,
            )
        )
    with keeping_given_times(ProgressUpdate):
        return ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)


@contextmanager
def keeping_given_times(model) -> Iterator[None]:
    """bulk_create keeps the times given rather than stamping ``auto_now_add`` fields now."""
    fields = [f for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True
