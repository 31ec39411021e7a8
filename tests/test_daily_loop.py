"""The small things of issue 18: each role lands on its work, filters say 全部, a metric's place
in the report is named in words, a check's severity is translated, a deadline says where it
stands in working days."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from reporting.content import Finding
from tasks.models import Metric
from tasks.services import Report, record_progress, review_assignment

TZ = ZoneInfo("Asia/Shanghai")


def test_each_role_lands_on_its_work(client, office_staff, leader, unit_head):
    landing = {}
    for person in (office_staff, leader, unit_head):
        client.force_login(person)
        landing[person.role] = client.get(reverse("home")).url
    assert landing == {
        "office": reverse("tasks:task_list"),
        "leader": reverse("reporting:dashboard"),
        "unit_head": reverse("tasks:assignment_list"),
    }


def test_an_empty_filter_reads_all_not_dashes(client, office_staff):
    client.force_login(office_staff)
    html = client.get(reverse("tasks:task_list")).content.decode()
    assert "---------" not in html
    assert ">全部<" in html


def test_a_metric_names_its_place_in_the_report_in_words(db):
    metric = Metric.objects.get(code="regulations_issued", department=None)
    with translation.override("zh-hans"):
        place = metric.report_part()
    assert metric.report_cell not in place
    assert "表二" in place


def test_a_check_names_its_severity_in_the_readers_language():
    finding = Finding("T3-1", "error", False, "…")
    with translation.override("zh-hans"):
        assert finding.severity_label == "错误"
    with translation.override("en"):
        assert finding.severity_label == "error"


@pytest.mark.parametrize(
    ("today", "badge"),
    [
        (datetime.date(2026, 6, 30), "今日到期"),  # the world's tasks are due on 30 June
        (datetime.date(2026, 6, 26), "还剩2个工作日"),  # Friday: Monday and Tuesday are left
        (datetime.date(2026, 7, 3), "逾期3个工作日"),  # Friday: Wednesday to Friday
    ],
)
def test_the_assignment_page_says_in_words_where_its_deadline_stands(
    client, world, unit_head, today, badge
):
    client.force_login(unit_head)
    with time_machine.travel(datetime.datetime(*today.timetuple()[:3], 9, tzinfo=TZ), tick=False):
        html = client.get(world.own_assignment.get_absolute_url()).content.decode()
    assert badge in html


def test_work_that_is_done_has_no_deadline_badge(client, world, unit_head):
    world.own_assignment.status = "completed"
    world.own_assignment.save(update_fields=["status"])
    client.force_login(unit_head)
    with time_machine.travel(datetime.datetime(2026, 7, 3, 9, tzinfo=TZ), tick=False):
        html = client.get(world.own_assignment.get_absolute_url()).content.decode()
    assert "逾期" not in html


def test_the_review_shows_what_was_submitted_above_its_buttons(
    client, world, unit_head, office_staff
):
    record_progress(
        world.own_assignment, Report(text="已完成清单梳理并公开。"), submit=True, by=unit_head
    )
    client.force_login(office_staff)
    html = client.get(world.own_assignment.get_absolute_url()).content.decode()
    review = html[html.index('class="card review"') :]
    assert review.index("已完成清单梳理并公开。") < review.index('value="return"')


def test_returning_without_a_comment_says_why_and_keeps_the_page_whole(
    client, world, unit_head, office_staff
):
    assignment = world.own_assignment
    record_progress(assignment, Report(text="已提交。"), submit=True, by=unit_head)
    assignment.refresh_from_db()
    client.force_login(office_staff)
    response = client.post(
        assignment.get_absolute_url(),
        {"action": "return", "r-version": assignment.version, "r-comment": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写退回原因。" in html
    assert "隐藏字段" not in html  # no management-form errors of formsets that were not posted
    assignment.refresh_from_db()
    assert assignment.status == "submitted"


def test_returned_work_starts_again_from_the_units_last_report(
    client, world, unit_head, office_staff
):
    assignment = world.own_assignment
    record_progress(
        assignment,
        Report(
            text="已公开清单。",
            summary="公开清单一份。",
            percent=90,
            links=[("https://www.example.gov.cn/qd/", "清单")],
        ),
        submit=True,
        by=unit_head,
    )
    review_assignment(assignment, accept=False, comment="请补充链接。", by=office_staff)
    client.force_login(unit_head)
    page = client.get(assignment.get_absolute_url())
    progress, links = page.context["progress"], page.context["links"]
    assert (progress["text"].value(), progress["summary"].value(), progress["percent"].value()) == (
        "已公开清单。",
        "公开清单一份。",
        90,
    )
    assert links.forms[0]["url"].value() == "https://www.example.gov.cn/qd/"
    assert "你上次的报告已填入" in page.content.decode()


def test_a_task_that_needs_evidence_is_not_submitted_without_any(world, unit_head):
    task = world.own_task
    task.evidence_required = True
    task.save(update_fields=["evidence_required"])
    with pytest.raises(ValidationError, match="佐证材料"):
        record_progress(world.own_assignment, Report(text="已完成。"), submit=True, by=unit_head)
    record_progress(
        world.own_assignment,
        Report(text="已完成。", links=[("https://www.example.gov.cn/a/", "")]),
        submit=True,
        by=unit_head,
    )
    world.own_assignment.refresh_from_db()
    assert world.own_assignment.status == "submitted"
