"""The office drafts the year-end report on the demo data, in a real Chromium, with a real
Celery worker generating it."""

from docx import Document

from org.models import Department
from registers.demo import load_demo_registers
from reporting import queries
from reporting.models import ReportDraft
from tasks import demo as tasks_demo
from tasks.demo import DEMO_PASSWORD
from tasks.models import Metric

from .conftest import screenshot

YEAR = 2026
GENERATED = 90_000  # ms: the worker starts, then generates
NO_SOURCE = "enforcement|decisions"  # 行政强制 本年处理决定数量
PART_FIVE = "一是依申请公开答复质量有待提高。\n二是部分股室报送总结不够及时。"


def _wait_until_generated(page) -> None:
    """The page polls the job's progress and reloads when it is done: the bar is gone."""
    page.wait_for_selector("#generation-progress", state="hidden", timeout=GENERATED)


def test_the_office_drafts_edits_and_downloads_the_year_end_report(
    demo, login, start_celery_worker
):
    # given: the demo bureau's registers (the demo draft itself is what the office makes here);
    # in the 2021 format the metric catalogue feeds every cell of table 二, so one cell is left
    # without a data source by taking its metric out (as for a bureau without 行政强制 powers)
    department = Department.objects.get(name=tasks_demo.DEPARTMENT)
    load_demo_registers(department, YEAR)
    Metric.objects.filter(department=None, report_cell=f"t2.{NO_SOURCE.replace('|', '.')}").delete()
    office = login("office", DEMO_PASSWORD)

    # when: the office opens the year-end reports and creates the year's draft
    office.click("nav a[href='/reporting/reports/']")
    office.fill("input[name=year]", str(YEAR))
    office.click("form button[type=submit].primary")

    # then: the job is queued and the page shows its progress bar until a worker takes it
    office.wait_for_selector("#generation-progress", state="visible")
    draft = ReportDraft.objects.get(department=department, year=YEAR)
    assert draft.generation == ReportDraft.Generation.QUEUED
    start_celery_worker()
    _wait_until_generated(office)
    draft.refresh_from_db()
    assert draft.generation == ReportDraft.Generation.DONE, draft.generation_error
    three = office.locator(".report-table-3")
    total = queries.tables_of(draft)[3].values[("new", "total")]
    assert three.locator("td[data-cell='new|total']").inner_text().strip() == str(total)
    assert office.locator(".report-table-2").count() == office.locator(".report-table-4").count()

    # when: the office rewrites part 五 and saves it
    office.fill("#part-5 textarea", PART_FIVE)
    office.click("#part-5 button[name=action][value=save]")
    office.wait_for_load_state()

    # then: after regenerating, the edit is kept
    office.click("#generation button.primary")  # Regenerate
    _wait_until_generated(office)
    assert office.locator("#part-5 textarea").input_value() == PART_FIVE
    assert office.locator("#part-5 .badge").count() == 1  # edited
    assert draft.sections.get(number=5).text == PART_FIVE

    # when: it enters by hand the cell of table 二 that nothing feeds
    cell = office.locator(".report-table-2 td.missing").get_attribute("data-cell")
    assert cell == NO_SOURCE
    office.select_option("#part-2 select[name=t2-cell]", value=cell)
    office.fill("#part-2 input[name=t2-value]", "3")
    office.click("#part-2 .cell-form button[type=submit]")
    office.wait_for_load_state()

    # then: the cell shows the number, marked as entered by hand
    entered = office.locator(f".report-table-2 td[data-cell='{cell}']")
    assert "manual" in entered.get_attribute("class")
    assert entered.inner_text().split()[0] == "3"
    assert entered.locator(".badge").count() == 1
    screenshot(office, "report-draft")

    # when: it downloads the draft as .docx
    with office.expect_download() as download_info:
        office.click("a[href$='/export/docx/']")
    download = download_info.value

    # then: the document has the report's title and table 三 with its official corner text
    content = queries.content(draft)
    assert download.suggested_filename == f"{content.title}.docx"
    document = Document(download.path())
    assert document.paragraphs[0].text == "\n".join(content.printed_title)  # broken after the name
    corner = content.format.table(3).blocks[0].corner
    assert document.tables[1].cell(0, 0).text == corner
