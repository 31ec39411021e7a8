"""Writes for the year-end report draft: create, generate, edit a part, enter a cell by hand,
mark final. Each write names its actor ``by``; the draft's reads are ``reporting.queries``.

Generation aggregates in the database (``aggregates``), computes the tables (``report``) and the
prose (``prose``) outside any transaction, reporting progress on the draft row as it goes so the
page can show it, then writes the result in one transaction. Every write ends with
``_refresh``: the checks run again (spec §5) and a version of the whole report is kept.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import webhooks
from core.models import Digest, Webhook
from core.queue import queue_on_commit
from org.models import Department, Unit, User
from plans.models import Heading, Plan
from tasks import activity
from tasks.models import Task
from tasks.services import Responsibility, save_task

from . import aggregates, checks, exports, prose, queries, rollup
from .content import Finding
from .deadlines import COMPILED_DEADLINE, report_deadline
from .formats import (
    TABLE_PARTS,
    cell_code,
    format_for,
)
from .json_export import as_json
from .models import (
    HeadingTopic,
    LateReportReminder,
    ManualCell,
    PublishedReport,
    ReportDraft,
    ReportSection,
    ReportVersion,
    RollupPart,
)
from .report import MISSING, tables_for

PROSE_PARTS = (1, 5, 6)


# --- Create ---------------------------------------------------------------------------------------


@transaction.atomic
def create_draft(
    department: Department, year: int, *, by: User | None, deadline_task: bool = True
) -> ReportDraft:
    """The draft of a year, in the format of that year, with its six (empty) parts and, unless
    ``deadline_task`` is off (a region's report made by rolling up), its deadline task."""
    if ReportDraft.objects.filter(department=department, year=year).exists():
        raise ValidationError(
            {"year": _("There is already a report for {year}.").format(year=year)}
        )
    if year < 2019:
        raise ValidationError({"year": _("The report formats start with the year 2019.")})
    draft = ReportDraft.objects.create(
        department=department, year=year, format=format_for(year).code, created_by=by
    )
    ReportSection.objects.bulk_create(ReportSection(draft=draft, number=n) for n in range(1, 7))
    if deadline_task:
        ensure_deadline_task(draft, by=by)
    return draft


def ensure_deadline_task(draft: ReportDraft, *, by: User | None) -> Task | None:
    """The report is due on its deadline (``deadlines.report_deadline``): a task of the office in
    the department's plan of the next year, so the reminder engine reminds it like any task.

    The task goes in next year's plan because a plan's tasks fall due within its year (the
    tasks app refuses other dates). Until that plan exists there is no task; every generation
    tries again. A region's report (rolled up) gets none: the roll-up page already tracks it,
    and a task added to a plan behind the office's back is work nobody planned. Nor is one
    made once the deadline has passed: a task overdue the moment it is created only raises
    the overdue count.
    """
    if draft.task_id:
        return draft.task
    due = report_deadline(draft.department_id, draft.year)
    if due < timezone.localdate() or draft.rollup_parts.exists():
        return None
    plan = (
        Plan.objects.filter(department=draft.department_id, year=due.year)
        .exclude(status=Plan.Status.CLOSED)
        .order_by("-version", "-pk")
        .first()
    )
    office = Unit.objects.filter(department=draft.department_id, is_office=True).first()
    if plan is None or office is None:
        return None
    # 第四十九条: a department submits to the government's office; the office, compiling, publishes.
    if (due.month, due.day) == COMPILED_DEADLINE:
        duty = "向社会公布本级政府上一年度政府信息公开工作年度报告"
    else:
        duty = "向本级政府信息公开工作主管部门提交并向社会公布"
    task = Task(
        plan=plan,
        title=f"编制并公布{draft.year}年政府信息公开工作年度报告",
        text=(
            f"编制{draft.year}年政府信息公开工作年度报告，于{due.month}月{due.day}日前{duty}"
            "（《中华人民共和国政府信息公开条例》第四十九条）。"
        ),
        deadline_kind=Task.DeadlineKind.DATE,
        due_date=due,
    )
    task = save_task(task, responsibility=Responsibility(lead=[office]), by=by)
    draft.task = task
    draft.save(update_fields=["task"])
    return task


def file_deadline_tasks() -> int:
    """Daily: give every open draft its deadline task as soon as next year's plan exists (the
    office usually creates it after the draft), so the report is reminded like any task."""
    waiting = ReportDraft.objects.filter(task__isnull=True, rollup_parts__isnull=True).exclude(
        status=ReportDraft.Status.FINAL
    )
    return sum(ensure_deadline_task(draft, by=None) is not None for draft in waiting)


# --- Generate -------------------------------------------------------------------------------------


def request_generation(draft: ReportDraft, *, by: User) -> ReportDraft:
    """Queue the generation job; the page polls the draft's progress."""
    _require_draft(draft)
    ReportDraft.objects.filter(pk=draft.pk).update(
        generation=ReportDraft.Generation.QUEUED, progress=0, generation_error=""
    )

    def not_queued(error: Exception) -> None:
        # Redis down: say so on the page, which stops polling, rather than wait for no job.
        ReportDraft.objects.filter(pk=draft.pk).update(
            generation=ReportDraft.Generation.FAILED, generation_error=str(error)[:500]
        )

    queue_on_commit(
        "reporting.jobs.generate_report_draft", draft.pk, by.pk, if_not_queued=not_queued
    )
    draft.refresh_from_db()
    return draft


def _progress(draft: ReportDraft, percent: int) -> None:
    # Outside the writing transaction, so the polling page sees it.
    ReportDraft.objects.filter(pk=draft.pk).update(
        generation=ReportDraft.Generation.RUNNING, progress=percent
    )


def generate(draft: ReportDraft, *, by: User | None) -> ReportDraft:
    """(Re)generate the tables and the prose from the registers and the plan.

    Parts edited by hand keep their edit; their new generated text is kept beside it, so the
    page shows what changed in the data since. A failure is recorded on the draft and raised.
    """
    _require_draft(draft)
    # The moment its data is read: parts taken after it are not in the tables, and the 来源
    # breakdown compares their time with this one (``rollup.sources_pending``).
    started = timezone.now()
    try:
        computed, texts = _compute(draft)
        # A region's report: the departments' parts added to the superior's own figures.
        parts = rollup.parts_of(draft)
        own = computed, texts.get(1, "")
        rolls_up = any(p.department_id != draft.department_id for p in parts)
        if rolls_up:
            computed, texts[1] = rollup.combine(draft, *own, parts)
    except Exception as error:
        ReportDraft.objects.filter(pk=draft.pk).update(
            generation=ReportDraft.Generation.FAILED, generation_error=str(error)[:500]
        )
        raise
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().get(pk=draft.pk)
        before = draft.computed or {}
        draft.changed_cells = sorted(
            f"{table}:{key}"
            for table, cells in computed.items()
            for key, value in cells.items()
            if before and before.get(table, {}).get(key) != value
        )
        draft.computed = computed
        draft.generation = ReportDraft.Generation.DONE
        draft.progress = 100
        draft.generated_at = started
        draft.save(
            update_fields=["changed_cells", "computed", "generation", "progress", "generated_at"]
        )
        for section in draft.sections.all():
            section.generated_text = texts.get(section.number, "")
            section.save(update_fields=["generated_text"])
        if rolls_up:
            RollupPart.objects.update_or_create(
                draft=draft,
                department_id=draft.department_id,
                defaults={"source": RollupPart.Source.OWN, "values": own[0], "overview": own[1]},
            )
        if not rolls_up:
            ensure_deadline_task(draft, by=by)
        _refresh(draft, reason=_("generated"), by=by)
    return draft


def _compute(draft: ReportDraft) -> tuple[dict, dict[int, str]]:
    """The computed table values (JSON-ready) and the prose parts' texts."""
    fmt = queries.report_format(draft)
    dept, year = draft.department_id, draft.year
    _progress(draft, 5)
    requests = aggregates.request_counts(dept, year)
    _progress(draft, 25)
    reviews = aggregates.review_counts(dept, year)
    metric_values = aggregates.metric_cells(dept, year)
    _progress(draft, 40)
    tables = tables_for(
        fmt,
        metric_values=metric_values,
        request_counts=requests,
        review_counts=reviews,
        manual=queries.manual_cells(draft),  # the prose quotes the table as printed
    )
    computed = {
        str(n): {cell_code(c): str(v) for c, v in t.computed.items() if v is not None}
        for n, t in tables.items()
    }
    _progress(draft, 55)
    tree = prose.Tree(aggregates.plan_year(dept, year))
    summaries = aggregates.completed_summaries(dept, year)
    _progress(draft, 75)
    figures = aggregates.key_figures(dept, year)
    texts = {
        1: prose.overview(
            year=year,
            department=draft.department.name,
            topics=fmt.topics,
            tree=tree,
            summaries=summaries,
            figures=figures,
            requests=prose.requests_of(tables[3]),
        ),
        5: prose.problems(
            year=year,
            tree=tree,
            found=aggregates.register_problems(dept, year),
            topics=[topic for topic, _title in fmt.topics],
            last_year=queries.last_years_text(draft, 5),
            self_name=draft.department.own_name,
        ),
        6: prose.other_matters(
            year=year,
            fees=aggregates.processing_fees(dept, year),
            options=prose.Options.from_dict(draft.options),
            tree=tree,
            proposals=next((f.value for f in figures if f.name == PROPOSALS), None),
        ),
    }
    _progress(draft, 90)
    return computed, texts


PROPOSALS = "办理人大代表建议和政协提案"  # the catalogue metric 建议提案 results are quoted from


# --- Edit -----------------------------------------------------------------------------------------


def _require_draft(draft: ReportDraft) -> None:
    if draft.status == ReportDraft.Status.FINAL:
        raise ValidationError(_("The report is final. Reopen it to change it."))


@transaction.atomic
def edit_section(
    section: ReportSection, *, text: str, by: User, seen: str | None = None
) -> ReportSection:
    """Keep the office's text for a part, with the generated text it was based on. Saving the
    generated text unchanged (or an empty text) goes back to the generated text. ``seen`` is
    the text the person started from: if the part changed since, nothing is saved."""
    _require_draft(section.draft)
    if seen is not None and _plain(seen) != _plain(section.text):
        raise ValidationError(
            _(
                "{who} saved this part after you opened it. Your text was not saved: it is "
                "still in the box; compare it with theirs and save again."
            ).format(who=section.edited_by or _("Someone")),
            code="stale",
        )
    text = text.replace("\r\n", "\n").strip()
    if section.number in TABLE_PARTS:
        raise ValidationError(_("Tables are changed cell by cell."))
    if not text or text == section.generated_text.strip():
        return discard_edit(section, by=by)
    section.edited_text = text
    section.is_edited = True
    section.based_on = section.generated_text
    section.edited_by = by
    section.edited_at = timezone.now()
    section.save(update_fields=["edited_text", "is_edited", "based_on", "edited_by", "edited_at"])
    _refresh(section.draft, reason=_("part {number} edited").format(number=section.number), by=by)
    return section


def _plain(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


@transaction.atomic
def discard_edit(section: ReportSection, *, by: User) -> ReportSection:
    """Go back to the generated text."""
    _require_draft(section.draft)
    section.edited_text, section.is_edited, section.based_on = "", False, ""
    section.edited_by, section.edited_at = by, timezone.now()
    section.save(update_fields=["edited_text", "is_edited", "based_on", "edited_by", "edited_at"])
    _refresh(section.draft, reason=_("part {number} reset").format(number=section.number), by=by)
    return section


@transaction.atomic
def keep_edit(section: ReportSection, *, by: User) -> ReportSection:
    """The office has seen what changed in the data and keeps its text as it is."""
    _require_draft(section.draft)
    section.based_on = section.generated_text
    section.edited_by, section.edited_at = by, timezone.now()
    section.save(update_fields=["based_on", "edited_by", "edited_at"])
    return section


def parse_value(raw: str) -> Decimal | None:
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation as error:
        raise ValidationError({"value": _("Enter a number.")}) from error


@transaction.atomic
def set_cell(
    draft: ReportDraft,
    *,
    table: int,
    row: str,
    column: str,
    value: Decimal | None,
    note: str = "",
    by: User,
) -> ManualCell | None:
    """Enter a table cell by hand (``None`` clears it, back to the computed value)."""
    _require_draft(draft)
    fmt = queries.report_format(draft)
    if table not in TABLE_PARTS or (row, column) not in fmt.table(table).cells():
        raise ValidationError(_("There is no such cell in this table."))
    problem = value is not None and checks.cell_value_error(fmt.code, (row, column), value)
    if problem:
        raise ValidationError({"value": _("Not entered: {problem}.").format(problem=problem)})
    cell = None
    if value is None:
        ManualCell.objects.filter(draft=draft, table=table, row=row, column=column).delete()
    else:
        value = Decimal(value)  # an int from a caller is a count as typed
        if not value.is_finite():
            raise ValidationError({"value": _("Enter a number.")})
        cell, _created = ManualCell.objects.update_or_create(
            draft=draft,
            table=table,
            row=row,
            column=column,
            defaults={
                "value": value,
                "places": _places(value),
                "note": note[:200],
                "entered_by": by,
            },
        )
    _refresh(draft, reason=_("table {number} cell entered by hand").format(number=table), by=by)
    return cell


FRONT_MATTER = ("title", "opening", "sign_off_name", "sign_off_date")


@transaction.atomic
def set_front_matter(
    draft: ReportDraft,
    *,
    title: str,
    opening: str,
    sign_off_name: str,
    sign_off_date: datetime.date | None,
    no_opening: bool = False,
    by: User,
) -> ReportDraft:
    """The office's title, opening paragraph and sign-off. A value left empty or equal to its
    default is stored empty, so it keeps following the department's settings and the date the
    draft is marked final. ``no_opening``: the report prints no opening paragraph at all."""
    _require_draft(draft)
    defaults = queries.default_front_matter(draft)
    entered = {
        "title": "\n".join(line.strip() for line in title.splitlines() if line.strip()),
        "opening": _plain(opening),
        "sign_off_name": sign_off_name.strip(),
        "sign_off_date": sign_off_date,
    }
    for name in FRONT_MATTER:
        value = entered[name]
        if not value or value == defaults[name]:
            value = None if name == "sign_off_date" else ""
        setattr(draft, name, value)
    draft.no_opening = no_opening
    draft.save(update_fields=[*FRONT_MATTER, "no_opening"])
    _refresh(draft, reason=_("front matter edited"), by=by)
    return draft


@transaction.atomic
def fill_table(
    draft: ReportDraft, *, table: int, cells: dict[tuple[str, str], Decimal], by: User
) -> int:
    """Enter many cells of a table at once (a pasted or uploaded table): all, or, if any cell
    is not of the table or holds what it may not, none. The number of cells entered."""
    _require_draft(draft)
    fmt = queries.report_format(draft)
    known = set(fmt.table(table).cells()) if table in TABLE_PARTS else set()
    errors = [
        _("{row}/{column}: {problem}").format(row=row, column=column, problem=problem)
        for (row, column), value in cells.items()
        if (problem := _cell_problem(fmt.code, known, (row, column), value))
    ]
    if errors or not cells:
        raise ValidationError(errors or [_("No cell to enter.")])
    existing = {(c.row, c.column): c for c in ManualCell.objects.filter(draft=draft, table=table)}
    for key, value in cells.items():
        cell = existing.get(key) or ManualCell(draft=draft, table=table, row=key[0], column=key[1])
        cell.value, cell.places, cell.entered_by = value, _places(value), by
        cell.save()
    _refresh(draft, reason=_("table {number} entered in bulk").format(number=table), by=by)
    return len(cells)


def _places(value: Decimal) -> int:
    """The decimals typed (18651.06: 2), so that the cell prints as it was entered."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _cell_problem(format_code: str, known: set, cell: tuple[str, str], value: Decimal):
    if cell not in known:
        return _("there is no such cell in this table")
    return checks.cell_value_error(format_code, cell, value)


@transaction.atomic
def save_published_report(
    department: Department,
    year: int,
    *,
    source: str,
    values: dict[int, dict[tuple[str, str], Decimal]],
    texts: dict[int, str],
    by: User,
) -> PublishedReport:
    """Keep a year's published report (its tables read back from its text) for the next
    year's cross-year checks; entering it again replaces it. The next year's draft is checked
    again at once."""
    report, _created = PublishedReport.objects.update_or_create(
        department=department,
        year=year,
        defaults={
            "source": source,
            "values": {
                str(n): {cell_code(c): str(v) for c, v in cells.items()}
                for n, cells in values.items()
            },
            "texts": {str(n): t for n, t in texts.items()},
            "entered_by": by,
        },
    )
    following = ReportDraft.objects.filter(department=department, year=year + 1).first()
    if following is not None and following.status == ReportDraft.Status.DRAFT:
        _refresh(following, reason=_("last year's published report entered"), by=by)
    return report


@transaction.atomic
def set_options(draft: ReportDraft, options: dict) -> ReportDraft:
    """Switch part 六's optional items; the next generation writes them."""
    _require_draft(draft)
    draft.options = prose.Options.from_dict(options).__dict__
    draft.save(update_fields=["options"])
    return draft


@transaction.atomic
def map_heading(heading: Heading, topic: str) -> HeadingTopic:
    """The sub-topic of 一 a plan heading's work is told under; later years' plans take it
    for their headings of the same title."""
    if topic not in HeadingTopic.Topic.values:
        raise ValidationError({"topic": _("Choose a sub-topic.")})
    mapping, _created = HeadingTopic.objects.update_or_create(
        heading=heading, defaults={"topic": topic}
    )
    return mapping


@transaction.atomic
def mark_final(draft: ReportDraft, *, by: User) -> ReportDraft:
    """Final once generated and no error check fails (the failures are fixed, not ignored)."""
    draft = ReportDraft.objects.select_for_update().get(pk=draft.pk)
    _require_draft(draft)
    if draft.generation != ReportDraft.Generation.DONE:
        raise ValidationError(_("Generate the report before marking it final."))
    blocking = [f for f in queries.findings(draft) if f.blocks_final]
    if blocking:
        # Each failure in its own words: "G-3" alone does not say what to fix.
        raise ValidationError(
            [_("Fix the failed checks first.")] + [f"{f.rule} {f.message}" for f in blocking]
        )
    draft.status = ReportDraft.Status.FINAL
    draft.finalised_at = timezone.now()
    draft.save(update_fields=["status", "finalised_at"])
    _refresh(draft, reason=_("marked final"), by=by)
    _tell_final(draft, by=by)
    return draft


def _tell_final(draft: ReportDraft, *, by: User) -> None:
    """The department's webhooks hear of the final report, once per marking final (one
    reopened and marked final again is told again)."""
    site = settings.SITE_URL.rstrip("/")
    data = {
        "report": {
            "id": draft.pk,
            "year": draft.year,
            "title": str(draft),
            "format": draft.format,
            "finalised_at": draft.finalised_at,
            "url": site + draft.get_absolute_url(),
            "exports": {
                kind: site + reverse("reporting:report_export", args=[draft.pk, kind])
                for kind in exports.WRITERS
            },
        },
        "actor": by.full_name or by.username,
    }
    key = f"report-{draft.pk}-final-{draft.finalised_at:%Y%m%dT%H%M%S.%f}"
    webhooks.dispatch(draft.department_id, Webhook.Event.REPORT_FINAL, key=key, data=data)


@transaction.atomic
def reopen(draft: ReportDraft, *, by: User) -> ReportDraft:
    draft.status = ReportDraft.Status.DRAFT
    draft.finalised_at = None
    draft.save(update_fields=["status", "finalised_at"])
    _refresh(draft, reason=_("reopened"), by=by)
    return draft


def _run_checks(draft: ReportDraft) -> list[Finding]:
    tables = queries.tables_of(draft)
    report = checks.Report(
        {n: t.values for n, t in tables.items()}, queries.texts_of(draft), queries.notes_of(draft)
    )
    missing = [
        (n, cell)
        for n, t in tables.items()
        for cell, source in t.sources.items()
        if source == MISSING
    ]
    return [
        *checks.run_all(queries.report_format(draft), report, queries.last_year(draft)),
        checks.missing_cells(missing),
    ]


def _refresh(draft: ReportDraft, *, reason: str, by: User | None) -> None:
    """Run the checks again and keep a version of the whole report."""
    draft.checks = [f.as_dict() for f in _run_checks(draft)]
    draft.save(update_fields=["checks"])
    number = (draft.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    ReportVersion.objects.create(
        draft=draft,
        number=number,
        reason=reason[:100],
        document=as_json(queries.content(draft)),
        created_by=by,
    )


# --- The region's report --------------------------------------------------------------------------


def roll_up(superior: Department, year: int, departments: list[int], *, by: User) -> ReportDraft:
    """The superior's report of the year made the region's (逐级汇总): the chosen departments'
    reports taken (``take_parts``), then generated by the job, which sums their tables with
    the superior's own registers' and draws their parts 一 into its own."""
    return request_generation(take_parts(superior, year, departments, by=by), by=by)


def take_parts(
    superior: Department, year: int, departments: list[int], *, by: User | None
) -> ReportDraft:
    """The chosen departments' reports (directly below the superior) as they stand now, kept as
    the parts of the superior's draft of the year (made if missing); choosing again replaces
    the choice. Refused, with nothing saved, for a department not directly below, one without
    a report of the year, or a superior's report already final."""
    chosen = set(departments)
    direct = set(Department.objects.filter(parent=superior).values_list("pk", flat=True))
    if not chosen:
        raise ValidationError(_("Choose at least one department."))
    if chosen - direct:
        raise ValidationError(_("Only the departments directly below yours can be rolled up."))
    found = rollup.contributions(sorted(chosen), year)
    missing = chosen - {c.department.pk for c in found}
    if missing:
        names = Department.objects.filter(pk__in=missing).order_by("name")
        raise ValidationError(
            _("No report of {year} to roll up: {names}.").format(
                year=year, names="、".join(d.name for d in names)
            )
        )
    with transaction.atomic():
        draft = ReportDraft.objects.filter(department=superior, year=year).first()
        if draft is None:
            draft = create_draft(superior, year, by=by, deadline_task=False)
        _require_draft(draft)
        draft.rollup_parts.exclude(department=superior).delete()
        RollupPart.objects.bulk_create(c.as_part(draft) for c in found)
    return draft


@dataclass
class Reminded:
    """What pressing 「提醒」 did: the late departments reminded now, and those left unreminded
    because nobody active works in their office (no reminder is recorded for them)."""

    departments: list[Department] = field(default_factory=list)
    no_office_staff: list[Department] = field(default_factory=list)


def remind_late_reports(superior: Department, year: int, *, by: User) -> Reminded:
    """Tell the office staff of each department below the superior whose report of the year
    is late (past its deadline, not final), at once: in their bell, and by e-mail those with
    an address. Once a day per department and year: a reminder is a row unique on
    (department, year, day), and the digest each person gets is unique on its batch, so
    pressing twice (or two superiors pressing) sends once. A handful of queries whatever the
    number of late departments."""
    today = timezone.localdate()
    late = [
        s for s in rollup.standings(superior, year, today) if s.is_late and not s.reminded_today
    ]
    staff: dict[int | None, list[User]] = {}  # by department
    for person in User.objects.filter(
        department__in=[s.department.pk for s in late], role=User.Role.OFFICE, is_active=True
    ).order_by("pk"):
        staff.setdefault(person.department_id, []).append(person)
    told = [s for s in late if s.department.pk in staff]
    result = Reminded(
        [s.department for s in told], [s.department for s in late if s.department.pk not in staff]
    )
    if not told:
        return result
    try:
        with transaction.atomic():
            reminders = LateReportReminder.objects.bulk_create(
                LateReportReminder(
                    department=s.department,
                    year=year,
                    date=today,
                    deadline=s.deadline,
                    state=s.state,
                    sent_by=by,
                )
                for s in told
            )
            activity.post_notes(
                (person, *_late_report_note(reminder, person, superior, s.draft_id))
                for s, reminder in zip(told, reminders, strict=True)
                for person in staff[s.department.pk]
            )
            digests = Digest.objects.bulk_create(
                Digest(
                    channel=Digest.Channel.EMAIL,
                    date=today,
                    batch=f"{LATE_REPORT_BATCH}{reminder.pk}",
                    recipient=person,
                )
                for reminder in reminders
                for person in staff[reminder.department_id]
                if person.email
            )
            for digest in digests:
                queue_on_commit("core.jobs.deliver_digest", digest.pk)
    except IntegrityError as error:
        # Another press of the same day got there first (the row is unique): this one sends
        # nothing rather than part of it.
        raise ValidationError(
            _(
                "Someone reminded the late departments at the same moment; this press sent "
                "nothing. The page shows who was reminded."
            )
        ) from error
    return result


def _late_report_note(
    reminder: LateReportReminder, person: User, superior: Department, draft_id: int | None
) -> tuple[str, str]:
    """The reminder in a person's bell, in their language, and the link to the late report."""
    link = (
        reverse("reporting:report_detail", args=[draft_id])
        if draft_id
        else reverse("reporting:report_list")
    )
    with translation.override(person.language or settings.LANGUAGE_CODE):
        note = _(
            "{superior} reminds you: the report of {department} for {year} was due on "
            "{deadline} and is not final yet."
        ).format(
            superior=superior.name,
            department=reminder.department.name,
            year=reminder.year,
            deadline=f"{reminder.deadline:%Y-%m-%d}",
        )
    return note, link


LATE_REPORT_BATCH = "late-report-"  # a digest telling one LateReportReminder (``reminders``)
