"""The registers through their services, forms and pages: the deadline recomputed on every
save, the checks a form shows beside its fields, lists by status/year/outcome/applicant type,
carry-over at the year's end, import and export, and review cases."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from registers import queries, services
from registers.models import DisclosureRequest, ReviewCase
from reporting import queries as report_queries
from reporting.models import ReportDraft
from tasks.demo import DEPARTMENT
from tests.factories import make_request, make_review_case

D = datetime.date
TZ = ZoneInfo("Asia/Shanghai")
Outcome = DisclosureRequest.Outcome
TODAY = D(2026, 6, 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 10, 9, tzinfo=TZ), tick=False):
        yield


def request_data(**overrides) -> dict:
    return {
        "reference": "2026-007",
        "channel": "online",
        "submitted_on": "",
        "received_on": "2026-05-06",
        "applicant_name": "张某",
        "applicant_type": "natural_person",
        "content": "申请公开某校食堂招标结果。",
        "correction_requested_on": "",
        "corrected_on": "",
        "extension_days": "0",
        "extension_approved_by": "",
        "consultation_days": "0",
        "outcome": "",
        "replied_on": "",
        "fee": "0",
        "note": "",
        **overrides,
    }


def error_beside(response, field: str) -> str:
    message = response.context["form"].errors[field][0]
    page = response.content.decode()
    start = page.index(f'name="{field}"')
    end = page.find('<div class="field', start)
    assert f'<p class="field-error" role="alert">{escape(message)}</p>' in page[start:end]
    return message


# --- Services -------------------------------------------------------------------------------


def test_the_deadline_is_recomputed_on_every_save(world, office_staff):
    # given a request received 2026-05-06 (2026-05-09, a Saturday, is a make-up working day)
    request = make_request(world.department, received_on=D(2026, 5, 6), by=office_staff)
    assert request.reply_due == D(2026, 6, 2)
    assert request.created_by == office_staff
    # when a correction is received and an extension approved
    request.correction_requested_on = D(2026, 5, 8)
    request.corrected_on = D(2026, 5, 12)
    request.extension_days = 5
    request.extension_approved_by = "王主任"
    services.save_request(request, by=office_staff)
    # then the clock runs from the correction, plus the extension
    request.refresh_from_db()
    assert request.reply_due == D(2026, 6, 16)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"replied_on": D(2026, 5, 1), "outcome": Outcome.DISCLOSED}, "replied_on"),
        ({"extension_days": 25, "extension_approved_by": "王主任"}, "extension_days"),
        ({"extension_days": 10}, "extension_approved_by"),
        ({"outcome": Outcome.DISCLOSED}, "replied_on"),
        ({"replied_on": D(2026, 5, 20)}, "outcome"),
        ({"received_on": D(1999, 5, 6)}, "received_on"),
        ({"received_on": D(2026, 7, 1)}, "received_on"),
        ({"corrected_on": D(2026, 5, 12)}, "correction_requested_on"),
        ({"submitted_on": D(2026, 5, 8)}, "submitted_on"),
        ({"consultation_days": 500}, "consultation_days"),
    ],
)
def test_implausible_requests_are_refused_on_the_field_at_fault(world, fields, field):
    request = DisclosureRequest(
        department=world.department,
        channel="online",
        received_on=fields.pop("received_on", D(2026, 5, 6)),
        applicant_type="natural_person",
        content="内容",
        **fields,
    )
    with pytest.raises(ValidationError) as refused:
        services.save_request(request, by=None)
    assert field in refused.value.message_dict
    assert not DisclosureRequest.objects.exists()


def test_a_request_whose_deadline_falls_in_an_unknown_year_is_kept_without_one(world):
    request = make_request(
        world.department,
        received_on=D(2026, 6, 9),
        consultation_days=120,
        extension_days=20,
        extension_approved_by="王主任",
    )
    assert request.reply_due is None
    assert queries.clocks_of(request).calendar_missing == 2027


def test_requests_open_at_the_years_end_are_carried_over(world):
    # given one replied in 2025, one carried over from 2025 and closed in 2026, one still open
    closed_2025 = make_request(
        world.department,
        received_on=D(2025, 11, 3),
        replied_on=D(2025, 11, 20),
        outcome=Outcome.DISCLOSED,
    )
    carried = make_request(
        world.department,
        received_on=D(2025, 12, 22),
        replied_on=D(2026, 1, 15),
        outcome=Outcome.UNAVAILABLE_NOT_HELD,
    )
    new = make_request(world.department, received_on=D(2026, 3, 2))
    everything = DisclosureRequest.objects.all()
    # then
    assert set(queries.carried_over_from(everything, 2025)) == {carried}
    assert set(queries.carried_over_into(everything, 2026)) == {carried}
    assert set(queries.received_in(everything, 2026)) == {new}
    assert set(queries.closed_in(everything, 2025)) == {closed_2025}
    assert set(queries.closed_in(everything, 2026)) == {carried}
    assert set(queries.handled_in(everything, 2026)) == {carried, new}
    assert set(queries.handled_in(everything, 2025)) == {closed_2025, carried}
    assert set(queries.open_at(everything, D(2026, 6, 10))) == {new}


def test_statuses_do_not_overlap(world):
    overdue = make_request(world.department, received_on=D(2026, 3, 2))
    pending = make_request(world.department, received_on=D(2026, 6, 1))
    closed = make_request(
        world.department,
        received_on=D(2026, 3, 2),
        replied_on=D(2026, 3, 9),
        outcome=Outcome.DISCLOSED,
    )
    everything = DisclosureRequest.objects.all()
    assert set(queries.in_status(everything, "pending", TODAY)) == {pending}
    assert set(queries.in_status(everything, "overdue", TODAY)) == {overdue}
    assert set(queries.in_status(everything, "closed", TODAY)) == {closed}


def test_a_decided_review_case_needs_its_result_and_date(world):
    with pytest.raises(ValidationError) as refused:
        make_review_case(world.department, result=ReviewCase.Result.UPHELD)
    assert "closed_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_review_case(world.department, closed_on=D(2026, 3, 1))
    assert set(refused.value.message_dict) == {"result", "closed_on"}  # also before filing


def test_a_review_case_cannot_name_another_departments_request(world):
    foreign = make_request(world.other_department)
    with pytest.raises(ValidationError) as refused:
        make_review_case(world.department, request=foreign)
    assert refused.value.message_dict == {"request": ["该申请不属于本机关。"]}


# --- Pages ----------------------------------------------------------------------------------


def test_office_staff_record_a_request_and_see_its_deadlines(office_client, world):
    # when
    response = office_client.post(reverse("registers:request_create"), request_data())
    # then
    request = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert response.url == request.get_absolute_url()
    assert request.department == world.department
    page = office_client.get(response.url).content.decode()
    assert "2026-06-02" in page  # reply due
    assert "2026-05-14" in page  # correction notice due (7 working days)


def test_a_department_cannot_be_forged_into_the_form(office_client, world):
    office_client.post(
        reverse("registers:request_create"),
        request_data(department=world.other_department.pk),
    )
    assert DisclosureRequest.objects.get().department == world.department


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"replied_on": "2026-05-01", "outcome": "disclosed"}, "replied_on"),
        ({"extension_days": "10"}, "extension_approved_by"),
        ({"extension_days": "30", "extension_approved_by": "王主任"}, "extension_days"),
        ({"outcome": "disclosed"}, "replied_on"),
        ({"replied_on": "2026-05-20"}, "outcome"),
        ({"received_on": "2206-05-06"}, "received_on"),
    ],
)
def test_the_form_shows_each_error_beside_its_field(office_client, overrides, field):
    response = office_client.post(reverse("registers:request_create"), request_data(**overrides))
    assert response.status_code == 200
    assert error_beside(response, field)
    assert not DisclosureRequest.objects.exists()


def test_office_staff_edit_a_request_and_close_it(office_client, world):
    request = make_request(world.department)
    response = office_client.post(
        reverse("registers:request_update", args=[request.pk]),
        request_data(received_on="2026-03-02", outcome="withheld_process", replied_on="2026-03-25"),
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.outcome, request.replied_on) == (Outcome.WITHHELD_PROCESS, D(2026, 3, 25))


def test_the_list_filters_by_status_year_outcome_and_applicant_type(
    client, leader, world, django_assert_max_num_queries
):
    # given
    make_request(world.department, received_on=D(2026, 3, 2), content="逾期未复")
    make_request(world.department, received_on=D(2026, 6, 1), content="正在办理")
    make_request(
        world.department,
        received_on=D(2025, 12, 30),
        replied_on=D(2026, 1, 20),
        outcome=Outcome.NOT_HANDLED_REPEATED,
        applicant_type="business",
        content="上年结转",
    )
    make_request(world.other_department, content="别的局")
    client.force_login(leader)
    url = reverse("registers:request_list")

    def listed(**query) -> set[str]:
        response = client.get(url, query)
        assert response.status_code == 200
        return {r.content for r in response.context["table"].data}

    # then
    assert listed() == {"逾期未复", "正在办理", "上年结转"}
    assert listed(status="overdue") == {"逾期未复"}
    assert listed(status="pending") == {"正在办理"}
    assert listed(status="closed") == {"上年结转"}
    assert listed(year=2025) == {"上年结转"}
    assert listed(year=2026) == {"逾期未复", "正在办理", "上年结转"}
    assert listed(outcome="not_handled_repeated") == {"上年结转"}
    assert listed(applicant_type="business") == {"上年结转"}
    with django_assert_max_num_queries(8):
        client.get(url)


def test_a_leader_reads_the_register_but_is_offered_no_changes(client, leader, world):
    request = make_request(world.department)
    client.force_login(leader)
    page = client.get(reverse("registers:request_list")).content.decode()
    assert reverse("registers:request_create") not in page
    detail = client.get(request.get_absolute_url()).content.decode()
    assert reverse("registers:request_update", args=[request.pk]) not in detail
    response = client.post(reverse("registers:request_update", args=[request.pk]), request_data())
    assert response.status_code == 403


def test_the_register_is_in_the_menu_of_office_and_leader_only(client, leader, unit_head):
    for user, shown in ((leader, True), (unit_head, False)):
        client.force_login(user)
        page = client.get(reverse("profile")).content.decode()
        assert (reverse("registers:request_list") in page) is shown


def test_an_upload_with_a_bad_row_lists_it_and_saves_nothing(office_client):
    data = "收到日期,申请人类型,申请方式,申请内容\n2026-03-02,自然人,网络,甲\n"
    data += "2026-13-02,自然人,网络,乙\n"
    upload = SimpleUploadedFile("登记.csv", data.encode("gb18030"))
    response = office_client.post(reverse("registers:request_import"), {"file": upload})
    assert response.status_code == 200
    (error,) = response.context["row_errors"]
    assert (error.row, error.column) == (3, "收到日期")
    assert "收到日期" in response.content.decode()
    assert not DisclosureRequest.objects.exists()


def test_a_good_upload_imports_every_row(office_client, world):
    data = "\ufeff收到日期,申请人类型,申请方式,申请内容\n2026-03-02,自然人,网络,甲\n"
    upload = SimpleUploadedFile("登记.csv", data.encode())
    response = office_client.post(reverse("registers:request_import"), {"file": upload})
    assert response.status_code == 302
    assert DisclosureRequest.objects.get().department == world.department


def test_an_unreadable_upload_says_why(office_client):
    upload = SimpleUploadedFile("登记.xls", b"\xd0\xcf\x11\xe0")
    response = office_client.post(reverse("registers:request_import"), {"file": upload})
    assert ".xlsx" in response.context["form"].errors["file"][0]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_export_holds_the_filtered_register_of_the_department(client, leader, world, kind):
    make_request(world.department, received_on=D(2026, 3, 2), content="逾期未复", fee=Decimal(5))
    make_request(world.department, received_on=D(2026, 6, 1), content="正在办理")
    make_request(world.other_department, received_on=D(2026, 3, 2), content="别的局")
    client.force_login(leader)
    response = client.get(
        reverse("registers:request_export"), {"format": kind, "status": "overdue"}
    )
    assert response.status_code == 200
    assert f".{kind}" in response["Content-Disposition"]
    if kind == "csv":
        rows = response.content.decode("utf-8-sig").splitlines()
        cells = [row.split(",") for row in rows]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][:3] == ["编号", "收到日期", "申请人"]
    assert len(cells) == 2
    assert "逾期未复" in cells[1]


def test_office_staff_record_and_decide_a_review_case(office_client, world):
    request = make_request(world.department)
    data = {"kind": "litigation_after_review", "reference": "(2026)闽0503行初1号"}
    data |= {"filed_on": "2026-04-01", "request": request.pk, "result": "", "closed_on": ""}
    response = office_client.post(reverse("registers:reviewcase_create"), data)
    assert response.status_code == 302
    case = ReviewCase.objects.get()
    assert (case.department, case.request) == (world.department, request)
    list_page = office_client.get(reverse("registers:reviewcase_list"), {"result": "pending"})
    assert list(list_page.context["table"].data) == [case]
    data |= {"result": "corrected", "closed_on": "2026-05-20"}
    office_client.post(reverse("registers:reviewcase_update", args=[case.pk]), data)
    case.refresh_from_db()
    assert case.result == ReviewCase.Result.CORRECTED


def test_a_review_case_form_offers_only_the_departments_requests(office_client, world):
    foreign = make_request(world.other_department)
    data = {"kind": "review", "filed_on": "2026-04-01", "request": foreign.pk}
    response = office_client.post(reverse("registers:reviewcase_create"), data)
    assert "request" in response.context["form"].errors
    assert not ReviewCase.objects.exists()


# --- Demo -----------------------------------------------------------------------------------


DEMO_DAY = datetime.datetime(2026, 12, 1, 9, tzinfo=TZ)


def _load_demo_registers_twice() -> str:
    """The demo bureau on 2026-12-01, its registers loaded twice (as `make setup` run twice)."""
    out = io.StringIO()
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("load_demo", year=2026, stdout=out)
        call_command("load_demo_registers", year=2026, stdout=out)
        call_command("load_demo_registers", year=2026, stdout=out)
    return out.getvalue()


def test_the_demo_registers_load_once_and_cover_every_state(db):
    # when
    out = _load_demo_registers_twice()
    # then
    assert "13 requests created" in out
    assert "0 requests created" in out
    everything = DisclosureRequest.objects.all()
    assert everything.count() == 13
    for status in ("pending", "overdue", "closed"):
        assert queries.in_status(everything, status, DEMO_DAY.date()).exists(), status
    assert queries.carried_over_into(everything, 2026).exists()
    assert ReviewCase.objects.get().result == ReviewCase.Result.UPHELD


def test_the_demo_years_report_is_drafted_once_and_generated_again_on_each_load(db):
    # when
    _load_demo_registers_twice()
    # then: one draft, generated twice, its tables from the registers and part 一 from the plan
    draft = ReportDraft.objects.get(department__name=DEPARTMENT)  # 区卫健局 has its own
    assert (draft.year, draft.generation, draft.progress) == (2026, "done", 100)
    assert draft.versions.count() == 2
    three = report_queries.tables_of(draft)[3].values
    assert (three[("new", "total")], three[("carried_over", "total")]) == (12, 1)
    overview = draft.sections.get(number=1).text
    assert "项任务已完成" not in overview  # the report tells the work, not a tracker's count
    assert "每月巡查门户网站和微信公众号" in overview  # a completed task's summary
    assert "召开新闻发布会1次" in overview  # a key figure


@pytest.mark.parametrize("year", ["0", "99999", "abc"])
def test_an_impossible_year_in_the_filter_lists_nothing_and_fails_nothing(
    client, leader, world, year
):
    make_request(world.department)
    client.force_login(leader)
    response = client.get(reverse("registers:request_list"), {"year": year})
    assert response.status_code == 200
    export = client.get(reverse("registers:request_export"), {"year": year, "format": "csv"})
    assert export.status_code == 200
