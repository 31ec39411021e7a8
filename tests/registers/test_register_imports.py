"""Importing a register twice never registers a request twice (issue 19, item 7d); review cases
imported from .xlsx/.csv with their documented headers, previewed, then confirmed (item 7c)."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registers import review_cases_io, services
from registers.models import DisclosureRequest, ReviewCase
from registers.requests_io import RegisterFileError, read_register

TZ = ZoneInfo("Asia/Shanghai")
REQUESTS = [
    ["编号", "收到日期", "申请人", "申请人类型", "申请方式", "申请内容"],
    ["2026-001", "2026-03-02", "张某", "自然人", "网络", "某校招生范围"],
    ["", "2026-03-05", "李某", "自然人", "信函", "学区划分文件"],
]


@pytest.fixture(autouse=True)
def english():
    """Messages compared in English, whatever language an earlier request left active."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 10, 9, tzinfo=TZ), tick=False):
        yield


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Requests imported again ----


def test_importing_the_same_register_twice_adds_nothing_the_second_time(world, office_staff):
    data = csv_bytes(REQUESTS)
    first = services.import_requests(world.department, read_register("r.csv", data), by=None)
    assert len(first.created) == 2
    # when: the same file again, by 编号 and, without one, by 收到日期 + 申请人 + 申请内容
    again = services.import_requests(world.department, read_register("r.csv", data), by=None)
    # then
    assert again.ok
    assert again.created == []
    assert (again.updated, again.unchanged) == ([], [2, 3])
    assert DisclosureRequest.objects.count() == 2


def test_a_register_kept_on_imports_only_its_new_rows(world):
    services.import_requests(world.department, read_register("r.csv", csv_bytes(REQUESTS)), by=None)
    longer = [*REQUESTS, ["2026-002", "2026-04-01", "王某", "商业企业", "网络", "收费标准"]]
    result = services.import_requests(
        world.department, read_register("r.xlsx", xlsx_bytes(longer)), by=None
    )
    assert [r.reference for r in result.created] == ["2026-002"]
    assert result.unchanged == [2, 3]
    assert DisclosureRequest.objects.count() == 3


REPLIED = ["办理结果", "答复日期"]


def test_a_row_changed_since_is_merged_into_its_request_and_counted(world, office_staff):
    # given: the register imported in March, before any reply
    rows = [[*REQUESTS[0], *REPLIED], *[[*row, "", ""] for row in REQUESTS[1:]]]
    services.import_requests(world.department, read_register("r.csv", csv_bytes(rows)), by=None)
    first, second = DisclosureRequest.objects.order_by("received_on")
    assert (first.outcome, first.replied_on) == ("", None)
    # when: the file kept on: both replied since (one found by 编号, one by its content), and
    # a third request; the note written in the app is not in the file
    second.note = "电话沟通"
    second.save()
    rows[1][-2:] = ["予以公开", "2026-03-20"]
    rows[2][-2:] = ["部分公开", "2026-03-25"]
    rows.append(["2026-002", "2026-04-01", "王某", "商业企业", "网络", "收费标准", "", ""])
    result = services.import_requests(
        world.department, read_register("r.xlsx", xlsx_bytes(rows)), by=office_staff
    )
    # then: one added, two updated, nothing registered twice, nothing the file left blank lost
    assert result.ok
    assert ([r.reference for r in result.created], result.updated, result.unchanged) == (
        ["2026-002"],
        [2, 3],
        [],
    )
    assert DisclosureRequest.objects.count() == 3
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, first.replied_on) == ("disclosed", datetime.date(2026, 3, 20))
    assert second.replied_on == datetime.date(2026, 3, 25)
    assert second.note == "电话沟通"
    assert first.history.first().history_user == office_staff  # type: ignore[attr-defined]
    # and the same file once more changes nothing
    again = services.import_requests(
        world.department, read_register("r.xlsx", xlsx_bytes(rows)), by=None
    )
    assert (again.created, again.updated, again.unchanged) == ([], [], [2, 3, 4])


def test_alike_rows_are_merged_into_alike_requests_in_order_and_an_extra_one_is_new(
    world, office_staff
):
    # given: two applications alike (same day, applicant and content, no 编号), registered
    alike = ["", "2026-03-05", "李某", "自然人", "信函", "学区划分文件", "", ""]
    rows = [[*REQUESTS[0], *REPLIED], list(alike), list(alike)]
    services.import_requests(world.department, read_register("r.csv", csv_bytes(rows)), by=None)
    first, second = DisclosureRequest.objects.order_by("pk")
    # when: the register kept on replies to each differently, and has a third one alike
    rows[1][-2:] = ["予以公开", "2026-03-20"]
    rows[2][-2:] = ["部分公开", "2026-03-25"]
    rows.append(list(alike))
    result = services.import_requests(
        world.department, read_register("r.csv", csv_bytes(rows)), by=office_staff
    )
    # then: the first row is the first request, the second the second, the third is new
    assert result.ok
    assert (len(result.created), result.updated, result.unchanged) == (1, [2, 3], [])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, first.replied_on) == ("disclosed", datetime.date(2026, 3, 20))
    assert (second.outcome, second.replied_on) == ("partly_disclosed", datetime.date(2026, 3, 25))
    assert DisclosureRequest.objects.count() == 3
    # and each has one history row for the import, not two
    for request in (first, second):
        assert request.history.filter(history_type="~").count() == 1  # type: ignore[attr-defined]


def test_merging_a_register_writes_history_in_queries_however_many_rows_changed(
    world, office_staff
):
    def merge(count: int) -> int:
        """Queries of importing again a register of ``count`` requests, each replied since."""
        DisclosureRequest.objects.all().delete()
        rows = [[*REQUESTS[0], *REPLIED]]
        rows += [
            [f"2026-{n:03}", "2026-03-02", "张某", "自然人", "网络", f"内容{n}", "", ""]
            for n in range(count)
        ]
        services.import_requests(world.department, read_register("r.csv", csv_bytes(rows)), by=None)
        for row in rows[1:]:
            row[-2:] = ["予以公开", "2026-03-20"]
        with CaptureQueriesContext(connection) as queries:
            result = services.import_requests(
                world.department, read_register("r.csv", csv_bytes(rows)), by=office_staff
            )
        assert len(result.updated) == count
        return len(queries)

    assert merge(2) == merge(12)
    # the history still says who changed each request, and what the request then was
    for request in DisclosureRequest.objects.all():
        latest = request.history.first()  # type: ignore[attr-defined]
        assert (latest.history_type, latest.history_user) == ("~", office_staff)
        assert (latest.outcome, latest.reply_due) == ("disclosed", request.reply_due)
        assert request.reply_due is not None


def test_a_file_with_a_bad_row_merges_nothing_either(world):
    rows = [[*REQUESTS[0], *REPLIED], [*REQUESTS[1], "", ""]]
    services.import_requests(world.department, read_register("r.csv", csv_bytes(rows)), by=None)
    # a good change to row 2, and a new row 3 replied before it was received
    rows[1][-2:] = ["予以公开", "2026-03-20"]
    rows.append(["2026-002", "2026-04-01", "王某", "商业企业", "网络", "收费标准", "予以公开"])
    rows[-1].append("2026-03-01")
    result = services.import_requests(
        world.department, read_register("r.csv", csv_bytes(rows)), by=None
    )
    assert not result.ok
    assert {e.row for e in result.errors} == {3}
    assert DisclosureRequest.objects.count() == 1
    assert DisclosureRequest.objects.get().replied_on is None


def test_one_number_twice_in_a_file_is_an_error_and_nothing_is_imported(world):
    rows = [*REQUESTS, ["2026-001", "2026-03-09", "赵某", "自然人", "网络", "另一申请"]]
    result = services.import_requests(
        world.department, read_register("r.csv", csv_bytes(rows)), by=None
    )
    assert not result.ok
    assert [e.row for e in result.errors] == [4]
    assert "2026-001" in str(result.errors[0])
    assert not DisclosureRequest.objects.exists()


def test_the_import_page_says_how_many_rows_were_added_updated_unchanged(
    client, office_staff, world
):
    client.force_login(office_staff)
    url = reverse("registers:request_import")
    for _time in range(2):
        upload = io.BytesIO(csv_bytes(REQUESTS))
        upload.name = "r.csv"
        response = client.post(url, {"file": upload}, follow=True)
    assert DisclosureRequest.objects.count() == 2
    page = response.content.decode()
    said = ("0 requests added, 0 updated, 2 unchanged", "新增申请0件，更新0件，未变2件")
    assert any(words in page for words in said)


# --- Review cases ----

CASES = [
    ["类型", "案号", "立案日期", "结果", "决定日期", "备注"],
    ["行政复议", "闽教复〔2026〕1号", "2026-02-03", "结果维持", "2026-03-20", ""],
    ["未经复议直接起诉", "(2026)闽0503行初5号", "2026-04-01", "", "", "审理中"],
    ["复议后起诉", "", datetime.date(2026, 5, 6), "结果纠正", datetime.date(2026, 6, 1), ""],
]


def test_review_cases_are_read_by_their_documented_headers():
    register = review_cases_io.read_cases("c.xlsx", xlsx_bytes(CASES))
    assert register.errors == []
    kinds = [row.values["kind"] for row in register.rows]
    assert kinds == ["review", "litigation_direct", "litigation_after_review"]
    assert register.rows[0].values["result"] == "upheld"
    assert register.rows[1].values["result"] == ""  # pending: 尚未审结
    assert register.rows[2].values["closed_on"] == datetime.date(2026, 6, 1)


def test_bad_review_case_rows_are_errors_on_their_row_and_nothing_is_saved(world):
    rows = [
        CASES[0],
        ["行政诉讼", "A1", "2026-02-03", "", "", ""],  # which kind of suit?
        ["行政复议", "A2", "2026-02-03", "胜诉", "2026-03-01", ""],  # no such result
        ["行政复议", "A3", "2026-02-03", "结果维持", "", ""],  # a result needs its date
        ["行政复议", "A4", "2026-02-03", "其他结果", "2026-01-01", ""],  # decided before filed
        ["行政复议", "A5", "", "", "", ""],  # no date
    ]
    register = review_cases_io.read_cases("c.csv", csv_bytes(rows))
    result = services.import_review_cases(world.department, register, by=None)
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {
        (2, "类型"),
        (3, "结果"),
        (4, "决定日期"),
        (5, "决定日期"),
        (6, "立案日期"),
    }
    assert not ReviewCase.objects.exists()


def test_a_case_number_already_registered_is_refused(world):
    register = review_cases_io.read_cases("c.csv", csv_bytes(CASES))
    assert services.import_review_cases(world.department, register, by=None).ok
    again = services.import_review_cases(world.department, register, by=None)
    assert not again.ok
    assert {e.row for e in again.errors} == {2, 3}
    assert ReviewCase.objects.count() == 3


def test_a_file_without_the_headers_names_them():
    with pytest.raises(RegisterFileError, match="类型"):
        review_cases_io.read_cases("c.csv", csv_bytes([["a", "b"], ["1", "2"]]))


def test_review_cases_are_previewed_then_imported_on_confirmation(client, office_staff, world):
    client.force_login(office_staff)
    url = reverse("registers:reviewcase_import")
    upload = io.BytesIO(xlsx_bytes(CASES))
    upload.name = "案件.xlsx"
    # when: previewed
    response = client.post(url, {"file": upload, "action": "preview"})
    # then: listed with the documented headers, nothing saved
    page = response.content.decode()
    assert "闽教复〔2026〕1号" in page
    assert "立案日期" in page
    assert not ReviewCase.objects.exists()
    # when: confirmed with what the preview carried on
    response = client.post(url, {"carried": response.context["carried"], "action": "confirm"})
    assert response.status_code == 302
    assert ReviewCase.objects.filter(department=world.department).count() == 3
    assert ReviewCase.objects.get(reference="闽教复〔2026〕1号").result == "upheld"
