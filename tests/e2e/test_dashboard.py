"""The office dashboard in a real Chromium, on the demo data: a desk screen and a phone."""

from tasks.demo import DEMO_PASSWORD

from .conftest import screenshot


def test_the_dashboard_reads_at_a_desk_and_on_a_phone(demo, login, live_server):
    # One test: the demo is loaded once (a second transactional test would find the metric
    # catalogue flushed).
    dashboard = f"{live_server.url}/reporting/dashboard/"

    # given: the office at a 1366×768 desk screen
    office = login("office", DEMO_PASSWORD)

    # when: it opens the dashboard from the top bar
    office.click("nav a[href='/reporting/dashboard/']")
    office.wait_for_selector("svg.chart")
    screenshot(office, "dashboard-1366x768")

    # then: the figures, the units' table and the three pictures are there, nothing overflows
    assert office.locator(".tiles .tile").count() >= 12
    assert office.locator("table.units tbody tr").count() >= 3
    assert office.locator("svg.chart").count() == 3
    assert office.evaluate("document.documentElement.scrollWidth") <= 1366

    # when: it follows the overdue tasks figure
    tile = office.locator(".tile.alert a").first
    expected = int(tile.locator("strong").inner_text())
    tile.click()
    office.wait_for_load_state()

    # then: the task list shows as many tasks
    assert "/tasks/?" in office.url
    assert office.locator("table tbody tr:not(:has(td[colspan]))").count() == min(expected, 25)

    # when: the office opens the month's progress brief (通报)
    office.go_back()
    office.click("a:has-text('通报')")
    office.wait_for_selector("article.brief")
    screenshot(office, "progress-brief")

    # then: the units behind schedule are listed, and the .docx is a click away
    assert office.locator("article.brief table tbody tr").count() >= 1
    with office.expect_download() as download_info:
        office.click("a[href*='/reporting/brief/docx/']")
    assert download_info.value.suggested_filename.endswith(".docx")

    # when: the leader opens it on a phone
    leader = login("leader", DEMO_PASSWORD, width=390, height=844)
    leader.goto(dashboard)
    leader.wait_for_selector("svg.chart")
    screenshot(leader, "dashboard-phone")

    # then: it fits the screen's width
    assert leader.evaluate("document.documentElement.scrollWidth") <= 390

    # when: 社管办's head opens it on a phone
    head = login("head", DEMO_PASSWORD, width=390, height=844)
    head.goto(dashboard)
    head.wait_for_selector("svg.chart")
    screenshot(head, "dashboard-unit-phone")

    # then: only 社管办's standing
    assert head.locator("table.units tbody tr").count() == 1
    assert "社管办" in head.locator("table.units").inner_text()
    assert head.evaluate("document.documentElement.scrollWidth") <= 390
