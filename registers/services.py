"""Writes to the registers. Each runs in one transaction and names its actor ``by``.

The reply deadline of a request is recomputed on every save, from the working-day calendar.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.holidays import calendar_for
from core.workdays import Calendar, CalendarNotCovered
from org.models import Department, User

from . import deadlines
from .models import DisclosureRequest, ReviewCase
from .requests_io import FIELDS, ParsedRegister, RowError

# The 条例 took effect on 2008-05-01: no register entry is older.
EARLIEST = datetime.date(2008, 5, 1)
MAX_CONSULTATION_DAYS = 120  # working days: half a year; more is a typing error

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message) -> None:
    errors[field].append(str(message))


def _check_dates(request: DisclosureRequest | ReviewCase, fields, today, errors) -> None:
    for name in fields:
        day = getattr(request, name)
        if day is None:
            continue
        if day < EARLIEST:
            _add(
                errors,
                name,
                _("Before {date}, when the regulations took effect.").format(
                    date=EARLIEST.isoformat()
                ),
            )
        elif day > today:
            _add(errors, name, _("This date is in the future."))


def check_request(request: DisclosureRequest, *, today: datetime.date) -> Errors:
    """What is wrong with a request as entered, by field (empty when nothing is)."""
    errors: Errors = defaultdict(list)
    dates = ["submitted_on", "received_on", "correction_requested_on", "corrected_on", "replied_on"]
    _check_dates(request, dates, today, errors)
    received = request.received_on
    if received:
        for name, message in [
            ("submitted_on", None),
            ("correction_requested_on", _("Before the request was received.")),
            ("corrected_on", _("Before the request was received.")),
            ("replied_on", _("The reply cannot come before the request was received.")),
        ]:
            day = getattr(request, name)
            if name == "submitted_on" and day and day > received:
                _add(errors, name, _("A request is received on or after the day it is sent."))
            elif message and day and day < received:
                _add(errors, name, message)
    if request.corrected_on and not request.correction_requested_on:
        _add(errors, "correction_requested_on", _("When was the correction asked for?"))
    if (
        request.corrected_on
        and request.correction_requested_on
        and request.corrected_on < request.correction_requested_on
    ):
        _add(errors, "corrected_on", _("Before the correction was asked for."))
    if request.extension_days > deadlines.MAX_EXTENSION_DAYS:
        _add(
            errors,
            "extension_days",
            _("The reply period is extended by at most {days} working days (Article 33).").format(
                days=deadlines.MAX_EXTENSION_DAYS
            ),
        )
    if request.extension_days and not request.extension_approved_by.strip():
        _add(
            errors,
            "extension_approved_by",
            _("An extension needs the approval of the head of the disclosure office."),
        )
    if request.consultation_days > MAX_CONSULTATION_DAYS:
        _add(
            errors,
            "consultation_days",
            _("At most {days} working days.").format(days=MAX_CONSULTATION_DAYS),
        )
    if request.outcome and not request.replied_on:
        _add(errors, "replied_on", _("An outcome needs the date of the reply."))
    if request.replied_on and not request.outcome:
        _add(errors, "outcome", _("Say how the request was answered."))
    if request.fee is not None and request.fee < 0:
        _add(errors, "fee", _("The fee cannot be negative."))
    return dict(errors)


def reply_due_of(request: DisclosureRequest, calendar: Calendar | None = None):
    """The statutory reply deadline, or None while the calendar of its year is not known."""
    start = deadlines.clock_start(request.received_on, request.corrected_on)
    try:
        return deadlines.reply_due(
            calendar or calendar_for(start.year, department=request.department_id),
            received_on=request.received_on,
            corrected_on=request.corrected_on,
            extension_days=request.extension_days,
            consultation_days=request.consultation_days,
        )
    except CalendarNotCovered:
        return None


def save_request(request: DisclosureRequest, *, by: User | None) -> DisclosureRequest:
    """Create or update a request of ``request.department``; its deadline is recomputed."""
    errors = check_request(request, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request.reply_due = reply_due_of(request)
        if request.pk is None:
            request.created_by = by
        request._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
        request.save()
    return request


def save_review_case(case: ReviewCase, *, by: User | None) -> ReviewCase:
    """Create or update a review case; a decided case has a result and a date."""
    errors = check_review_case(case, today=timezone.localdate())
    if errors:
        raise ValidationError(dict(errors))
    with transaction.atomic():
        case._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
        case.save()
    return case


def check_review_case(case: ReviewCase, *, today: datetime.date) -> Errors:
    """What is wrong with a review case as entered, by field (empty when nothing is)."""
    errors: Errors = defaultdict(list)
    _check_dates(case, ["filed_on", "closed_on"], today, errors)
    if case.result and not case.closed_on:
        _add(errors, "closed_on", _("A result needs the date of the decision."))
    if case.closed_on and not case.result:
        _add(errors, "result", _("Say what was decided, or leave the date empty."))
    if case.closed_on and case.filed_on and case.closed_on < case.filed_on:
        _add(errors, "closed_on", _("Before the case was filed."))
    if case.request is not None and case.request.department_id != case.department_id:
        _add(errors, "request", _("Not a request of this department."))
    return errors


# --- Importing ----------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list
    errors: list[RowError]
    # Rows of requests in the register already: those the file changed (merged), the rest.
    updated: list[int] = dataclasses.field(default_factory=list)
    unchanged: list[int] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_requests(
    department: Department, register: ParsedRegister, *, by: User | None
) -> ImportResult:
    """Create a request per new row, all or none: a file with any bad row saves nothing. A row
    of a request in the register already (the same file imported again, or a register kept on)
    is merged into it: what the file fills in or changes since (a reply date, an outcome) is
    kept, a blank cell erases nothing, and an unchanged row is left alone. No request is ever
    registered twice."""
    errors = list(register.errors)
    today = timezone.localdate()
    requests = []
    for row in register.rows:
        request = DisclosureRequest(
            department=department,
            **{name: value for name, value in row.values.items() if name in FIELDS},
        )
        bad = {e.column for e in errors if e.row == row.row}
        for field, messages in check_request(request, today=today).items():
            column = register.header_of(field)
            errors += [RowError(row.row, column, m) for m in messages if column not in bad]
        requests.append(request)
    if errors:
        return ImportResult([], sorted(errors, key=lambda e: e.row))
    years = {r.received_on.year for r in requests}
    calendar = calendar_for(*years, department=department.pk) if years else None
    with transaction.atomic():
        # One import of a department at a time: the same file posted twice at once is checked
        # against the register the first one wrote.
        Department.objects.select_for_update().filter(pk=department.pk).first()
        errors, registered = _already_registered(department, register, requests)
        merged: list[tuple[DisclosureRequest, list[str]]] = []
        updated: list[int] = []
        unchanged: list[int] = []
        for row, request in zip(register.rows, requests, strict=True):
            existing = registered.get(row.row)
            if existing is None:
                continue
            changed = _merge(existing, request, row.values)
            (updated if changed else unchanged).append(row.row)
            if changed:
                merged.append((existing, changed))
                for field, messages in check_request(existing, today=today).items():
                    column = register.header_of(field)
                    errors += [RowError(row.row, column, m) for m in messages]
        if errors:
            return ImportResult([], sorted(errors, key=lambda e: e.row))
        rows = zip(register.rows, requests, strict=True)
        new = [request for row, request in rows if row.row not in registered]
        for request in new:
            request.reply_due = reply_due_of(request, calendar)
            request.created_by = by
        created = bulk_create_with_history(new, DisclosureRequest, default_user=by) if new else []
        # One UPDATE and one INSERT of history rows for them all, however many rows the file
        # changed. Every merged request is written the fields any of them changed, each with its
        # own value: rows locked when read (_already_registered), so none is stale.
        fields = {name for _request, changed in merged for name in changed}
        for request, _changed in merged:
            request.reply_due = reply_due_of(request, calendar)
        if merged:
            bulk_update_with_history(
                [request for request, _changed in merged],
                DisclosureRequest,
                sorted({*fields, "reply_due"}),
                default_user=by,
            )
    return ImportResult(created, [], updated, unchanged)


def _blank(value: object) -> bool:
    """A cell left empty in the file (parsed as "", None or 0): it erases nothing."""
    return value in ("", None) or (not isinstance(value, bool) and value == 0)


def _merge(existing: DisclosureRequest, request: DisclosureRequest, values: dict) -> list[str]:
    """Copy onto ``existing`` the file's filled cells that differ from it (the request as read,
    so each value is what the model holds); the fields changed."""
    changed = []
    for name in values:
        if name not in FIELDS:
            continue
        value = getattr(request, name)
        if not _blank(value) and getattr(existing, name) != value:
            setattr(existing, name, value)
            changed.append(name)
    return changed


def _content_key(request: DisclosureRequest) -> tuple:
    """A request without its 编号 is the same request when received the same day from the same
    applicant for the same content (spacing aside)."""
    return (request.received_on, request.applicant_name.strip(), "".join(request.content.split()))


def _already_registered(
    department: Department, register: ParsedRegister, requests: list[DisclosureRequest]
) -> tuple[list[RowError], dict[int, DisclosureRequest]]:
    """Rows whose 编号 is twice in the file (errors), and the rows of requests in the register
    already, with them: the natural key is the 编号 where written, else 收到日期 + 申请人 +
    申请内容. Importing a register again thus adds only its new rows, never counting a request
    twice in the report's table 三."""
    # Locked till the merge is written: an edit in the app meanwhile is not overwritten.
    existing = DisclosureRequest.objects.select_for_update().filter(department=department)
    wanted = {r.reference for r in requests if r.reference}
    by_reference = {r.reference: r for r in existing.filter(reference__in=wanted)}
    days = {r.received_on for r in requests if not r.reference}
    # Rows alike without 编号 may be two applications (the file is the register): the file's
    # first such row is the request registered first, its second the next, and a row beyond
    # those registered is a new request.
    by_content: dict[tuple, list[DisclosureRequest]] = defaultdict(list)
    for alike in existing.filter(reference="", received_on__in=days).order_by("pk"):
        by_content[_content_key(alike)].append(alike)
    errors: list[RowError] = []
    registered: dict[int, DisclosureRequest] = {}
    seen_refs: dict[str, int] = {}
    for row, request in zip(register.rows, requests, strict=True):
        if request.reference:
            earlier = seen_refs.setdefault(request.reference, row.row)
            if earlier != row.row:
                message = _("编号 {ref} is also on row {row}.").format(
                    ref=request.reference, row=earlier
                )
                errors.append(RowError(row.row, "", str(message)))
            elif request.reference in by_reference:
                registered[row.row] = by_reference[request.reference]
        elif alike_registered := by_content.get(_content_key(request)):
            registered[row.row] = alike_registered.pop(0)
    return errors, registered


def import_review_cases(
    department: Department, register: ParsedRegister, *, by: User | None, save: bool = True
) -> ImportResult:
    """Create a review case per row, all or none (``save=False``: check only, for the
    preview). A row whose 案号 is in the register already, or twice in the file, is an error:
    a case is counted once in table 四."""
    errors = list(register.errors)
    today = timezone.localdate()
    cases = []
    known = set(
        ReviewCase.objects.filter(department=department)
        .exclude(reference="")
        .values_list("reference", flat=True)
    )
    seen: dict[str, int] = {}
    for row in register.rows:
        case = ReviewCase(department=department, **row.values)
        bad = {e.column for e in errors if e.row == row.row}
        for name, messages in check_review_case(case, today=today).items():
            column = register.header_of(name)
            errors += [RowError(row.row, column, m) for m in messages if column not in bad]
        if case.reference:
            earlier = seen.setdefault(case.reference, row.row)
            if case.reference in known:
                message = _("案号 {ref} is in the register already.").format(ref=case.reference)
                errors.append(RowError(row.row, register.header_of("reference"), str(message)))
            elif earlier != row.row:
                message = _("案号 {ref} is also on row {row}.").format(
                    ref=case.reference, row=earlier
                )
                errors.append(RowError(row.row, register.header_of("reference"), str(message)))
        cases.append(case)
    if errors or not save:
        return ImportResult(cases if not errors else [], sorted(errors, key=lambda e: e.row))
    with transaction.atomic():
        created = bulk_create_with_history(cases, ReviewCase, default_user=by)
    return ImportResult(created, [])
