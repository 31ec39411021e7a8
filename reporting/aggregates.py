"""Reads for the year-end report: every figure aggregated in the database (GROUP BY and
conditional counts), so a year of 15,000 assignments and 10,000 requests costs a handful of
queries whatever its size. The results are plain dicts and dataclasses for ``report`` and
``prose``; nothing here loops over register or progress rows.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from plans.models import Heading
from registers.models import DisclosureRequest, ReviewCase
from tasks.models import Assignment, Figure, Metric, ProgressUpdate, Task

from .formats import Cells
from .models import HeadingTopic


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# --- Table 三: requests ----


def request_counts(department_id: int, year: int) -> Cells:
    """Counts per (row, applicant type), rows keyed as in table 三 (outcomes as stored).

    A request counts once, by its final outcome, in the year it was replied to; one still open
    on 12月31日 is carried forward and is next year's 上年结转 (spec §2.4). Totals are left to
    ``report``. One query: GROUP BY applicant type with conditional counts.
    """
    start, end = _year(year)
    replied = Q(replied_on__isnull=False, replied_on__lte=end)
    counts = {
        "new": Count("pk", filter=Q(received_on__gte=start)),
        "carried_over": Count("pk", filter=Q(received_on__lt=start)),
        "carry_forward": Count("pk", filter=~replied),
        **{
            outcome: Count("pk", filter=replied & Q(outcome=outcome))
            for outcome in DisclosureRequest.Outcome.values
        },
    }
    rows = (
        DisclosureRequest.objects.filter(department=department_id, received_on__lte=end)
        .filter(Q(replied_on__isnull=True) | Q(replied_on__gte=start))
        .values("applicant_type")
        .order_by("applicant_type")
        .annotate(**counts)
    )
    # row[key]: a key of annotate(**counts), which the stubs' row type does not list.
    return {
        (key, row["applicant_type"]): Decimal(row[key])  # type: ignore[literal-required]
        for row in rows
        for key in counts
    }


@dataclass(frozen=True)
class Fees:
    """信息处理费 charged in the year (条例第四十二条), from the register and the metric."""

    requests: int = 0
    amount: Decimal = Decimal(0)

    @property
    def charged(self) -> bool:
        return self.amount > 0


def processing_fees(department_id: int, year: int) -> Fees:
    """Fees on requests replied to in the year; when the register holds none, the figure units
    reported with the metric ``s6.processing_fees`` (a department not keeping the register yet)."""
    start, end = _year(year)
    register = DisclosureRequest.objects.filter(
        department=department_id, replied_on__range=(start, end), fee__gt=0
    ).aggregate(requests=Count("pk"), amount=Sum("fee"))
    if register["requests"]:
        return Fees(register["requests"], register["amount"])
    reported = _figures(department_id, year).filter(metric__report_cell="s6.processing_fees")
    amount = reported.aggregate(amount=Sum("value"))["amount"] or Decimal(0)
    return Fees(0, amount)


# --- Table 四: review cases ----


def review_counts(department_id: int, year: int) -> Cells:
    """Counts per ("cases", "<kind>.<result>"), result "pending" for cases not decided by
    12月31日. A case counts in every year it is open in and in the year it is decided, like a
    request carried forward. Totals are left to ``report``. One query: GROUP BY kind."""
    start, end = _year(year)
    decided = Q(closed_on__isnull=False, closed_on__lte=end)
    counts = {
        "pending": Count("pk", filter=~decided),
        **{
            result: Count("pk", filter=decided & Q(result=result))
            for result in ReviewCase.Result.values
        },
    }
    rows = (
        ReviewCase.objects.filter(department=department_id, filed_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .values("kind")
        .order_by("kind")
        .annotate(**counts)
    )
    # row[key]: a key of annotate(**counts), which the stubs' row type does not list.
    return {
        ("cases", f"{row['kind']}.{key}"): Decimal(row[key])  # type: ignore[literal-required]
        for row in rows
        for key in counts
    }


# --- Part 五: what went wrong in the registers ----


@dataclass(frozen=True)
class RegisterProblems:
    """The year's requests answered after their deadline and the cases decided against the
    department (结果纠正), which part 五 reports with a measure each."""

    late_replies: int = 0
    corrected_reviews: int = 0
    corrected_lawsuits: int = 0


def register_problems(department_id: int, year: int) -> RegisterProblems:
    """Two queries: the requests replied to in the year after their reply due date
    (《政府信息公开条例》第三十三条, as the register computed it), and the cases decided in the
    year with the result 纠正."""
    start, end = _year(year)
    late = DisclosureRequest.objects.filter(
        department=department_id,
        replied_on__range=(start, end),
        reply_due__isnull=False,
        replied_on__gt=F("reply_due"),
    ).count()
    review = ReviewCase.Kind.REVIEW
    corrected = ReviewCase.objects.filter(
        department=department_id,
        result=ReviewCase.Result.CORRECTED,
        closed_on__range=(start, end),
    ).aggregate(
        reviews=Count("pk", filter=Q(kind=review)),
        lawsuits=Count("pk", filter=~Q(kind=review)),
    )
    return RegisterProblems(late, corrected["reviews"], corrected["lawsuits"])


# --- Table 二 and key figures: the metric catalogue ----


def _figures(department_id: int, year: int) -> QuerySet[Figure]:
    """Figures reported on the department's plans of the year."""
    return Figure.objects.filter(
        update__assignment__task__plan__department=department_id,
        update__assignment__task__plan__year=year,
    )


def metric_cells(department_id: int, year: int, prefix: str = "t2.") -> dict[str, Decimal]:
    """Values of the report cells fed by metrics ("t2.<row>.<column>" → value): every cell a
    metric of the catalogue feeds, 0 when no figure was reported (it has a data source).

    A "sum" metric adds up the year's figures; a "latest" one (现行有效件数, a 12月31日 snapshot)
    takes the last reported figure. One query over the metrics, with subqueries.
    """
    figures = _figures(department_id, year).filter(metric=OuterRef("pk"))
    latest = figures.order_by("-update__created_at", "-pk").values("value")[:1]
    total = figures.order_by().values("metric").annotate(total=Sum("value")).values("total")
    money = DecimalField(max_digits=20, decimal_places=6)
    metrics = (
        Metric.objects.filter(Q(department__isnull=True) | Q(department=department_id))
        .filter(report_cell__startswith=prefix)
        .annotate(
            result=Case(
                When(
                    aggregation=Metric.Aggregation.LATEST,
                    then=Coalesce(Subquery(latest), Value(0), output_field=money),
                ),
                default=Coalesce(Subquery(total), Value(0), output_field=money),
                output_field=money,
            )
        )
        .values_list("report_cell", "result", "decimal_places")
    )
    values: dict[str, Decimal] = {}
    for cell, result, places in metrics:  # one row per metric of the catalogue, not per figure
        values[cell] = values.get(cell, Decimal(0)) + as_entered(Decimal(result), places)
    return values


def as_entered(value: Decimal, places: int) -> Decimal:
    """A figure's sum as people gave it: no more decimals than the metric allows, trailing
    zeros dropped. The database's sum carries the column's six or more (18651.060000); the
    report prints 18651.06, and 12 for 12.000000."""
    value = value.quantize(Decimal(1).scaleb(-places)).normalize()
    # normalize() writes 1200 as 1.2E+3: back to a plain integer.
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


@dataclass(frozen=True)
class KeyFigure:
    heading_id: int | None
    name: str
    unit: str
    value: Decimal


def key_figures(department_id: int, year: int) -> list[KeyFigure]:
    """The year's figures of metrics the report quotes in its prose (no table cell), summed per
    heading of the task they were reported on. GROUP BY heading, metric."""
    rows = (
        _figures(department_id, year)
        .filter(metric__report_cell="")
        .values("update__assignment__task__heading", "metric__name", "metric__unit")
        .annotate(total=Sum("value"))
        .order_by("update__assignment__task__heading", "metric__position", "metric__name")
    )
    return [
        KeyFigure(
            r["update__assignment__task__heading"], r["metric__name"], r["metric__unit"], r["total"]
        )
        for r in rows
        if r["total"]
    ]


# --- The plan: headings, completed work and what went wrong ----


@dataclass
class HeadingWork:
    """Counts of a heading's own tasks (not its children's)."""

    total: int = 0
    completed: int = 0
    late: int = 0  # a unit first handed its work in after the deadline
    overdue: int = 0  # a unit has handed nothing in and the deadline has passed
    returned: int = 0
    unfinished: int = 0


@dataclass
class PlanYear:
    headings: list[Heading] = field(default_factory=list)
    topics: dict[int, str] = field(default_factory=dict)  # heading id → mapped sub-topic
    work: dict[int | None, HeadingWork] = field(default_factory=dict)


def _task_flags(as_of: datetime.date) -> dict:
    assignments = Assignment.objects.filter(task=OuterRef("pk"))
    open_assignments = assignments.exclude(status=Assignment.Status.COMPLETED)
    completed = Exists(assignments) & ~Exists(open_assignments)
    # Lateness is the unit's: its first submission against the deadline. When the office
    # reviewed (accepted or returned) does not count against the unit.
    submissions = ProgressUpdate.objects.filter(
        assignment=OuterRef("pk"), status=Assignment.Status.SUBMITTED
    )
    on_time = submissions.filter(created_at__date__lte=OuterRef("task__due_date"))
    late = Exists(assignments.filter(Exists(submissions), ~Exists(on_time)))
    overdue = (
        ~completed
        & Q(closed_reason="", due_date__lt=as_of)
        & Exists(assignments.filter(~Exists(submissions)))
    )
    returned = Exists(
        ProgressUpdate.objects.filter(
            assignment__task=OuterRef("pk"), status=Assignment.Status.RETURNED
        )
    )

    def count(condition) -> Sum:
        return Sum(Case(When(condition, then=1), default=0, output_field=IntegerField()))

    return {
        "total": Count("pk"),
        "completed": count(completed),
        "late": count(late),
        "overdue": count(overdue),
        "returned": count(returned),
        # Closed by the office with a reason is settled, not unfinished.
        "unfinished": count(~completed & Q(closed_reason="")),
    }


def plan_year(department_id: int, year: int, as_of: datetime.date | None = None) -> PlanYear:
    """The headings of the department's plans of the year, their sub-topic mapping, and per
    heading the counts of its tasks, overdue ones as of ``as_of`` (today, at most the year's
    end). Three queries."""
    as_of = min(as_of or timezone.localdate(), datetime.date(year + 1, 1, 1))
    headings = list(
        Heading.objects.filter(plan__department=department_id, plan__year=year).order_by(
            "plan__year", "plan_id", "position", "pk"
        )
    )
    # The office maps a heading once: this year's choice, else the latest one made for a
    # heading of the same title in an earlier plan of the department.
    mapped = HeadingTopic.objects.filter(
        heading__plan__department=department_id,
        heading__plan__year__lte=year,
        heading__title__in={h.title for h in headings},
    ).order_by("heading__plan__year", "heading__plan_id", "pk")
    by_title: dict[str, str] = {}
    by_heading: dict[int, str] = {}
    for heading_id, title, topic in mapped.values_list("heading_id", "heading__title", "topic"):
        by_title[title] = topic
        by_heading[heading_id] = topic
    topics = {
        h.pk: by_heading.get(h.pk, by_title[h.title]) for h in headings if h.title in by_title
    }
    rows = (
        Task.objects.filter(plan__department=department_id, plan__year=year)
        .values("heading")
        .order_by("heading")
        .annotate(**_task_flags(as_of))
    )
    # r[k]: the keys of annotate(**_task_flags()), which the stubs' row type does not list.
    flags = HeadingWork.__dataclass_fields__
    work: dict[int | None, HeadingWork] = {
        r["heading"]: HeadingWork(**{k: r[k] or 0 for k in flags})  # type: ignore[literal-required]
        for r in rows
    }
    return PlanYear(headings, topics, work)


@dataclass(frozen=True)
class Summary:
    heading_id: int | None
    text: str


def completed_summaries(department_id: int, year: int) -> list[Summary]:
    """The latest "summary for the report" of each assignment of each completed task, in plan
    order. One query (the latest summary per assignment is a correlated subquery)."""
    latest = (
        ProgressUpdate.objects.filter(assignment=OuterRef("assignment"))
        .exclude(summary="")
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    open_assignments = Assignment.objects.filter(task=OuterRef("assignment__task")).exclude(
        status=Assignment.Status.COMPLETED
    )
    rows = (
        ProgressUpdate.objects.filter(
            assignment__task__plan__department=department_id,
            assignment__task__plan__year=year,
            pk=Subquery(latest),
        )
        .exclude(Exists(open_assignments))
        .order_by(
            "assignment__task__plan_id",
            "assignment__task__position",
            "assignment__task_id",
            "-assignment__role",
            "assignment__unit__position",
        )
        .values_list("assignment__task__heading", "summary")
    )
    return [Summary(heading, text) for heading, text in rows]
