"""A section head completes the whole loop on the demo data, in a real Chromium."""

from tasks.demo import DEMO_PASSWORD
from tasks.models import Assignment, Reminder

from .conftest import screenshot

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_section_head_reports_submits_and_the_office_signs_off(demo, login, tmp_path):
    # given: 社管办's head and its assignment on the online-services task
    assignment = Assignment.objects.get(unit__short_name="社管办", task__text__contains="办事指南")
    evidence = tmp_path / "办事指南修订说明.pdf"
    evidence.write_bytes(PDF)
    head = login("head", DEMO_PASSWORD)

    # when: he reports with a file, a link and a figure, and submits
    head.click("nav a[href='/assignments/']")  # the unit's to-do list
    head.click(f"a[href='/assignments/{assignment.pk}/']")
    head.fill("textarea[name=p-text]", "已修订办事指南32项，全部在网上办事大厅公开。")
    head.fill("input[name=p-summary]", "修订并公开办事指南32项。")
    head.set_input_files("input[name=p-files]", str(evidence))
    head.fill("input[name=link-0-url]", "https://www.example.gov.cn/bszn/index.html")
    head.fill("input[name=link-0-title]", "办事指南专栏")
    head.select_option("select[name=fig-0-metric]", label="主动公开政府信息（条）")
    head.fill("input[name=fig-0-value]", "32")
    asked: list[str] = []
    head.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    head.click("button[name=action][value=submit]")
    screenshot(head, "assignment-submitted")
    assert asked == ["提交给办公室审核吗？"]  # evidence attached: the plain question

    # then: it is submitted, with its evidence on the page
    assert head.locator(".pagehead .badge.status-submitted").count() == 1
    assert head.locator(".evidence a", has_text="办事指南修订说明.pdf").count() == 1
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED

    # when: the office returns it, asking for the portal's second column too
    office = login("office", DEMO_PASSWORD)
    office.click("a[href='/review/']")
    screenshot(office, "review-queue")
    office.click(f"a[href='/assignments/{assignment.pk}/']")
    office.fill("textarea[name=r-comment]", "请补充政务服务网的专栏链接。")
    office.click("button[name=action][value=return]")

    # then: the head starts again from his last report, adds a second link and resubmits
    head.reload()
    assert (
        head.input_value("textarea[name=p-text]") == "已修订办事指南32项，全部在网上办事大厅公开。"
    )
    assert (
        head.input_value("input[name=link-0-url]") == "https://www.example.gov.cn/bszn/index.html"
    )
    head.click("fieldset[data-formset=link] button[data-add]")
    head.fill("input[name=link-1-url]", "https://zwfw.example.gov.cn/bszn/")
    head.click("button[name=action][value=submit]")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED
    assert head.locator(".evidence a", has_text="zwfw.example.gov.cn").count() == 1

    # when: the office accepts it
    office.reload()
    office.fill("textarea[name=r-comment]", "材料齐全，予以销号。")
    office.click("button[name=action][value=accept]")

    # then: completed, and the head downloads his file under its own name
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.COMPLETED
    head.reload()
    assert head.locator(".pagehead .badge.status-completed").count() == 1
    with head.expect_download() as download_info:
        head.click(".evidence a:has-text('办事指南修订说明.pdf')")
    download = download_info.value
    assert download.suggested_filename == "办事指南修订说明.pdf"
    assert open(download.path(), "rb").read() == PDF  # noqa: SIM115

    # and: the office reminds every unit of 社管办's tasks nobody has started, in one go
    listed = f"/tasks/?unit={assignment.unit_id}&state=not_started"
    office.goto(office.url.split("/assignments/")[0] + listed)
    office.check("input[data-select-all]")  # the header's box ticks the page's rows
    ticked = office.locator("input[name=task]:checked").count()
    assert ticked == office.locator("input[name=task]").count() > 0
    office.on("dialog", lambda dialog: dialog.accept())
    office.click("button[name=action][value=urge]")
    assert office.locator(".message.success").inner_text().startswith("已催办")
    assert office.url.endswith(listed)  # back on the list as it was filtered
    assert Reminder.objects.filter(rule=Reminder.Rule.MANUAL).count() >= ticked
