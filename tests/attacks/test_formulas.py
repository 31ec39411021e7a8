"""Formula injection: text people typed (a task, a unit's name, an applicant's request) that
starts like a spreadsheet formula is written into every export as the text it is."""

import io

import openpyxl
import pytest
from django.urls import reverse

from plans.models import Heading, Plan
from plans.services import save_heading
from reporting import services
from tasks.models import Task
from tests.factories import make_request

FORMULAS = ['=HYPERLINK("http://evil.example/","click")', "=1+2", "+1+2", "-2+3", "@SUM(A1)"]


def formulas_in(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [c.coordinate for s in book for row in s.iter_rows() for c in row if c.data_type == "f"]


def texts_in(data: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {str(v) for s in book for row in s.iter_rows(values_only=True) for v in row if v}


def test_the_task_breakdown_export_writes_task_texts_and_unit_names_as_text(
    client, world, office_staff, attempt
):
    # given: tasks whose text, and a unit whose name, look like formulas
    world.own_task.text = FORMULAS[0]
    world.own_task.save(update_fields=["text"])
    world.own_unit.name = world.own_unit.short_name = "=1+2"
    world.own_unit.save(update_fields=["name", "short_name"])
    client.force_login(office_staff)

    # when
    response = client.get(reverse("tasks:task_list") + "?_export=xlsx")

    # then
    attempt("formula", 2)
    assert response.status_code == 200
    assert formulas_in(response.content) == []
    written = texts_in(response.content)
    assert FORMULAS[0] in written
    assert any(v.startswith("=1+2") for v in written)  # the units cell, its lead first


def test_the_task_breakdown_writes_headings_and_the_plans_number_as_text(
    client, world, office_staff, attempt
):
    # given: a heading, a task and the plan's number (the start of the sheet's note) that look
    # like formulas
    heading = save_heading(Heading(plan=world.plan, label="一、", title="=1+2"), by=office_staff)
    Task.objects.filter(pk=world.own_task.pk).update(heading=heading, text="-2+3")
    Plan.objects.filter(pk=world.plan.pk).update(number="@SUM(A1)")
    client.force_login(office_staff)

    # when
    response = client.get(reverse("tasks:task_list"), {"_export": "xlsx", "q": "-2+3"})

    # then
    attempt("formula", 3)
    assert response.status_code == 200
    assert formulas_in(response.content) == []
    written = texts_in(response.content)
    assert {"=1+2", "-2+3"} <= written
    assert any(v.startswith("@SUM(A1)") for v in written)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_register_export_writes_applicants_text_as_text(client, world, leader, kind, attempt):
    for text in FORMULAS:
        make_request(world.department, content=text)
    client.force_login(leader)

    response = client.get(reverse("registers:request_export"), {"format": kind})

    attempt("formula", len(FORMULAS))
    if kind == "xlsx":
        assert formulas_in(response.content) == []
        assert set(FORMULAS) <= texts_in(response.content)
    else:
        text = response.content.decode("utf-8-sig")
        assert all(f"'{f}" in text.replace('""', '"') for f in FORMULAS)


def test_the_reports_workbook_writes_the_departments_name_as_text(
    client, world, office_staff, attempt
):
    # given: a department whose name (the report's title) starts like a formula
    world.department.name = "=1+2教育局"
    world.department.save(update_fields=["name"])
    draft = services.generate(
        services.create_draft(world.department, 2026, by=office_staff), by=None
    )
    client.force_login(office_staff)

    # when
    response = client.get(reverse("reporting:report_export", args=[draft.pk, "xlsx"]))

    # then
    attempt("formula")
    assert response.status_code == 200
    assert formulas_in(response.content) == []
    assert any(v.startswith("=1+2教育局") for v in texts_in(response.content))
