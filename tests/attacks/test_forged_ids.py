"""Forged ids: another bureau's or unit's object named in a form or URL is refused (a form
error, 403 or 404) and nothing changes."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from org.models import Unit, UnitGroup, User
from org.services import standard_unit_groups
from plans.models import Heading
from plans.services import save_heading
from tasks.importing import start_import
from tasks.models import Metric

from .conftest import row_counts


@dataclass
class Foreign:
    """Bureau B's objects, and 计财股's assignment in bureau A."""

    unit: Unit
    group: UnitGroup
    heading: Heading
    metric: Metric
    request: object
    case: object
    report: object
    section: object


@pytest.fixture
def foreign(world, registers) -> Foreign:
    other = world.other_department
    standard_unit_groups(other)
    return Foreign(
        unit=world.other_assignment.unit,
        group=UnitGroup.objects.filter(department=other).first(),
        heading=save_heading(Heading(plan=world.other_plan, label="一、", title="B"), by=None),
        metric=Metric.objects.create(department=other, code="b-only", name="B"),
        request=registers["request"][other],
        case=registers["reviewcase"][other],
        report=registers["report"][other],
        section=registers["section"][other],
    )


def _task(w, f, **forged):
    return {"text": "x", "deadline_kind": "date", "due_date": "2026-05-01",
            "lead_units": [w.own_unit.pk], **forged}  # fmt: skip


def _case(f, **forged):
    return {"kind": "review", "filed_on": "2026-04-01", **forged}


def _progress(a, **forged):
    forms = {f"{p}-{k}": n for p, n in (("link", 0), ("fig", 1)) for k in ("TOTAL", "INITIAL")}
    forms = {f"{k}_FORMS": v for k, v in forms.items()} | {"fig-INITIAL_FORMS": 0}
    return {"action": "report", "p-version": a.version, "p-text": "x", **forms, **forged}


def _import(**forged):
    """The preview's post for its one task, as the page would send it."""
    task = {"include": "on", "text": "做好公开工作。", "units": "外星办", "deadline_kind": "date",
            "due_date": "2026-12-31", "recurrence": ""}  # fmt: skip
    return {"plan-title": "x", "plan-year": 2026, "task-TOTAL_FORMS": 1, "task-INITIAL_FORMS": 1,
            **{f"task-0-{k}": v for k, v in task.items()}, **forged}  # fmt: skip


# name -> (persona, url name, the URL's object, posted data); all built from (world, foreign)
# fmt: off
CASES = {
    "task-lead-unit": ("office", "tasks:task_create", lambda w, f: w.plan,
                       lambda w, f: _task(w, f, lead_units=[f.unit.pk])),
    "task-support-unit": ("office", "tasks:task_create", lambda w, f: w.plan,
                          lambda w, f: _task(w, f, support_units=[f.unit.pk])),
    "task-unit-group": ("office", "tasks:task_create", lambda w, f: w.plan,
                        lambda w, f: _task(w, f, groups=[f.group.pk])),
    "task-heading": ("office", "tasks:task_create", lambda w, f: w.plan,
                     lambda w, f: _task(w, f, heading=f.heading.pk)),
    "task-update-unit": ("office", "tasks:task_update", lambda w, f: w.own_task,
                         lambda w, f: _task(w, f, lead_units=[f.unit.pk])),
    "task-of-other-plan": ("office", "tasks:task_create", lambda w, f: w.other_plan,
                           lambda w, f: _task(w, f)),
    "task-close-other": ("office", "tasks:task_close", lambda w, f: w.other_task,
                         lambda w, f: {"reason": "x"}),
    "heading-parent": ("office", "plans:heading_create", lambda w, f: w.plan,
                       lambda w, f: {"title": "x", "position": 0, "parent": f.heading.pk}),
    "plan-other": ("office", "plans:plan_update", lambda w, f: w.other_plan,
                   lambda w, f: {"title": "x", "year": 2026}),
    "plan-status-other": ("office", "plans:plan_status", lambda w, f: w.other_plan,
                          lambda w, f: {"status": "closed"}),
    "figure-metric": ("head", "tasks:assignment_detail", lambda w, f: w.own_assignment,
                      lambda w, f: _progress(w.own_assignment, **{"fig-0-metric": f.metric.pk,
                                                                   "fig-0-value": 1})),
    "assignment-other-unit": ("head", "tasks:assignment_detail",
                              lambda w, f: w.foreign_assignment,
                              lambda w, f: _progress(w.foreign_assignment)),
    "remind-other": ("office", "tasks:assignment_remind", lambda w, f: w.other_assignment,
                     lambda w, f: {"note": "x"}),
    "remind-as-unit": ("head", "tasks:assignment_remind", lambda w, f: w.foreign_assignment,
                       lambda w, f: {"note": "x"}),
    "bulk-other-task": ("office", "tasks:bulk_action", None,
                        lambda w, f: {"action": "urge", "task": [w.own_task.pk, w.other_task.pk]}),
    "bulk-other-assignment": ("office", "tasks:bulk_action", None,
                              lambda w, f: {"action": "sign_off",
                                            "assignment": [w.other_assignment.pk],
                                            "seen": f"{w.other_assignment.pk}:1"}),
    "bulk-as-unit": ("head", "tasks:bulk_action", None,
                     lambda w, f: {"action": "urge", "task": [w.own_task.pk]}),
    "case-request": ("office", "registers:reviewcase_create", None,
                     lambda w, f: _case(f, request=f.request.pk)),
    "case-update-other": ("office", "registers:reviewcase_update", lambda w, f: f.case,
                          lambda w, f: _case(f)),
    "request-update-other": ("office", "registers:request_update", lambda w, f: f.request,
                             lambda w, f: {"content": "x", "channel": "online"}),
    "report-topic-heading": ("office", "reporting:report_topics", "own-report",
                             lambda w, f: {"heading": f.heading.pk, "topic": "proactive"}),
    "report-section-other": ("office", "reporting:report_section", lambda w, f: f.section,
                             lambda w, f: {"text": "x"}),
    "report-cell-other": ("office", "reporting:report_cell", lambda w, f: f.report,
                          lambda w, f: {"t2-cell": "x", "t2-value": 1}),
    "report-options-other": ("office", "reporting:report_options", lambda w, f: f.report,
                             lambda w, f: {"other_text": "x"}),
    "report-final-other": ("office", "reporting:report_final", lambda w, f: f.report,
                           lambda w, f: {"action": "reopen"}),
    "report-generate-other": ("office", "reporting:report_generate", lambda w, f: f.report,
                              lambda w, f: {}),
    "import-unit-mapping": ("office", "tasks:import_preview", "own-import",
                            lambda w, f: _import(**{"map-name-0": f.unit.pk})),
    "import-task-count": ("office", "tasks:import_preview", "own-import",
                          lambda w, f: {"task-TOTAL_FORMS": 500, "task-INITIAL_FORMS": 0}),
    "import-other": ("office", "tasks:import_preview", "other-import", lambda w, f: {}),
}
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=[f"forged-{name}" for name in CASES])
def test_a_forged_id_is_refused_and_changes_nothing(
    client, world, personas, registers, imports, foreign, attempt, case
):
    # given
    role, url_name, target, data = CASES[case]
    client.force_login(personas[role])
    if target == "own-report":
        obj = registers["report"][world.department]
    elif target == "own-import":
        obj = start_import(
            world.department,
            source_name="",
            data="一、任务\n(一)公开\n做好公开工作(责任科室:外星办)。".encode(),
            by=None,
        )
    elif target == "other-import":
        obj = imports[world.other_department]
    else:
        obj = target(world, foreign) if target else None
    url = reverse(url_name, args=[obj.pk] if obj else [])
    before = row_counts()
    # when
    response = client.post(url, data(world, foreign))
    attempt("forged-id")
    # then
    assert response.status_code in (200, 400, 403, 404)
    if response.status_code == 200:  # the form again, with the error
        assert any(not response.context[k].is_valid() for k in FORMS if k in response.context)
    assert row_counts() == before


FORMS = ("form", "progress", "figures", "mapping_form")


def test_fields_a_form_does_not_offer_are_ignored(client, world, office_staff, unit_staff, attempt):
    # given
    forged = {"role": "office", "unit": world.other_unit.pk, "is_superuser": "on",
              "is_staff": "on", "department": world.other_department.pk}  # fmt: skip
    # when: a unit's person makes themselves office staff of bureau B
    client.force_login(unit_staff)
    client.post(reverse("profile"), {"full_name": "张三", **forged})
    # and the office moves its plan to bureau B
    client.force_login(office_staff)
    client.post(
        reverse("plans:plan_update", args=[world.plan.pk]),
        {"title": "方案", "year": 2026, "number": world.plan.number, **forged},
    )
    attempt("forged-id", 2)
    # then
    unit_staff.refresh_from_db()
    person = (unit_staff.role, unit_staff.unit, unit_staff.department, unit_staff.is_superuser)
    assert person == (User.Role.UNIT_STAFF, world.own_unit, world.department, False)
    assert not unit_staff.is_staff
    world.plan.refresh_from_db()
    assert world.plan.department == world.department
