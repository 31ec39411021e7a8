"""Stored XSS: a payload saved through the services into every free-text field a page shows.

Each page that shows it must carry it escaped, never as markup.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from core import holidays
from org.services import save_person, save_unit
from plans.models import Heading
from plans.services import save_heading, save_plan
from registers.models import DisclosureRequest, ReviewCase
from reporting import queries, services
from reporting.models import ReportDraft
from tasks.evidence import Upload
from tasks.forms import LinkForm
from tasks.importing import start_import
from tasks.models import Assignment, Metric
from tasks.reminders import remind_by_hand
from tasks.services import Report, record_progress
from tests.factories import make_request, make_review_case, make_task

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
SHORT = '"><img src=x onerror=alert(1)>'  # for fields of 30 to 50 characters
RAW = ("<script>alert(1)", "<img src=x onerror=alert(1)>")
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


@dataclass
class Stored:
    task: object
    assignment: Assignment
    request: DisclosureRequest
    case: ReviewCase
    report: ReportDraft
    plan_import: object


@pytest.fixture
def stored(world, office_staff, unit_head, settings, tmp_path) -> Stored:
    """The payload in every free-text field, each written by the service that writes it."""
    settings.MEDIA_ROOT = tmp_path
    dept, unit, plan = world.department, world.own_unit, world.plan
    dept.name = PAYLOAD
    dept.save(update_fields=["name"])
    unit.name, unit.short_name = PAYLOAD, SHORT
    save_unit(unit)
    for person in (office_staff, unit_head):
        person.full_name = SHORT
        save_person(person)
    plan.title = plan.issuer = plan.upstream = PAYLOAD
    plan.number = SHORT
    save_plan(plan, by=office_staff)
    heading = save_heading(Heading(plan=plan, label="一、", title=PAYLOAD), by=office_staff)
    task = make_task(
        plan, lead=[unit], text=PAYLOAD, title=PAYLOAD[:80], heading=heading, by=office_staff
    )
    assignment = task.assignments.get()
    report = Report(
        text=PAYLOAD,
        summary=PAYLOAD,
        files=[Upload(f"{SHORT}.txt", b"published")],
        links=[("https://example.com/?q=%22%3E", PAYLOAD)],
    )
    record_progress(assignment, report, submit=True, by=unit_head)
    remind_by_hand(assignment, note=PAYLOAD, by=office_staff)
    Metric.objects.create(department=dept, code="xss", name=PAYLOAD, unit="件")
    holidays.set_day(date=datetime.date(2026, 3, 2), is_workday=False, name=SHORT)
    request = make_request(
        dept, content=PAYLOAD, applicant_name=PAYLOAD, note=PAYLOAD, reference=SHORT
    )
    case = make_review_case(dept, reference=SHORT, note=PAYLOAD, request=request)
    draft = services.generate(services.create_draft(dept, 2026, by=None), by=None)
    services.edit_section(draft.sections.get(number=1), text=PAYLOAD, by=office_staff)
    row, column = next(iter(queries.report_format(draft).table(2).cells()))
    services.set_cell(
        draft, table=2, row=row, column=column, value=1, note=PAYLOAD, by=office_staff
    )
    document = f"一、{PAYLOAD}\n(一){PAYLOAD}\n{PAYLOAD}(责任科室:{SHORT})。"
    plan_import = start_import(dept, source_name=f"{SHORT}.txt", data=document.encode(), by=None)
    return Stored(task, assignment, request, case, draft, plan_import)


# (persona, url name, the stored object whose pk the URL takes)
PAGES = [
    ("office", "plans:plan_list", None),
    ("office", "plans:plan_update", "plan"),
    ("office", "plans:heading_create", "plan"),
    ("office", "tasks:plan_detail", "plan"),
    ("office", "tasks:task_list", None),
    ("office", "tasks:task_detail", "task"),
    ("office", "tasks:task_update", "task"),
    ("office", "tasks:assignment_detail", "assignment"),
    ("office", "tasks:review_queue", None),
    ("office", "tasks:metric_list", None),
    ("office", "tasks:calendar", None),
    ("office", "tasks:delivery_list", None),
    ("office", "tasks:import_preview", "plan_import"),
    ("office", "profile", None),
    ("office", "reporting:dashboard", None),
    ("office", "reporting:brief", None),
    ("office", "registers:request_list", None),
    ("office", "registers:request_detail", "request"),
    ("office", "registers:request_update", "request"),
    ("office", "registers:reviewcase_list", None),
    ("office", "registers:reviewcase_update", "case"),
    ("office", "reporting:report_list", None),
    ("office", "reporting:report_detail", "report"),
    ("office", "reporting:report_export", "report"),  # the portal's HTML
    ("leader", "reporting:dashboard", None),
    ("leader", "tasks:task_list", None),
    ("head", "tasks:assignment_list", None),
    ("head", "tasks:assignment_detail", "assignment"),
    ("head", "tasks:notification_list", None),
    ("head", "reporting:dashboard", None),
    ("head", "profile", None),
]


MORE_ARGS = {"reporting:report_export": ["html"]}
QUERY = {"tasks:calendar": "?year=2026"}


def _url(stored: Stored, world, url_name: str, kind: str | None) -> str:
    if kind is None:
        return reverse(url_name) + QUERY.get(url_name, "")
    obj = world.plan if kind == "plan" else getattr(stored, kind)
    return reverse(url_name, args=[obj.pk, *MORE_ARGS.get(url_name, [])])


def test_stored_payload_is_shown_escaped_on_every_page(client, world, personas, stored, attempt):
    failures = []
    for role, url_name, kind in PAGES:
        client.force_login(personas[role])
        response = client.get(_url(stored, world, url_name, kind))
        attempt("xss")
        page = response.content.decode()
        if response.status_code != 200 or ESCAPED not in page:
            failures.append(f"{role} {url_name}: {response.status_code}, shows none of it")
        failures += [f"{role} {url_name}: {markup}" for markup in RAW if markup in page]
    assert not failures


SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_a_script_url_never_becomes_an_evidence_link(world, unit_head, attempt, url):
    attempt("xss", 2)
    assert not LinkForm({"url": url, "title": "公开"}).is_valid()
    report = Report(text="已公开", links=[(url, "公开")])
    with pytest.raises(ValidationError):
        record_progress(world.own_assignment, report, by=unit_head)
    assert not world.own_assignment.updates.exists()


# A robot renders markdown: a task's text must not turn into a link or markup of its own.
MARKDOWN = [
    "见](https://evil.example/) [",
    '<font color="warning">x</font>',
    "![x](https://evil.example/x.png)",
]


@pytest.mark.parametrize("text", MARKDOWN)
def test_robot_markdown_carries_text_as_text(world, office_staff, attempt, text):
    # given
    task = make_task(world.plan, lead=[world.own_unit], text=text, by=office_staff)
    reminder = remind_by_hand(task.assignments.get(), note="", by=office_staff)
    # when
    message = render_to_string(
        "tasks/email/digest.md", {"reminders": [reminder], "site": "https://tracker.example"}
    )
    # then
    attempt("xss")
    assert "](https://evil" not in message
    assert "<font" not in message
