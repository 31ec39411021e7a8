"""Tables entered in bulk (issue 19, item 7a/b): a whole table pasted or uploaded in the shape
the report prints, previewed then confirmed, all or nothing; last year's published report
pasted as text, its tables read back for the cross-year checks."""

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from reporting import queries, services, table_entry
from reporting.formats import FORMAT_2019, FORMAT_2021, FORMATS
from reporting.grid import table_grid
from reporting.models import PublishedReport
from tests.reporting.report_data import published_table_four, published_table_three, seed_text

D = Decimal
YEAR = 2023
THREE = FORMATS[FORMAT_2021].table(3)
PINGTAN = Path(__file__).resolve().parents[2].parent / "shared/reference/reports/pingtan-2022.txt"


@pytest.fixture(autouse=True)
def english():
    """Messages compared in English, whatever language an earlier request left active."""
    with translation.override("en"):
        yield


def printed_rows(table, values) -> list[list[str]]:
    """The table as a person copies it from the printed report: headers and labels, a merged
    cell's text in its first position only (the rest blank), 0 where no value was given."""
    grid = table_grid(table).filled(values)
    rows = [[""] * grid.width for _ in range(grid.height)]
    for cell in grid.cells:
        rows[cell.row][cell.col] = cell.text
    return rows


def paste(rows) -> str:
    return "\n".join("\t".join(row) for row in rows)


def three_values() -> dict:
    """7 new (5 natural persons, 2 businesses), 1 carried over; 6 disclosed, 2 carried forward."""
    return {
        ("new", "natural_person"): D(5),
        ("new", "business"): D(2),
        ("new", "total"): D(7),
        ("carried_over", "natural_person"): D(1),
        ("carried_over", "total"): D(1),
        ("disclosed", "natural_person"): D(4),
        ("disclosed", "business"): D(2),
        ("disclosed", "total"): D(6),
        ("total", "natural_person"): D(4),
        ("total", "business"): D(2),
        ("total", "total"): D(6),
        ("carry_forward", "natural_person"): D(2),
        ("carry_forward", "total"): D(2),
    }


# --- Reading a pasted table ----


def test_a_pasted_table_three_is_read_cell_by_cell_headers_and_merged_cells_aside():
    read = table_entry.read_table(
        THREE, FORMAT_2021, table_entry.paste_rows(paste(printed_rows(THREE, three_values())))
    )
    assert read.errors == []
    assert len(read.cells) == len(THREE.cells())
    assert read.cells[("new", "business")] == 2
    assert read.cells[("total", "total")] == 6
    assert read.cells[("withheld_state_secret", "total")] == 0


def test_rows_are_recognised_whatever_their_numbering_and_width_of_brackets():
    text = (
        "(二)部分公开\t1\t0\t0\t0\t0\t0\t1\n"
        "1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0\n"
        "(七) 总计\t1\t\t\t\t\t\t1"  # blank cells are 0
    )
    read = table_entry.read_table(THREE, FORMAT_2021, table_entry.paste_rows(text))
    assert read.errors == []
    assert read.cells[("partly_disclosed", "total")] == 1
    assert read.cells[("total", "total")] == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("（一）予以公开\t1\t-1\t0\t0\t0\t0\t0", "negative"),
        ("（一）予以公开\t1.5\t0\t0\t0\t0\t0\t1.5", "whole"),
        ("（一）予以公开\t1\t0\t0\t0\t0\t0\t1\t9", "8 values for 7 columns"),
        ("（九）不存在的行\t1\t0", "not a row of table 三"),
    ],
)
def test_what_is_wrong_in_a_paste_is_said_line_by_line(line, message):
    read = table_entry.read_table(THREE, FORMAT_2021, table_entry.paste_rows(line))
    assert any(message in error for error in read.errors), read.errors


def test_2019s_change_column_may_be_negative_in_a_paste():
    two = FORMATS[FORMAT_2019].table(2)
    read = table_entry.read_table(two, FORMAT_2019, [["行政处罚", "16", "-3", "0"]])
    assert read.errors == []
    assert read.cells[("punishment", "change")] == -3


# --- Entering it: preview, confirm, all or nothing ----


@pytest.fixture
def draft(world, office_staff):
    return services.generate(services.create_draft(world.department, YEAR, by=None), by=None)


def _entry(client, draft, **data):
    return client.post(reverse("reporting:report_table_entry", args=[draft.pk]), data)


def test_the_preview_saves_nothing_and_the_confirmation_enters_every_cell(
    client, office_staff, draft
):
    client.force_login(office_staff)
    text = paste(printed_rows(THREE, three_values()))
    # when: previewed
    response = _entry(client, draft, table=3, text=text, action="preview")
    # then: shown, nothing saved
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirm" in page or "确认" in page
    assert not draft.manual_cells.exists()
    # when: confirmed
    response = _entry(client, draft, table=3, text=text, action="confirm")
    assert response.status_code == 302
    three = queries.tables_of(draft)[3]
    assert three.values[("new", "business")] == 2
    assert three.sources[("new", "business")] == "manual"
    assert draft.manual_cells.filter(table=3).count() == len(THREE.cells())
    draft.refresh_from_db()
    assert all(f.ok for f in queries.findings(draft) if f.table == 3 and f.severity == "error")


def test_a_paste_with_one_bad_cell_enters_nothing(client, office_staff, draft):
    client.force_login(office_staff)
    rows = printed_rows(THREE, three_values())
    rows[-1][-1] = "-2"  # 结转下年度继续办理 / 总计
    response = _entry(client, draft, table=3, text=paste(rows), action="confirm")
    assert response.status_code == 200
    assert "negative" in response.content.decode() or "负数" in response.content.decode()
    assert not draft.manual_cells.exists()


def test_filling_a_table_is_all_or_nothing_in_the_service(draft, office_staff):
    cells = {("new", "natural_person"): D(3), ("nope", "total"): D(1)}
    with pytest.raises(ValidationError):
        services.fill_table(draft, table=3, cells=cells, by=office_staff)
    assert not draft.manual_cells.exists()


def test_an_uploaded_xlsx_of_the_table_is_previewed_then_confirmed(client, office_staff, draft):
    client.force_login(office_staff)
    # given: table 四 as an .xlsx (its headers, then its one line of values)
    four = FORMATS[FORMAT_2021].table(4)
    values = {("cases", "review.upheld"): D(1), ("cases", "review.total"): D(1)}
    book = openpyxl.Workbook()
    for row in printed_rows(four, values):
        book.active.append([int(c) if c.isdigit() else c for c in row])  # type: ignore[union-attr]
    data = io.BytesIO()
    book.save(data)
    upload = io.BytesIO(data.getvalue())
    upload.name = "表四.xlsx"
    # when: previewed
    response = client.post(
        reverse("reporting:report_table_entry", args=[draft.pk]),
        {"table": 4, "file": upload, "action": "preview"},
    )
    # then: the preview carries the table on as text, and confirming it enters the cells
    carried = response.context["paste"]
    assert not draft.manual_cells.exists()
    _entry(client, draft, table=4, text=carried, action="confirm")
    assert queries.tables_of(draft)[4].values[("cases", "review.upheld")] == 1
    assert draft.manual_cells.filter(table=4).count() == 15


# --- Last year's report, from its published text ----


def pingtan() -> str:
    if not PINGTAN.exists():
        pytest.skip("the reference report is not here")
    return PINGTAN.read_text(encoding="utf-8")


def test_the_published_pingtan_2022_report_reads_back_as_its_text_shows():
    read = table_entry.read_published(pingtan(), FORMATS[FORMAT_2021])
    assert read.errors == []
    two, three, four = read.values[2], read.values[3], read.values[4]
    # 「行政规范性文件8855698」: 88 issued, 55 repealed, 698 in force (part 一 quotes 88 and 698)
    assert (two[("normative", "issued")], two[("normative", "repealed")]) == (88, 55)
    assert two[("normative", "in_force")] == 698
    assert two[("licensing", "decisions")] == 10690
    assert two[("punishment", "decisions")] == 2113
    assert two[("fees", "amount")] == D("9116.36")
    # 「713000074」: 71 natural persons and 3 businesses, 74 in all; 1 carried over
    assert three[("new", "natural_person")] == 71
    assert three[("new", "business")] == 3
    assert three[("new", "total")] == 74
    assert three[("carried_over", "total")] == 1
    assert three[("unavailable_not_held", "total")] == 37
    assert three[("other", "business")] == 2
    assert (three[("total", "natural_person")], three[("total", "total")]) == (72, 75)
    assert three[("carry_forward", "total")] == 0
    # 「0 1 1 0 2 1 0 0 0 1 …」: 2 复议 (1 corrected, 1 other), 1 诉讼 upheld
    assert four[("cases", "review.total")] == 2
    assert four[("cases", "review.corrected")] == 1
    assert four[("cases", "litigation_direct.upheld")] == 1
    assert sum(four.values()) == 2 * 3  # 0+1+1+0+2 and 1+0+0+0+1
    assert read.texts[5].startswith("2022年，平潭综合实验区政府信息公开工作取得了一定成绩")


def test_a_2019_seed_reads_back_as_the_published_tables():
    text = seed_text("000")
    layout = FORMATS[FORMAT_2019]
    read = table_entry.read_published(text, layout)
    assert read.errors == []
    assert read.values[4] == published_table_four(text)
    assert read.values[3] == published_table_three(text, layout.table(3))
    assert read.values[2][("punishment", "change")] == -3


@pytest.mark.parametrize(
    ("header", "printed", "amount"),
    [
        ("本年收费金额（单位：万元）", "9116.36", "9116.36"),
        ("本年收费金额（单位：元）", "91163600", "9116.36"),
        ("本年收费金额（元）", "91163612.5", "9116.36125"),
    ],
)
def test_an_amount_read_back_is_taken_in_the_unit_its_header_states(header, printed, amount):
    published = "本年收费金额（单位：万元）行政事业性收费9116.36"
    assert published in pingtan()
    text = pingtan().replace(published, f"{header}行政事业性收费{printed}")
    read = table_entry.read_published(text, FORMATS[FORMAT_2021])
    assert read.errors == []
    assert read.values[2][("fees", "amount")] == D(amount)  # the cell counts in 万元
    # a conversion is said in the preview
    said = [note for note in read.notes if "行政事业性收费" in note and amount in note]
    assert bool(said) == (printed != amount)


def test_an_amount_printed_with_its_unit_is_converted_when_read_back():
    # Seed 000 (2019): 「采购总金额」 names no unit and the report wrote 「4391575元」.
    read = table_entry.read_published(seed_text("000"), FORMATS[FORMAT_2019])
    assert read.values[2][("procurement", "amount")] == D("439.1575")
    assert read.values[2][("procurement", "projects")] == 11
    assert any("439.1575" in note for note in read.notes)


def test_a_text_that_is_no_report_is_refused():
    read = table_entry.read_published("一、总体要求和目标\n二、工作任务", FORMATS[FORMAT_2021])
    assert read.errors


def test_last_years_published_report_feeds_this_years_cross_year_checks(
    client, office_staff, world
):
    client.force_login(office_staff)
    draft = services.generate(services.create_draft(world.department, YEAR, by=None), by=None)
    assert next(
        f for f in queries.findings(draft) if f.rule == "T2-1"
    ).message  # nothing to compare
    url = reverse("reporting:report_previous", args=[draft.pk])
    # when: the 2022 report is pasted and previewed, then confirmed
    response = client.post(url, {"text": pingtan(), "action": "preview"})
    assert response.status_code == 200
    # (read right, its tables pass their own error rules)
    assert not [f for f in response.context["findings"] if f.severity == "error"]
    assert not PublishedReport.objects.exists()
    response = client.post(url, {"text": pingtan(), "action": "confirm"})
    assert response.status_code == 302
    stored = PublishedReport.objects.get(department=world.department, year=YEAR - 1)
    assert stored.values["2"]["normative|in_force"] == "698"
    # then: 现行有效 is compared with 2022's 698
    for column, value in (("issued", 10), ("repealed", 8), ("in_force", 700)):
        services.set_cell(
            draft, table=2, row="normative", column=column, value=D(value), by=office_staff
        )
    draft.refresh_from_db()
    assert next(f for f in queries.findings(draft) if f.rule == "T2-1").ok  # 698 + 10 − 8
    services.set_cell(
        draft, table=2, row="normative", column="in_force", value=D(650), by=office_staff
    )
    draft.refresh_from_db()
    in_force = next(f for f in queries.findings(draft) if f.rule == "T2-1")
    assert not in_force.ok
    assert "650 ≠ 700" in in_force.message
    # and 上年结转 with 2022's 结转下年度 (none)
    services.set_cell(
        draft, table=3, row="carried_over", column="natural_person", value=D(1), by=office_staff
    )
    draft.refresh_from_db()
    assert not next(f for f in queries.findings(draft) if f.rule == "T3-5").ok


def test_the_preview_says_what_the_checks_will_say_of_the_table(client, office_staff, draft):
    client.force_login(office_staff)
    values = three_values()
    values[("carry_forward", "natural_person")] = D(1)  # 5 + 1 ≠ 4 + 1
    response = _entry(client, draft, table=3, text=paste(printed_rows(THREE, values)))
    assert "T3-1" in {f.rule for f in response.context["findings"]}
    assert not draft.manual_cells.exists()


def test_money_entered_in_bulk_keeps_the_decimals_typed(draft, office_staff):
    # 平潭2022's 收费 9116.36 (万元) printed 9116 when a whole table was entered
    services.fill_table(draft, table=2, cells={("fees", "amount"): D("9116.36")}, by=office_staff)
    assert format(queries.tables_of(draft)[2].values[("fees", "amount")], "f") == "9116.36"


def test_an_amount_pasted_in_yuan_goes_into_a_wan_yuan_cell_as_wan_yuan():
    # seed 000's 「4391575元」 under 2019's 采购总金额, which counts in 万元
    two = FORMATS[FORMAT_2019].table(2)
    read = table_entry.read_table(two, FORMAT_2019, [["政府集中采购", "11", "4391575元"]])
    assert read.errors == []
    assert read.cells[("procurement", "amount")] == D("439.1575")
    assert read.notes
    read = table_entry.read_table(two, FORMAT_2019, [["政府集中采购", "11", "439.16万元"]])
    assert read.cells[("procurement", "amount")] == D("439.16")
