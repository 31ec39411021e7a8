"""The suite's rows for the background work: the morning reminder sweep, the digests it decides
delivered by a real Celery worker to an SMTP server, and the year-end report draft with its
.docx and .xlsx exports.

The data set is shared (other benchmarks read it at the same time), so each row leaves it as it
found it: the sweep and the report rows run inside a transaction rolled back at the end (the
operations' own transactions become savepoints); the delivery row, whose worker must see the
digests, commits the sweep and deletes what it made afterwards.
"""

from __future__ import annotations

import datetime
import logging
import os
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from bench.generate import DataSet
from bench.suite import Operation, Target, figures, p95
from core.holidays import calendar_for
from core.models import CalendarDay, CalendarYear, Digest, ReminderPolicy
from org.models import Department, User
from plans.models import Plan
from registers.models import DisclosureRequest, ReviewCase
from reporting import queries, services
from reporting.exports import WRITERS
from reporting.formats import SECTION_TITLES, format_for
from reporting.models import ReportDraft
from tasks import reminders
from tasks.models import (
    Assignment,
    Figure,
    Metric,
    Notification,
    Reminder,
    Task,
)

ROOT = Path(__file__).resolve().parent.parent
REPORT_YEAR = 2025  # the last whole year: its report is written in January
DELIVERY_RUNS = 3  # ~45 s each; the baseline (one by one, ~50 s) runs once
NOT_OPEN = [Assignment.Status.COMPLETED, Assignment.Status.SUBMITTED]  # nobody is reminded


def operations(data: DataSet) -> list[Operation]:
    assignments = Assignment.objects.count()
    emailed = _emailed(data.bureau.department).count()
    fmt = format_for(REPORT_YEAR)
    cells = sum(len(t.cells()) for t in fmt.tables)
    year = Assignment.objects.filter(task__plan__year=REPORT_YEAR).count()
    requests = DisclosureRequest.objects.filter(received_on__year=REPORT_YEAR).count()
    draft_size = f"{REPORT_YEAR}: {len(SECTION_TITLES)} parts, {cells} table cells"
    regenerated = "regenerating the draft from the data, then exporting it (no stored draft)"
    stored = "bare SQL reading the stored draft: its row, parts and hand-entered cells"
    return [
        Operation(
            "reminder sweep",
            f"{assignments:,} assignments",
            Target(p95_ms=2000),
            measure=lambda: _measure_sweep(data.as_of),
            baseline_is="a Python loop over the open assignments saving each reminder, "
            "notification and digest with .create()",
            floor_is="one SELECT of the day's (assignment, rule) pairs",
        ),
        Operation(
            "digest e-mail delivery",
            f"{emailed:,} people e-mailed",
            Target(p95_ms=60_000),
            measure=lambda: _measure_delivery(data.as_of),
            baseline_is="the digests delivered one by one in one process, an SMTP connection each",
            floor_is="smtplib sending the same messages over one SMTP connection",
        ),
        Operation(
            "report draft",
            f"{REPORT_YEAR}: {year:,} assignments, {requests:,} requests",
            Target(p95_ms=3000),
            measure=lambda: _measure_draft(data),
            baseline_is="the main figures counted in Python loops over the year's rows",
            floor_is="bare SQL GROUP BY aggregates of the same figures",
        ),
        *(
            Operation(
                f"report .{kind} export",
                draft_size,
                Target(p95_ms=3000),
                measure=partial(_measure_export, data, kind),
                baseline_is=regenerated,
                floor_is=stored,
            )
            for kind in ("docx", "xlsx")
        ),
    ]


# --- Shared -------------------------------------------------------------------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever is written inside is undone (sequences aside)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _emailed(department: Department):
    return User.objects.filter(department=department, is_active=True, email_reminders=True).exclude(
        email=""
    )


# --- Reminder sweep -----------------------------------------------------------------------------


def _clear_day(day: datetime.date) -> None:
    """The day's reminders (their notifications go with them) and digests."""
    Reminder.objects.filter(date=day).exclude(rule=Reminder.Rule.MANUAL).delete()
    Digest.objects.filter(date=day).delete()


def _measure_sweep(day: datetime.date) -> dict:
    results: dict[str, Any] = {}
    with rolled_back():
        calendar_for(day.year)  # seeded once, as in production after the first day
        timed = figures(
            lambda: reminders.sweep(day),
            lambda: _naive_sweep(day),
            lambda: results.__setitem__("floor", _floor_pairs(day)),
            repeats=5,
            before_each=lambda: _clear_day(day),
            baseline_repeats=2,  # ~40,000 single-row INSERTs a run
        )
        # The baseline's last run is in the database: it must have made what the sweep makes.
        results["naive"] = _day_rows(day)
        _clear_day(day)
        reminders.sweep(day)
        results["sweep"] = _day_rows(day)
    if results["naive"] != results["sweep"]:
        raise AssertionError("The naive sweep decides other reminders than reminders.sweep.")
    pairs = {(a, rule) for a, rule, *_ in results["sweep"][0]}
    if results["floor"] != pairs:
        raise AssertionError("The floor selects other (assignment, rule) pairs than the sweep.")
    reminded, notified, digests = (len(rows) for rows in results["sweep"])
    return timed | {"reminders": reminded, "notifications": notified, "digests": digests}


def _day_rows(day: datetime.date) -> tuple[set, set, set]:
    return (
        set(
            Reminder.objects.filter(date=day)
            .exclude(rule=Reminder.Rule.MANUAL)
            .values_list("assignment", "rule", "days", "deadline")
        ),
        set(
            Notification.objects.filter(reminder__date=day).values_list(
                "recipient", "reminder__assignment", "reminder__rule"
            )
        ),
        set(Digest.objects.filter(date=day).values_list("channel", "recipient", "unit")),
    )


def _decisions(
    task: Task, rules: list[reminders.Window]
) -> Iterator[tuple[str, int, datetime.date]]:
    """(rule, days, deadline) of each reminder of a task's assignment, decided one by one."""
    if task.deadline_kind != Task.DeadlineKind.RECURRING:
        for w in rules:
            if w.low <= task.due_date < w.high:
                yield w.rule, w.days, task.due_date
        return
    if task.recurrence not in Task.Recurrence.values:
        return
    for w in rules:
        if w.rule in (Reminder.Rule.BEFORE, Reminder.Rule.DUE):
            for end in reminders._recurring_occurrences(task.recurrence, w.low, w.high):
                if task.due_date >= end:
                    yield w.rule, w.days, end


def _naive_sweep(day: datetime.date) -> None:
    """The sweep written row by row: every open assignment loaded and decided in Python, each
    reminder, notification and digest saved on its own."""
    calendar = calendar_for(day.year)
    unit_roles = [User.Role.UNIT_HEAD, User.Role.UNIT_STAFF, User.Role.OFFICE]
    with transaction.atomic():
        told: dict[int, User] = {}
        robots = {}
        for department in Department.objects.all():
            rules = reminders.windows(reminders.policy_of(department.pk), day, calendar)
            open_work = (
                Assignment.objects.filter(
                    task__plan__department=department,
                    task__plan__status=Plan.Status.ISSUED,
                    task__closed_reason="",
                )
                .exclude(status__in=NOT_OPEN)
                .select_related("task__plan", "unit")
            )
            for assignment in open_work:
                for rule, days, deadline in _decisions(assignment.task, rules):
                    reminder = Reminder.objects.create(
                        assignment=assignment, rule=rule, days=days, deadline=deadline, date=day
                    )
                    if rule == Reminder.Rule.ESCALATE:
                        plan = assignment.task.plan
                        people = User.objects.filter(department=department, is_active=True)
                        people = people.filter(role=User.Role.OFFICE) | people.filter(
                            pk=plan.leader_id  # type: ignore[misc]  # None: matches no one
                        )
                        if plan.leader_id is None:
                            people |= User.objects.filter(
                                department=department, is_active=True, role=User.Role.LEADER
                            )
                    else:
                        people = assignment.unit.people.filter(is_active=True, role__in=unit_roles)
                        if assignment.unit.webhook_url:
                            robots[assignment.unit.pk] = assignment.unit
                    for person in people.distinct():
                        Notification.objects.create(recipient=person, reminder=reminder)
                        told[person.pk] = person
        for person in told.values():
            if person.email_reminders and person.email:
                Digest.objects.create(channel=Digest.Channel.EMAIL, date=day, recipient=person)
        for unit in robots.values():
            Digest.objects.create(channel=Digest.Channel.WEBHOOK, date=day, unit=unit)


def _floor_pairs(day: datetime.date) -> set[tuple[int, str]]:
    """The (assignment, rule) pairs of the day in one SELECT: the windows (a dozen dates the
    calendar gives) joined to the open assignments' deadlines."""
    calendar = calendar_for(day.year)
    dated: list[str] = []
    recurring: list[str] = []
    params: list[Any] = []
    for department in Department.objects.all():
        for w in reminders.windows(reminders.policy_of(department.pk), day, calendar):
            dated.append("(%s, %s::varchar, %s::date, %s::date)")
            params += [department.pk, w.rule, w.low, w.high]
    for department in Department.objects.all():
        for w in reminders.windows(reminders.policy_of(department.pk), day, calendar):
            if w.rule not in (Reminder.Rule.BEFORE, Reminder.Rule.DUE):
                continue
            for kind in Task.Recurrence.values:
                for end in reminders._recurring_occurrences(kind, w.low, w.high):
                    recurring.append("(%s, %s::varchar, %s::varchar, %s::date)")
                    params += [department.pk, w.rule, kind, end]
    sql = f"""
        SELECT a.id, w.rule
        FROM (VALUES {", ".join(dated)}) w(department, rule, low, high)
        JOIN plans_plan p ON p.department_id = w.department AND p.status = 'issued'
        JOIN tasks_task t ON t.plan_id = p.id AND t.closed_reason = ''
          AND t.deadline_kind <> 'recurring' AND t.due_date >= w.low AND t.due_date < w.high
        JOIN tasks_assignment a ON a.task_id = t.id
          AND a.status NOT IN ('completed', 'submitted')"""
    if recurring:
        sql += f"""
        UNION ALL
        SELECT a.id, w.rule
        FROM (VALUES {", ".join(recurring)}) w(department, rule, kind, period_end)
        JOIN plans_plan p ON p.department_id = w.department AND p.status = 'issued'
        JOIN tasks_task t ON t.plan_id = p.id AND t.closed_reason = ''
          AND t.recurrence = w.kind AND t.due_date >= w.period_end
        JOIN tasks_assignment a ON a.task_id = t.id
          AND a.status NOT IN ('completed', 'submitted')"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return set(cursor.fetchall())


# --- Digest delivery ----------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd handler keeping what it accepts (to send the same messages again)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.original_content))
        return "250 Message accepted for delivery"

    def take(self) -> list[tuple[str, list[str], bytes]]:
        with self.lock:
            taken, self.messages = self.messages, []
        return taken


def _measure_delivery(day: datetime.date) -> dict:
    """One real worker delivers the day's digests; then the same digests are delivered in this
    process, then their messages are sent again over one connection."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    if Reminder.objects.filter(date=day).exists() or Digest.objects.filter(date=day).exists():
        raise RuntimeError(f"{day} already has reminders: someone else is sweeping that day.")
    years = set(CalendarYear.objects.values_list("year", flat=True))
    policies = set(ReminderPolicy.objects.values_list("pk", flat=True))
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    try:
        digests = reminders.sweep(day).digests  # committed: the worker must see them
        n = len(digests)
        ours = []
        for _ in range(DELIVERY_RUNS):
            ours.append(_by_worker(digests, smtp.port))
            _check_delivered(digests, mailbox.take())
        email = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": smtp.port}
        backend = "django.core.mail.backends.smtp.EmailBackend"
        with override_settings(EMAIL_BACKEND=backend, **email):
            start = time.perf_counter()
            for pk in digests:
                reminders.deliver(pk)
            baseline = (time.perf_counter() - start) * 1000
        messages = mailbox.take()
        _check_delivered(digests, messages)
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", smtp.port) as client:
            for sender, recipients, content in messages:
                client.sendmail(sender, recipients, content)
        floor = (time.perf_counter() - start) * 1000
        assert len(mailbox.take()) == n
    finally:
        smtp.stop()
        _clear_day(day)
        for year in set(CalendarYear.objects.values_list("year", flat=True)) - years:
            CalendarDay.objects.filter(date__year=year).delete()
            CalendarYear.objects.filter(year=year).delete()
        ReminderPolicy.objects.exclude(pk__in=policies).delete()
    return {
        "median_ms": statistics.median(ours),
        "p95_ms": p95(ours),
        "queries": None,  # sent by the worker's processes
        "baseline_ms": baseline,
        "floor_ms": floor,
        "messages": n,
        "per_second": round(n / statistics.median(ours) * 1000, 1),
    }


def _check_delivered(digests: tuple[int, ...], messages: list) -> None:
    """Every digest sent once, then pending again for the next way of sending them."""
    sent = Digest.objects.filter(pk__in=digests, status=Digest.Status.SENT)
    if len(messages) != len(digests) or sent.count() != len(digests):
        raise AssertionError(f"{len(messages)} messages for {len(digests)} digests")
    sent.update(status=Digest.Status.PENDING, attempts=0, sent_at=None)


def _by_worker(digests: tuple[int, ...], smtp_port: int) -> float:
    """Milliseconds from the first job queued to the last digest recorded as sent, by one
    worker as Procfile.dev runs it, on a queue of its own: no other worker on this Redis takes
    its jobs, and no one else's are purged."""
    from config.celery_app import app
    from core.jobs import deliver_digest

    queue = f"bench-digests-{os.getpid()}"
    sent = Digest.objects.filter(pk__in=digests, status=Digest.Status.SENT)
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        worker = _start_worker(queue, smtp_port, log)
        try:
            _wait_until_ready(app, worker, queue)
            start = time.perf_counter()
            for pk in digests:
                deliver_digest.apply_async((pk,), queue=queue)
            deadline = time.monotonic() + 600
            while sent.count() < len(digests):
                if worker.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"The worker stopped or stalled:\n{log.read()[-5000:]}")
                time.sleep(0.1)
            return (time.perf_counter() - start) * 1000
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            with app.connection_for_write() as conn:  # the queue and its binding: all gone
                channel = conn.default_channel
                # The Redis transport's channel, beyond kombu's typed StdChannel.
                prefixes = (channel.keyprefix_queue, channel.keyprefix_binding_permanent)  # type: ignore[attr-defined]
                channel.client.delete(queue, *(prefix % queue for prefix in prefixes))  # type: ignore[attr-defined]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_worker(queue: str, smtp_port: int, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=2"]
    command += ["-Q", queue, "-n", f"{queue}@%h", "--loglevel=WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_until_ready(app, worker: subprocess.Popen, queue: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("The worker did not start.")


# --- Report draft and exports ------------------------------------------------------------------


@contextmanager
def _report_draft(data: DataSet) -> Iterator[ReportDraft]:
    """The year's draft, generated once, all undone afterwards (its deadline task included)."""
    office = data.bureau.office
    with rolled_back():
        draft = services.create_draft(data.bureau.department, REPORT_YEAR, by=office)
        yield services.generate(draft, by=office)


def _measure_draft(data: DataSet) -> dict:
    dept = data.bureau.department.pk
    with _report_draft(data) as draft:
        naive = _naive_figures(dept, REPORT_YEAR)
        if naive != _aggregated_figures(dept, REPORT_YEAR):
            raise AssertionError("The baseline's figures are not the report's.")
        return figures(
            lambda: services.generate(draft, by=data.bureau.office),
            lambda: _naive_figures(dept, REPORT_YEAR),
            lambda: _floor_figures(dept, REPORT_YEAR),
            repeats=5,
        )


def _measure_export(data: DataSet, kind: str) -> dict:
    write = WRITERS[kind].write
    office = data.bureau.office
    with _report_draft(data) as draft:
        size = len(write(queries.content(draft)))
        timed = figures(
            lambda: write(queries.content(draft)),
            lambda: write(queries.content(services.generate(draft, by=office))),
            lambda: _floor_stored(draft.pk),
            repeats=5,
        )
    return timed | {"kilobytes": round(size / 1024, 1)}


def _floor_stored(draft_id: int) -> None:
    """What ``queries.content`` reads, in bare SQL."""
    with connection.cursor() as cursor:
        for sql in (
            "SELECT d.computed, d.checks, d.format, d.year, o.name FROM reporting_reportdraft d"
            " JOIN org_department o ON o.id = d.department_id WHERE d.id = %s",
            "SELECT number, generated_text, edited_text, is_edited FROM reporting_reportsection"
            " WHERE draft_id = %s ORDER BY number",
            'SELECT "table", "row", "column", value FROM reporting_manualcell WHERE draft_id = %s',
        ):
            cursor.execute(sql, [draft_id])
            cursor.fetchall()


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _aggregated_figures(dept: int, year: int) -> dict:
    """The main figures of the report as ``reporting.aggregates`` gives them."""
    from reporting import aggregates

    plan = aggregates.plan_year(dept, year)
    return {
        "requests": {k: int(v) for k, v in aggregates.request_counts(dept, year).items() if v},
        "reviews": {k: int(v) for k, v in aggregates.review_counts(dept, year).items() if v},
        "metrics": {k: v for k, v in aggregates.metric_cells(dept, year).items() if v},
        "key figures": {
            (f.heading_id, f.name): f.value for f in aggregates.key_figures(dept, year)
        },
        "work": {h: tuple(vars(w).values()) for h, w in plan.work.items()},
        "summaries": Counter(s.heading_id for s in aggregates.completed_summaries(dept, year)),
    }


def _naive_figures(dept: int, year: int) -> dict:
    """The same figures counted row by row in Python."""
    start, end = _year(year)
    requests: Counter = Counter()
    for r in DisclosureRequest.objects.filter(department=dept, received_on__lte=end):
        if r.replied_on is not None and r.replied_on < start:
            continue
        requests["new" if r.received_on >= start else "carried_over", r.applicant_type] += 1
        replied = r.replied_on is not None and r.replied_on <= end
        requests[r.outcome if replied else "carry_forward", r.applicant_type] += 1
    reviews: Counter = Counter()
    for c in ReviewCase.objects.filter(department=dept, filed_on__lte=end):
        if c.closed_on is None or c.closed_on >= start:
            decided = c.closed_on is not None and c.closed_on <= end
            reviews["cases", f"{c.kind}.{c.result if decided else 'pending'}"] += 1
    metrics: dict[str, Decimal] = {}
    latest: dict[int, tuple] = {}
    key: dict[tuple, Decimal] = {}
    figures = Figure.objects.filter(
        update__assignment__task__plan__department=dept, update__assignment__task__plan__year=year
    ).select_related("metric", "update__assignment__task")
    for f in figures:
        m = f.metric
        if m.report_cell.startswith("t2.") and m.department_id in (None, dept):
            if m.aggregation == Metric.Aggregation.LATEST:
                if m.pk not in latest or (f.update.created_at, f.pk) > latest[m.pk][:2]:
                    latest[m.pk] = (f.update.created_at, f.pk, m.report_cell, f.value)
            else:
                metrics[m.report_cell] = metrics.get(m.report_cell, Decimal(0)) + f.value
        elif not m.report_cell:
            heading = f.update.assignment.task.heading_id
            key[heading, m.name] = key.get((heading, m.name), Decimal(0)) + f.value
    for *_, cell, value in latest.values():
        metrics[cell] = metrics.get(cell, Decimal(0)) + value
    work: dict = {}
    summaries: Counter = Counter()
    as_of = min(timezone.localdate(), datetime.date(year + 1, 1, 1))
    tasks = Task.objects.filter(plan__department=dept, plan__year=year).prefetch_related(
        "assignments__updates"
    )
    for task in tasks:
        assignments = list(task.assignments.all())
        updates = [u for a in assignments for u in a.updates.all()]
        done = bool(assignments) and all(
            a.status == Assignment.Status.COMPLETED for a in assignments
        )
        # A unit's lateness: its first submission against the deadline.
        submitted = [
            sorted(
                timezone.localdate(u.created_at)
                for u in a.updates.all()
                if u.status == Assignment.Status.SUBMITTED
            )
            for a in assignments
        ]
        late = any(dates and dates[0] > task.due_date for dates in submitted)
        overdue = (
            not done
            and not task.closed_reason
            and task.due_date < as_of
            and any(not dates for dates in submitted)
        )
        returned = any(u.status == Assignment.Status.RETURNED for u in updates)
        counts = work.setdefault(task.heading_id, [0] * 6)
        flags = (True, done, late, overdue, returned, not done and not task.closed_reason)
        for i, flag in enumerate(flags):
            counts[i] += flag
        if done:
            for a in assignments:
                written = [u for u in a.updates.all() if u.summary]
                if written:
                    summaries[task.heading_id] += 1
    return {
        "requests": {k: v for k, v in requests.items() if v},
        "reviews": {k: v for k, v in reviews.items() if v},
        "metrics": {k: v for k, v in metrics.items() if v},
        "key figures": {k: v for k, v in key.items() if v},
        "work": {h: tuple(c) for h, c in work.items()},
        "summaries": summaries,
    }


def _floor_figures(dept: int, year: int) -> list[list[tuple]]:
    """The same figures as bare SQL aggregates."""
    start, end = _year(year)
    of_the_year = """
        FROM tasks_figure f
        JOIN tasks_progressupdate u ON u.id = f.update_id
        JOIN tasks_assignment a ON a.id = u.assignment_id
        JOIN tasks_task t ON t.id = a.task_id
        JOIN plans_plan p ON p.id = t.plan_id
        JOIN tasks_metric m ON m.id = f.metric_id
        WHERE p.department_id = %(dept)s AND p.year = %(year)s"""
    statements = [
        # table 三: per applicant type and final outcome; "new" counted alongside
        """SELECT applicant_type,
                  CASE WHEN replied_on <= %(end)s THEN outcome ELSE 'carry_forward' END,
                  count(*), count(*) FILTER (WHERE received_on >= %(start)s)
           FROM registers_disclosurerequest
           WHERE department_id = %(dept)s AND received_on <= %(end)s
             AND (replied_on IS NULL OR replied_on >= %(start)s)
           GROUP BY 1, 2""",
        # table 四
        """SELECT kind, CASE WHEN closed_on <= %(end)s THEN result ELSE 'pending' END, count(*)
           FROM registers_reviewcase
           WHERE department_id = %(dept)s AND filed_on <= %(end)s
             AND (closed_on IS NULL OR closed_on >= %(start)s)
           GROUP BY 1, 2""",
        # table 二 ("sum" metrics) and the key figures quoted in the prose
        f"SELECT m.report_cell, t.heading_id, m.id, sum(f.value) {of_the_year}"
        " AND m.aggregation = 'sum' GROUP BY 1, 2, 3",
        # table 二 ("latest" metrics)
        f"SELECT DISTINCT ON (m.id) m.report_cell, f.value {of_the_year}"
        " AND m.aggregation = 'latest' ORDER BY m.id, u.created_at DESC, f.id DESC",
        # the plan's work per heading
        """SELECT heading_id, count(*), count(*) FILTER (WHERE done),
                  count(*) FILTER (WHERE late), count(*) FILTER (WHERE returned),
                  count(*) FILTER (WHERE NOT done AND closed_reason = '')
           FROM (SELECT t.heading_id, t.closed_reason,
                   EXISTS (SELECT 1 FROM tasks_assignment a WHERE a.task_id = t.id)
                   AND NOT EXISTS (SELECT 1 FROM tasks_assignment a
                                   WHERE a.task_id = t.id AND a.status <> 'completed') AS done,
                   EXISTS (SELECT 1 FROM tasks_progressupdate u
                           JOIN tasks_assignment a ON a.id = u.assignment_id
                           WHERE a.task_id = t.id AND u.status = 'completed'
                             AND (u.created_at AT TIME ZONE %(tz)s)::date > t.due_date) AS late,
                   EXISTS (SELECT 1 FROM tasks_progressupdate u
                           JOIN tasks_assignment a ON a.id = u.assignment_id
                           WHERE a.task_id = t.id AND u.status = 'returned') AS returned
                 FROM tasks_task t JOIN plans_plan p ON p.id = t.plan_id
                 WHERE p.department_id = %(dept)s AND p.year = %(year)s) AS flagged
           GROUP BY 1""",
        # the latest summary of each assignment of a completed task
        """SELECT DISTINCT ON (u.assignment_id) t.heading_id, u.summary
           FROM tasks_progressupdate u
           JOIN tasks_assignment a ON a.id = u.assignment_id
           JOIN tasks_task t ON t.id = a.task_id
           JOIN plans_plan p ON p.id = t.plan_id
           WHERE p.department_id = %(dept)s AND p.year = %(year)s AND u.summary <> ''
             AND NOT EXISTS (SELECT 1 FROM tasks_assignment o
                             WHERE o.task_id = t.id AND o.status <> 'completed')
           ORDER BY u.assignment_id, u.created_at DESC, u.id DESC""",
    ]
    params: dict[str, Any] = {
        "dept": dept,
        "year": year,
        "start": start,
        "end": end,
        "tz": settings.TIME_ZONE,
    }
    rows = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
            rows.append(cursor.fetchall())
    return rows
