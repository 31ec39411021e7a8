"""The office imports a real plan in Chromium: a preview short enough to check, answered with
one control per kind of warning and one unit picker per phrase."""

import datetime
from pathlib import Path

import pytest

from plans.models import Plan
from tasks.demo import DEMO_PASSWORD, PLAN_TEXT
from tasks.models import Assignment

from .conftest import screenshot

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"
SEED = REFERENCE / "seeds" / "001_72e004eb4b2b80e7.txt"
# The largest of the eighteen reference plans (11 tasks, no unit named anywhere).
LEDGER = REFERENCE / "plans" / "18-tianchang-minzhengju-2023-05-zwgk-wancheng-qingkuang.txt"
# Page heights at 1366×768 before the compact preview: seed 7,192 px, demo plan 6,142 px,
# ledger 5,741 px. The compact one must stay well under them.
MOST = {SEED: 3600, PLAN_TEXT: 3000, LEDGER: 2600}


def open_preview(page, live_server, text: str) -> int:
    """Paste ``text`` into the import page; the preview's height in pixels."""
    page.goto(f"{live_server.url}/plans/import/")
    page.fill("textarea[name=text]", text)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.mark.parametrize("path", [SEED, PLAN_TEXT, LEDGER], ids=["seed", "demo", "ledger"])
def test_the_preview_of_a_real_plan_stays_short(demo, login, live_server, path):
    if not path.exists():
        pytest.skip(f"the plan is not on this machine ({path})")
    office = login("office", DEMO_PASSWORD)

    height = open_preview(office, live_server, path.read_text())

    screenshot(office, f"import-preview-{path.stem[:12]}")
    assert office.locator("table.drafts tbody tr[id^=task-]").count() > 0
    assert height < MOST[path], height


def test_the_office_answers_each_kind_once_and_confirms(demo, login, live_server):
    if not SEED.exists():
        pytest.skip(f"the seed plan is not on this machine ({SEED})")
    office = login("office", DEMO_PASSWORD)
    open_preview(office, live_server, SEED.read_text())

    # when: every undated task gets 31 October, 各承办股室 means 教育股 and 督导室
    block = office.locator("#check-no_deadline")
    block.locator("summary").click()
    assert block.locator(".task-links a").count() == 12
    block.get_by_label("下列日期").check()
    block.locator("input[name=undated-date]").fill("2018-10-31")
    picker = office.locator("fieldset.pick", has_text="各承办股室")
    picker.get_by_label("暂不指定，逐项任务再定").uncheck()
    picker.get_by_label("教育股").check()
    picker.get_by_label("督导室").check()
    office.click("button[type=submit].primary")
    office.wait_for_load_state()

    # then: the plan is made with those answers
    plan = Plan.objects.get(number="泉丰教〔2018〕137号")
    assert office.url.endswith(plan.get_absolute_url())
    tasks = list(plan.tasks.all())
    assert {t.due_date for t in tasks[:12]} == {datetime.date(2018, 10, 31)}
    for task in (tasks[8], tasks[10]):
        units = set(task.assignments.values_list("unit__name", "role"))
        assert {("教育股", Assignment.Role.SUPPORT), ("督导室", Assignment.Role.SUPPORT)} <= units


def test_the_health_office_places_its_task_from_above_while_importing_its_plan(
    demo, login, live_server
):
    # given: 区卫健局 has the district's task still waiting (tasks.demo)
    office = login("health", DEMO_PASSWORD)
    open_preview(
        office,
        live_server,
        "泉州市丰泽区卫生健康局2026年政务公开工作要点\n一、重点领域公开\n"
        "做好医疗卫生领域信息公开，2026年6月30日前完成（责任科室：医政科）。\n",
    )
    # when: placed under the plan's first heading, 疾控科 leading
    above = office.locator("#above fieldset.placing")
    assert above.count() == 1
    above.get_by_label("放入").select_option(label="一、重点领域公开")
    above.locator("summary").click()
    above.get_by_label("疾控科").check()
    with office.expect_navigation():
        office.click("button[type=submit].primary")
    # then
    plan = Plan.objects.get(title="泉州市丰泽区卫生健康局2026年政务公开工作要点")
    assert office.url.endswith(plan.get_absolute_url())
    task = plan.tasks.get(upstream__isnull=False)
    assert str(task.heading) == "一、重点领域公开"
    assert list(task.assignments.values_list("unit__short_name", flat=True)) == ["疾控科"]
