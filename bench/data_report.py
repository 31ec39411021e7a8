"""Benchmark data for the year-end report and the dashboard, on top of ``bench.data``: the plan's
heading tree, what the report reads from the progress updates (statuses, "summary for the
report" sentences, figures of the metric catalogue), the registers (disclosure requests and
review cases), completion times and reminders, and the unit groups' object permissions.

Everything is bulk-created or updated set-wise; deterministic for a given seed.

    make_headings(plan)
    complete_on_deadlines(plan)
    updates = data.make_progress(plan, 50_000, as_of=...)
    mark_updates(plan)
    make_figures(updates, 10_000)
    make_requests(bureau.department, 2025, 10_000)
    make_review_cases(bureau.department, 2025, 12)
    make_reminders(plan, on=datetime.date(2026, 12, 1))
    grant_unit_access(plan)
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat

from org.models import Department
from plans.models import Heading, Plan
from registers.models import DisclosureRequest, ReviewCase
from tasks.models import (
    Assignment,
    AssignmentGroupObjectPermission,
    Figure,
    Metric,
    ProgressUpdate,
    Reminder,
    Task,
    TaskGroupObjectPermission,
)

from .data import BATCH

S = Assignment.Status
# The top headings of a plan (titles that propose each of 一's sub-topics) and their children.
TOP_HEADINGS = [
    "加强主动公开",
    "规范依申请公开",
    "加强政府信息管理",
    "推进政务公开平台建设",
    "强化监督保障",
    "深化重点领域信息公开",
]
CHILDREN_PER_HEADING = 3
CHINESE_NUMBERS = "一二三四五六七八九十"


def make_headings(plan: Plan, *, children: int = CHILDREN_PER_HEADING) -> list[Heading]:
    """The plan's headings 一、…六、 with ``children`` numbered items under each (three, or the
    ~50 each of a provincial plan's 300 items); the plan's tasks are filed under the items in
    turn. Returns the items."""
    tops = Heading.objects.bulk_create(
        Heading(
            plan=plan, label=f"{CHINESE_NUMBERS[n]}、", title=title, position=n * (children + 1)
        )
        for n, title in enumerate(TOP_HEADINGS)
    )
    leaves = Heading.objects.bulk_create(
        Heading(
            plan=plan,
            parent=top,
            label=f"（{CHINESE_NUMBERS[m]}）" if m < len(CHINESE_NUMBERS) else f"{m + 1}.",
            title=f"{top.title}第{m + 1}项重点",
            position=top.position + m + 1,
        )
        for top in tops
        for m in range(children)
    )
    tasks = list(Task.objects.filter(plan=plan).only("pk").order_by("position"))
    for n, task in enumerate(tasks):
        task.heading = leaves[n % len(leaves)]
    Task.objects.bulk_update(tasks, ["heading"], batch_size=BATCH)
    return leaves


def complete_on_deadlines(plan: Plan) -> None:
    """Completed assignments were last changed around their deadline (two in three on time, the
    rest up to a fortnight late), not when the benchmark made them: the dashboard's on-time rate
    and burn-up line read that time. One UPDATE."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {Assignment._meta.db_table} AS a
               SET updated_at = (t.due_date + ((a.id %% 21) - 14) * interval '1 day'
                                 + interval '10 hours') AT TIME ZONE 'Asia/Shanghai'
              FROM {Task._meta.db_table} AS t
             WHERE a.task_id = t.id AND t.plan_id = %s AND a.status = %s
            """,
            [plan.pk, S.COMPLETED],
        )


def mark_updates(plan: Plan) -> None:
    """What the report reads of the updates: the ones at 100 % completed their assignment and
    carry a summary sentence of their own; those of returned assignments were returned."""
    updates = ProgressUpdate.objects.filter(assignment__task__plan=plan)
    updates.filter(percent=100).update(
        status=S.COMPLETED,
        summary=Concat(
            Value("完成第"),
            Cast(F("pk"), CharField()),
            Value("号公开事项，相关信息已在门户网站发布。"),
        ),
    )
    updates.filter(assignment__status=S.RETURNED).update(status=S.RETURNED)


def make_figures(updates: list[ProgressUpdate], count: int, *, seed: int = 2026) -> list[Figure]:
    """``count`` figures of the shipped metric catalogue (table 二's cells, the key figures the
    prose quotes, the processing fees), each on an update picked at random."""
    rng = random.Random(seed)
    metrics = list(Metric.objects.filter(department__isnull=True))
    figures = []
    for _ in range(count):
        metric = rng.choice(metrics)
        value = Decimal(rng.randrange(1, 50))
        if metric.decimal_places:
            value = value / 10
        figures.append(Figure(update=rng.choice(updates), metric=metric, value=value))
    return Figure.objects.bulk_create(figures, batch_size=BATCH)


Outcome = DisclosureRequest.Outcome
# Per cent of replies with each outcome (most disclosed), and of applicants of each type.
OUTCOMES = {
    Outcome.DISCLOSED: 45,
    Outcome.PARTLY_DISCLOSED: 12,
    Outcome.UNAVAILABLE_NOT_HELD: 12,
    Outcome.UNAVAILABLE_TO_CREATE: 4,
    Outcome.NOT_HANDLED_PETITION: 6,
    Outcome.NOT_HANDLED_REPEATED: 4,
    **{o: 1 for o in Outcome.values if o.startswith("withheld_")},
    Outcome.NOT_HANDLED_CONFIRMATION: 3,
    Outcome.OTHER_NO_CORRECTION: 2,
    Outcome.OTHER: 4,
}
APPLICANTS = {
    DisclosureRequest.ApplicantType.NATURAL_PERSON: 80,
    DisclosureRequest.ApplicantType.BUSINESS: 10,
    DisclosureRequest.ApplicantType.RESEARCH: 2,
    DisclosureRequest.ApplicantType.PUBLIC_INTEREST: 2,
    DisclosureRequest.ApplicantType.LEGAL_SERVICES: 4,
    DisclosureRequest.ApplicantType.OTHER_ORGANISATION: 2,
}
CARRIED_OVER_SHARE = 0.02  # received in the year before, replied to in this one
PENDING_SHARE = 0.03  # still open on 12月31日 (carried forward)


def make_requests(
    department: Department, year: int, count: int, *, seed: int = 2026
) -> list[DisclosureRequest]:
    """``count`` disclosure requests received over the year, a few carried over from December
    of the year before and a few still open on 12月31日; replied to within 30 days, some with a
    fee. The reply deadline is approximated (the calendar is not consulted in bulk)."""
    rng = random.Random(seed)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    outcomes, applicants = list(OUTCOMES), list(APPLICANTS)
    requests = []
    for n in range(count):
        kind = rng.random()
        if kind < CARRIED_OVER_SHARE:
            received = first - datetime.timedelta(days=rng.randrange(1, 25))
        elif kind < CARRIED_OVER_SHARE + PENDING_SHARE:
            received = last - datetime.timedelta(days=rng.randrange(0, 20))
        else:
            received = first + datetime.timedelta(days=rng.randrange(0, 335))
        pending = CARRIED_OVER_SHARE <= kind < CARRIED_OVER_SHARE + PENDING_SHARE
        replied = None if pending else received + datetime.timedelta(days=rng.randrange(3, 30))
        requests.append(
            DisclosureRequest(
                department=department,
                reference=f"依申请〔{received.year}〕{n + 1:05d}号",
                channel=rng.choice(DisclosureRequest.Channel.values),
                received_on=received,
                applicant_type=rng.choices(applicants, list(APPLICANTS.values()))[0],
                content=f"申请公开第{n + 1}项政府信息。",
                reply_due=received + datetime.timedelta(days=28),
                outcome="" if pending else rng.choices(outcomes, list(OUTCOMES.values()))[0],
                replied_on=replied,
                fee=Decimal("100.00") if not pending and rng.random() < 0.01 else Decimal(0),
            )
        )
    return DisclosureRequest.objects.bulk_create(requests, batch_size=BATCH)


def make_review_cases(department: Department, year: int, count: int, *, seed: int = 2026) -> None:
    """``count`` review cases and lawsuits filed over the year, two in three decided."""
    rng = random.Random(seed)
    first = datetime.date(year, 1, 1)
    cases = []
    for n in range(count):
        filed = first + datetime.timedelta(days=rng.randrange(0, 330))
        decided = n % 3 != 2
        cases.append(
            ReviewCase(
                department=department,
                kind=rng.choice(ReviewCase.Kind.values),
                reference=f"复〔{year}〕{n + 1}号",
                filed_on=filed,
                result=rng.choice(ReviewCase.Result.values) if decided else "",
                closed_on=filed + datetime.timedelta(days=rng.randrange(20, 60))
                if decided
                else None,
            )
        )
    ReviewCase.objects.bulk_create(cases)


def make_reminders(plan: Plan, *, on: datetime.date) -> int:
    """An overdue reminder on ``on`` for every open assignment of the plan past its deadline,
    and an escalation for one in four of them. Returns the reminders made."""
    open_overdue = Assignment.objects.filter(
        task__plan=plan, task__due_date__lt=on, status__in=[S.IN_PROGRESS, S.RETURNED]
    ).values_list("pk", "task__due_date")
    reminders = []
    for pk, due in open_overdue:
        reminders.append(
            Reminder(assignment_id=pk, rule=Reminder.Rule.OVERDUE, date=on, deadline=due)
        )
        if pk % 4 == 0:
            reminders.append(
                Reminder(assignment_id=pk, rule=Reminder.Rule.ESCALATE, date=on, deadline=due)
            )
    Reminder.objects.bulk_create(reminders, batch_size=BATCH)
    return len(reminders)


def grant_unit_access(plan: Plan) -> int:
    """What ``tasks.permissions.grant_unit_access`` grants, for every assignment of the plan: the
    unit's group may view and change the assignment and view its task. Returns the rows made."""
    perms = dict(
        Permission.objects.filter(
            content_type__app_label="tasks",
            codename__in=["view_assignment", "change_assignment", "view_task"],
        ).values_list("codename", "pk")
    )
    rows = list(
        Assignment.objects.filter(task__plan=plan).values_list("pk", "task_id", "unit__group")
    )
    with transaction.atomic():
        AssignmentGroupObjectPermission.objects.bulk_create(
            [
                AssignmentGroupObjectPermission(
                    group_id=group, permission_id=perms[codename], content_object_id=pk
                )
                for pk, _task, group in rows
                for codename in ("view_assignment", "change_assignment")
            ],
            batch_size=BATCH,
        )
        task_rows = {(task, group) for _pk, task, group in rows}
        TaskGroupObjectPermission.objects.bulk_create(
            [
                TaskGroupObjectPermission(
                    group_id=group, permission_id=perms["view_task"], content_object_id=task
                )
                for task, group in sorted(task_rows)
            ],
            batch_size=BATCH,
        )
    return 2 * len(rows) + len(task_rows)
