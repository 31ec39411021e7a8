"""Reading and writing the request register as offices keep it: real .xlsx and .csv files
(UTF-8 with and without BOM, GB18030), headers by text and synonym, the official row labels
with or without their numbering, row-numbered errors, all or nothing, and the round trip."""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.management import CommandError, call_command

from registers import requests_io, services
from registers.models import DisclosureRequest
from registers.requests_io import RegisterFileError, read_register
from tests.factories import DepartmentFactory, make_request

D = datetime.date
TZ = ZoneInfo("Asia/Shanghai")
Outcome = DisclosureRequest.Outcome

HEADER = ["收到日期", "申请人", "申请人类型", "申请方式", "申请内容", "办理结果", "答复日期"]
ROW = ["2026-03-02", "张某", "自然人", "网络", "某校招生范围", "（一）予以公开", "2026-03-20"]


def write_xlsx(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def read(path: Path):
    return read_register(path.name, path.read_bytes())


# --- Files ---------------------------------------------------------------------------------


def test_an_xlsx_register_is_read_with_excel_dates_and_numbers(tmp_path):
    # given a sheet with a title row above the header, real date cells and a number of days
    path = write_xlsx(
        tmp_path / "登记.xlsx",
        [
            ["2026年政府信息公开申请登记表"],
            [*HEADER, "延期", "延期批准人", "收费金额（元）"],
            [
                *(D(2026, 3, 2), "某公司", "商业企业", "信函", "许可材料", "2.部分公开"),
                *(D(2026, 4, 20), 10, "王主任", 100),
            ],
        ],
    )
    # when
    register = read(path)
    # then
    assert register.errors == []
    (row,) = register.rows
    assert row.row == 3  # as Excel numbers it
    assert row.values == {
        "received_on": D(2026, 3, 2),
        "applicant_name": "某公司",
        "applicant_type": "business",
        "channel": "letter",
        "content": "许可材料",
        "outcome": "partly_disclosed",
        "replied_on": D(2026, 4, 20),
        "extension_days": 10,
        "extension_approved_by": "王主任",
        "fee": Decimal("100.00"),
    }


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_a_csv_register_is_read_in_utf8_with_or_without_bom_and_in_gb18030(tmp_path, encoding):
    path = write_csv(tmp_path / "登记.csv", [HEADER, ROW], encoding)
    register = read(path)
    assert register.errors == []
    assert register.rows[0].values["applicant_name"] == "张某"
    assert register.rows[0].values["outcome"] == Outcome.DISCLOSED


def test_header_synonyms_are_recognised(tmp_path):
    header = ["受理日期", "申请人类别", "渠道", "申请内容", "答复结果", "办结日期", "延长"]
    header.append("信息处理费")
    row = ["2026/3/2", "自然人", "当面", "内容", "予以公开", "2026年4月1日", "否", "0"]
    register = read(write_csv(tmp_path / "r.csv", [header, row], "gb18030"))
    assert register.errors == []
    assert set(register.rows[0].values) == {
        "received_on",
        "applicant_type",
        "channel",
        "content",
        "outcome",
        "replied_on",
        "extension_days",
        "fee",
    }
    assert register.rows[0].values["replied_on"] == D(2026, 4, 1)


@pytest.mark.parametrize(
    "label",
    [
        "1.属于国家秘密",
        "（三）不予公开 1.属于国家秘密",
        "(三)不予公开 1.属于国家秘密",
        "（三）不予公开１．属于国家秘密",
        "属于国家秘密",
    ],
)
def test_outcomes_match_with_or_without_the_tables_numbering(label):
    assert requests_io.match_outcome(label) == Outcome.WITHHELD_STATE_SECRET


@pytest.mark.parametrize(
    ("label", "outcome"),
    [
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", Outcome.PARTLY_DISCLOSED),
        ("3.危及“三安全一稳定”", Outcome.WITHHELD_SAFETY),
        ("（五）不予处理 2.重复申请", Outcome.NOT_HANDLED_REPEATED),
        ("其他", Outcome.OTHER),
        ("（四）无法提供 1.本机关不掌握相关政府信息", Outcome.UNAVAILABLE_NOT_HELD),
    ],
)
def test_every_kind_of_row_label_is_matched(label, outcome):
    assert requests_io.match_outcome(label) == outcome


def test_every_official_label_reads_back_as_itself():
    for value, label in Outcome.choices:
        assert requests_io.match_outcome(label) == value


@pytest.mark.parametrize(
    ("label", "applicant_type"),
    [
        ("自然人", "natural_person"),
        ("法人或其他组织—商业企业", "business"),
        ("（三）社会公益组织", "public_interest"),
        ("法律服务机构", "legal_services"),
        ("其他", "other_organisation"),
    ],
)
def test_applicant_types_match_the_tables_columns(label, applicant_type):
    assert requests_io.match_applicant_type(label) == applicant_type


@pytest.mark.parametrize(
    ("cell", "days"), [("是", 20), ("否", 0), ("", 0), ("15", 15), (10, 10), ("5个工作日", 5)]
)
def test_extension_is_days_or_yes_for_the_statutory_twenty(cell, days):
    assert requests_io.parse_extension(cell) == days


@pytest.mark.parametrize(
    "text", ["2026-03-02", "2026/3/2", "2026年3月2日", "2026.3.2", "2026-03-02 00:00:00"]
)
def test_dates_are_read_in_the_ways_offices_write_them(text):
    assert requests_io.parse_date(text) == D(2026, 3, 2)


def test_bad_cells_are_reported_with_their_excel_row_and_header(tmp_path):
    rows = [
        HEADER,
        ROW,
        ["2026-02-30", "", "个体户", "网络", "内容", "不予公开", ""],
    ]
    register = read(write_xlsx(tmp_path / "r.xlsx", rows))
    assert [(e.row, e.column) for e in register.errors] == [
        (3, "收到日期"),
        (3, "申请人类型"),
        (3, "办理结果"),
    ]
    assert "3" in str(register.errors[0])
    assert "收到日期" in str(register.errors[0])


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        # the messages as the office reads them, in the default language
        ("r.xls", b"\xd0\xcf\x11\xe0 old", "“r.xls”不是.xlsx或.csv文件"),
        ("r.xlsx", b"\xd0\xcf\x11\xe0 old", "不是真正的.xlsx工作簿"),
        ("r.csv", "名称,金额\n甲,1\n".encode(), "未找到表头行"),
        ("r.csv", "收到日期,申请人,申请人类型\n".encode(), "缺少以下列：申请方式、申请内容"),
        ("r.csv", b"", "文件为空"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(name, data, message):
    with pytest.raises(RegisterFileError, match=message):
        read_register(name, data)


# --- Importing: all or nothing ---------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 10, 9, tzinfo=TZ), tick=False):
        yield


def test_a_file_with_one_bad_row_saves_nothing(tmp_path, world, office_staff, frozen):
    # given two good rows and one whose reply precedes its receipt
    bad = ["2026-03-10", "李某", "自然人", "网络", "内容", "予以公开", "2026-03-01"]
    path = write_csv(tmp_path / "r.csv", [HEADER, ROW, ROW, bad], "utf-8-sig")
    # when
    result = services.import_requests(world.department, read(path), by=office_staff)
    # then
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(4, "答复日期")]
    assert not DisclosureRequest.objects.exists()


def test_an_extension_without_its_approver_is_a_row_error(tmp_path, world, frozen):
    rows = [[*HEADER, "延期"], [*ROW[:5], "", "", "是"]]
    result = services.import_requests(
        world.department, read(write_xlsx(tmp_path / "r.xlsx", rows)), by=None
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "延期批准人")]


def test_a_good_file_creates_every_row_with_its_deadline(tmp_path, world, office_staff, frozen):
    pending = ["2026-05-29", "", "科研机构", "传真", "课题数据", "", ""]
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, ROW, pending])
    result = services.import_requests(world.department, read(path), by=office_staff)
    assert result.ok
    assert len(result.created) == 2
    created = DisclosureRequest.objects.get(applicant_type="research")
    assert created.department == world.department
    assert created.created_by == office_staff
    # 端午 2026-06-19 is a holiday
    assert created.reply_due == D(2026, 6, 29)


# --- Round trip -------------------------------------------------------------------------------

COMPARED = [c.field for c in requests_io.COLUMNS]


def _values(requests):
    return sorted(tuple(getattr(r, f) for f in COMPARED) for r in requests)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_export_imports_back_to_the_same_rows(tmp_path, world, office_staff, frozen, kind):
    # given a register with a pending, a corrected and extended, and a closed request
    make_request(world.department, reference="2026-01", applicant_name="张某")
    make_request(
        world.department,
        applicant_type="legal_services",
        channel="letter",
        received_on=D(2026, 4, 1),
        correction_requested_on=D(2026, 4, 3),
        corrected_on=D(2026, 4, 10),
        extension_days=20,
        extension_approved_by="王主任",
        consultation_days=15,
        note="多行\n备注",
    )
    make_request(
        world.department,
        applicant_type="business",
        channel="in_person",
        received_on=D(2026, 2, 27),
        outcome=Outcome.WITHHELD_PROCESS,
        replied_on=D(2026, 3, 20),
        fee=Decimal("300.00"),
    )
    originals = DisclosureRequest.objects.all()
    if kind == "xlsx":
        data = requests_io.write_xlsx(originals, title="登记")
    else:
        data = requests_io.write_csv(originals)
    path = tmp_path / f"export.{kind}"
    path.write_bytes(data)
    other = DepartmentFactory()
    # when
    result = services.import_requests(other, read(path), by=office_staff)
    # then
    assert result.ok, [str(e) for e in result.errors]
    copies = DisclosureRequest.objects.filter(department=other)
    assert _values(copies) == _values(originals)
    assert sorted(c.reply_due for c in copies) == sorted(o.reply_due for o in originals)


# --- The command ------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_a_summary(tmp_path, world, frozen):
    path = write_csv(tmp_path / "r.csv", [HEADER, ROW, ROW], "gb18030")
    out = io.StringIO()
    call_command("import_requests", str(path), department=world.department.name, stdout=out)
    assert "2" in out.getvalue()
    assert DisclosureRequest.objects.filter(department=world.department).count() == 2


def test_the_command_lists_row_errors_and_fails(tmp_path, world, frozen):
    bad = ["2026-03-02", "", "自然人", "飞鸽传书", "内容", "", ""]
    path = write_csv(tmp_path / "r.csv", [HEADER, ROW, bad], "utf-8")
    with pytest.raises(CommandError, match="3") as failed:
        call_command("import_requests", str(path), department=world.department.name)
    assert "申请方式" in str(failed.value)
    assert not DisclosureRequest.objects.exists()


@pytest.mark.parametrize(
    ("department", "message"), [("不存在的局", "No department"), (None, "department")]
)
def test_the_command_needs_a_known_department(tmp_path, world, department, message):
    path = write_csv(tmp_path / "r.csv", [HEADER, ROW], "utf-8")
    args = [str(path)] + (["--department", department] if department else [])
    with pytest.raises(CommandError, match=message):
        call_command("import_requests", *args)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_text_that_looks_like_a_formula_is_exported_as_text_and_reads_back(
    tmp_path, world, frozen, kind
):
    # given an applicant's text that Excel would run
    text = '=HYPERLINK("http://example.com","点此")'
    make_request(world.department, content=text, applicant_name="-张某")
    requests = DisclosureRequest.objects.all()
    data = requests_io.write_xlsx(requests, title="t") if kind == "xlsx" else None
    data = data or requests_io.write_csv(requests)
    path = tmp_path / f"export.{kind}"
    path.write_bytes(data)
    # then no cell is a formula, and the text reads back as written
    if kind == "xlsx":
        sheet = openpyxl.load_workbook(path).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    else:
        assert "'=HYPERLINK" in data.decode("utf-8-sig")
    (row,) = read(path).rows
    assert (row.values["content"], row.values["applicant_name"]) == (text, "-张某")
