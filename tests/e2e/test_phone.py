"""Every page each role of the demo opens, on a 390 px phone: nothing wider than the screen.

The pages are listed once, in ``PAGES``; a URL of the app that is neither there nor in
``NOT_PAGES`` fails ``test_every_url_is_a_phone_page_or_said_not_to_be``, so a new page cannot
miss the phone check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management import call_command
from django.urls import reverse

from core.models import Webhook, WebhookDelivery
from org.models import Unit, User
from org.services import save_person
from plans.models import Plan, PlanImport
from registers.models import DisclosureRequest, ReviewCase
from reporting.models import ReportDraft
from tasks.demo import DEMO_PASSWORD, DEPARTMENT
from tasks.models import Assignment
from tests.test_permission_matrix import API_EXPECTED, app_url_names

from .conftest import ARTIFACTS, screenshot

PHONE = {"width": 390, "height": 844}
OFFICE, HEAD, LEADER, SCHOOL, ADMIN = "office", "head", "leader", "school", "admin"
EVERYONE = (OFFICE, HEAD, LEADER, SCHOOL, ADMIN)
DISTRICT = "district"  # the district government's office, over the bureau and 区卫健局
DEPARTMENT_WIDE = (OFFICE, LEADER, ADMIN)  # who reads the department's registers and reports
KEEPERS = (OFFICE, ADMIN)  # who edits plans, tasks and register entries


@dataclass(frozen=True)
class Page:
    """Who opens the page, and the demo object its URL names (a key of ``demo_objects``)."""

    roles: tuple[str, ...]
    on: str | None = None


# url name → the roles that open it on the demo. The one place to add a page.
PAGES: dict[str, Page] = {
    "profile": Page(EVERYONE),
    "org:department_settings": Page((OFFICE,)),
    "org:organisation_import": Page(KEEPERS),
    "reporting:dashboard": Page(EVERYONE),
    "reporting:brief": Page(EVERYONE),
    "plans:plan_list": Page(EVERYONE),
    "plans:plan_create": Page((OFFICE,)),
    "plans:plan_update": Page(KEEPERS, on="plan"),
    "plans:plan_delete": Page(KEEPERS, on="plan"),
    "plans:heading_create": Page(KEEPERS, on="plan"),
    "tasks:plan_detail": Page(EVERYONE, on="plan"),
    "tasks:task_create": Page(KEEPERS, on="plan"),
    "tasks:task_list": Page(DEPARTMENT_WIDE),
    "tasks:task_detail": Page(EVERYONE, on="task"),
    "tasks:task_update": Page(KEEPERS, on="task"),
    "tasks:assignment_list": Page(EVERYONE),
    "tasks:assignment_detail": Page(EVERYONE, on="assignment"),
    "tasks:import_start": Page((OFFICE,)),
    "tasks:import_preview": Page((OFFICE,), on="import"),
    "tasks:review_queue": Page((OFFICE, ADMIN)),
    "tasks:cascade_inbox": Page((OFFICE,)),
    "tasks:metric_list": Page((OFFICE,)),
    "tasks:notification_list": Page(EVERYONE),
    "tasks:notification_settings": Page(EVERYONE),
    "tasks:reminder_policy": Page((OFFICE,)),
    "tasks:calendar": Page((OFFICE,)),
    "tasks:delivery_list": Page((OFFICE,)),
    "tasks:webhook_list": Page((OFFICE,)),
    "tasks:webhook_detail": Page((OFFICE,), on="webhook"),
    "registers:request_list": Page(DEPARTMENT_WIDE),
    "registers:request_create": Page((OFFICE,)),
    "registers:request_import": Page((OFFICE,)),
    "registers:request_detail": Page(DEPARTMENT_WIDE, on="request"),
    "registers:request_update": Page(KEEPERS, on="request"),
    "registers:reviewcase_list": Page(DEPARTMENT_WIDE),
    "registers:reviewcase_create": Page((OFFICE,)),
    "registers:reviewcase_import": Page((OFFICE,)),
    "registers:reviewcase_update": Page(KEEPERS, on="reviewcase"),
    "reporting:report_list": Page(DEPARTMENT_WIDE),
    "reporting:report_detail": Page(DEPARTMENT_WIDE, on="report"),
    "reporting:report_version": Page(DEPARTMENT_WIDE, on="version"),
    "reporting:report_table_entry": Page(KEEPERS, on="report"),
    "reporting:report_previous": Page(KEEPERS, on="report"),
    "reporting:rollup": Page((DISTRICT,)),
    "api:token_list": Page(EVERYONE),
    "assessment:unit_ranking": Page((OFFICE, LEADER)),
    "assessment:unit_breakdown": Page((OFFICE, HEAD, LEADER, SCHOOL), on="unit"),
    "assessment:unit_scheme": Page((OFFICE,)),
    "assessment:department_ranking": Page((DISTRICT,)),  # the bureau has none below: 403
    "assessment:department_scheme": Page((DISTRICT,)),
    "admin:index": Page((ADMIN,)),
}
# URLs that are no page to look at, and why.
NOT_PAGES = {
    "home": "redirects to the role's first page",
    "healthz": "the load balancer's check",
    "oidc_login": "a redirect to the single sign-on provider (off here)",
    "oidc_callback": "the provider's redirect back (off here)",
    "unit_pending": "a person without a unit only (tests/org/test_sso.py); sends others home",
    "tasks:evidence_download": "a download",
    "org:organisation_import_template": "a download",
    "registers:request_export": "a download",
    "reporting:report_export": "a download",
    "reporting:brief_docx": "a download",
    "reporting:report_status": "JSON polled by the report page",
    "plans:plan_status": "POST only",
    "tasks:import_tables": "POST only",
    "tasks:task_close": "POST only",
    "tasks:assignment_remind": "POST only",
    "tasks:bulk_action": "POST only",
    "reporting:report_generate": "POST only",
    "reporting:rollup_remind": "POST only (its button is on the roll-up page)",
    "reporting:rollup_generate": "POST only (its form is on the roll-up page)",
    "reporting:report_cell": "POST only",
    "reporting:report_options": "POST only",
    "reporting:report_topics": "POST only",
    "reporting:report_final": "POST only",
    "reporting:report_front": "POST only (its form is on the report's page)",
    "reporting:report_section": "POST only",
    "api:token_revoke": "POST only",
    "assessment:unit_xlsx": "a download",
    "assessment:unit_docx": "a download",
    "assessment:department_xlsx": "a download",
    "assessment:department_docx": "a download",
    # None of the phone's roles has a department below its own (the demo's `district` has).
    "assessment:department_breakdown": "opened by a superior's office; tests/assessment",
    "api:docs": "Swagger UI's own layout, not the app's",
    **dict.fromkeys(API_EXPECTED, "JSON"),  # every endpoint of the REST API
}

# The page's width against the screen's and, when wider, the outermost element reaching
# furthest right that no scrolling box of its own contains: the one to fix.
MEASURE = """() => {
  const screen = window.innerWidth, width = document.documentElement.scrollWidth;
  if (width <= screen) return {width, screen, widest: null};
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  let widest = null, right = screen;
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect().right;
    if (r > right + 0.5 && !scrolls(el)) { widest = el; right = r; }
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const path = [];
  for (let el = widest; el && el !== document.body; el = el.parentElement) path.unshift(name(el));
  return {width, screen, widest: widest && {path: path.join(" > "), right: Math.round(right),
          text: (widest.innerText || "").slice(0, 40)}};
}"""


def demo_objects(user: User) -> dict[str, int]:
    """The demo objects each page is opened on: the user's own unit's task and assignment
    (社管办's for those above the units)."""
    unit = (
        user.unit
        if user.unit and not user.unit.is_office
        else Unit.objects.get(short_name="社管办")
    )
    assignment = Assignment.objects.filter(unit=unit).order_by("pk").first()
    assert assignment is not None
    report = ReportDraft.objects.get(department__name=DEPARTMENT)  # 区卫健局 has its own
    return {
        "plan": Plan.objects.get(department=unit.department_id).pk,  # not the district's
        "task": assignment.task_id,
        "assignment": assignment.pk,
        "import": PlanImport.objects.get().pk,
        "request": DisclosureRequest.objects.order_by("pk").first().pk,
        "reviewcase": ReviewCase.objects.order_by("pk").first().pk,
        "report": report.pk,
        "version": report.versions.order_by("pk").first().pk,
        "webhook": _webhook(report.department).pk,
        "unit": unit.pk,
    }


def _webhook(department) -> Webhook:
    """The demo bureau's webhook, with a delivery failed and a long address to fit."""
    hook, created = Webhook.objects.get_or_create(
        department=department,
        name="省政务公开平台",
        defaults={
            "url": "https://platform.example.gov.cn/api/v1/worktracker/hooks/receive?tenant=fengze",
            "events": list(Webhook.Event.values),
        },
    )
    if created:
        WebhookDelivery.objects.create(
            hook=hook,
            event=Webhook.Event.SUBMITTED,
            key="demo",
            body="{}",
            status=WebhookDelivery.Status.FAILED,
            attempts=5,
            response_code=500,
            last_error="HTTP 500 Internal Server Error",
        )
    return hook


def test_every_url_is_a_phone_page_or_said_not_to_be():
    assert app_url_names() - set(NOT_PAGES) - set(PAGES) == set(), "add it to PAGES or NOT_PAGES"
    assert not set(PAGES) & set(NOT_PAGES)


def test_every_page_of_every_role_fits_a_phone(demo, login, live_server):
    # given: the demo bureau with its registers and report, and a school's head
    call_command("load_demo_registers", year=2026, stdout=open("/dev/null", "w"))  # noqa: SIM115
    school = Unit.objects.filter(kind=Unit.Kind.SCHOOL).order_by("position").first()
    save_person(
        User(
            username=SCHOOL,
            full_name="郭校长",
            role=User.Role.UNIT_HEAD,
            department=school.department,
            unit=school,
        ),
        password=DEMO_PASSWORD,
    )
    (ARTIFACTS / "phone").mkdir(parents=True, exist_ok=True)
    measured: list[str] = []
    too_wide: list[str] = []

    for role in (*EVERYONE, DISTRICT):
        # when: the role logs in on a phone
        page = login(role, DEMO_PASSWORD, **PHONE)
        objects = demo_objects(User.objects.get(username=role))

        # then: the menu is folded behind its button, the bell in sight, and a tap opens it
        toggle = page.locator(".menu-toggle")
        assert toggle.get_attribute("aria-expanded") == "false", role
        assert page.locator(".mainnav").is_hidden(), role
        assert page.locator(".bell").is_visible(), role
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true", role
        assert page.locator(".mainnav a").first.is_visible(), role

        # when: it opens every page it may
        for name, entry in PAGES.items():
            if role not in entry.roles:
                continue
            args = [objects[entry.on]] if entry.on else []
            response = page.goto(f"{live_server.url}{reverse(name, args=args)}")
            assert response is not None
            assert response.status == 200, f"{role} {name}"
            screenshot(page, f"phone/{role}-{name.replace(':', '-')}")
            # then: the page is no wider than the screen
            found = page.evaluate(MEASURE)
            measured.append(f"{role:7} {name:32} {found['width']}")
            if found["widest"]:
                widest = found["widest"]
                too_wide.append(
                    f"{role} {name}: {found['width']} px wide on a {found['screen']} px screen;"
                    f" widest {widest['path']} reaches {widest['right']} px ({widest['text']!r})"
                )
    print("\n".join(measured))
    assert not too_wide, "\n".join(too_wide)


def test_the_rankings_cards_align_every_value_alike_on_a_phone(demo, login, live_server):
    for role, name in (
        (OFFICE, "assessment:unit_ranking"),
        (DISTRICT, "assessment:department_ranking"),
    ):
        # given: the bureau's office, the district's, each on a 390 px screen
        page = login(role, DEMO_PASSWORD, **PHONE)
        # when: it opens its ranking, whose rows fold into cards
        page.goto(f"{live_server.url}{reverse(name)}")
        # then: the rank, the name, the total and the points all start at the card's left edge
        aligned = page.eval_on_selector_all(
            ".table.cards tbody td", "cells => cells.map(c => getComputedStyle(c).textAlign)"
        )
        assert len(aligned) > 5, role
        assert set(aligned) == {"left"}, role
        # and the heading keeps the year to its word: "2026年度" on one line
        lines = page.evaluate(YEAR_LINES)
        assert lines == 1, role


# How many lines "2026年度" of the page's heading takes.
YEAR_LINES = """() => { const text = document.querySelector('h1').firstChild;
    const at = text.data.indexOf('2026'), range = document.createRange();
    range.setStart(text, at); range.setEnd(text, at + 7);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""
