"""People are told what happened, in a real Chromium: a submission reaches the office's bell and
its review count, a comment's @mention reaches its addressee, and each person picks how to hear."""

from tasks.demo import DEMO_PASSWORD
from tasks.models import Assignment, Kind, NotificationChoice

from .conftest import screenshot


def test_the_office_hears_of_a_submission_and_the_head_of_a_mention(demo, login, live_server):
    # given: 社管办's head and one of its assignments
    assignment = Assignment.objects.get(unit__short_name="社管办", task__text__contains="办事指南")
    page = f"/assignments/{assignment.pk}/"
    head = login("head", DEMO_PASSWORD)
    office = login("office", DEMO_PASSWORD)
    waiting = int(office.locator("nav a[href='/review/'] .count").inner_text() or 0)

    # when: the head submits
    head.goto(live_server.url + page)
    head.fill("textarea[name=p-text]", "办事指南已全部修订并公开。")
    head.on("dialog", lambda dialog: dialog.accept())
    head.click("button[name=action][value=submit]")

    # then: the office's menu counts one more submission awaiting review, and its bell says who
    office.reload()
    assert int(office.locator("nav a[href='/review/'] .count").inner_text()) == waiting + 1
    assert office.locator(".bell .count").count() == 1
    office.click(".bell")
    screenshot(office, "notifications-office")
    assert office.locator(".notifications li.unread", has_text="提交了社管办的工作").count() >= 1

    # when: the office asks a question in the assignment's thread, addressing the head by the
    # name button under the box
    office.click(f".notifications a[href='{page}']")
    office.click(".mention-list button[data-mention]:has-text('黄志明')")
    office.locator("textarea[name=c-text]").press("End")
    office.locator("textarea[name=c-text]").type("请补充修订清单。")
    office.click("button[name=action][value=comment]")

    # then: the thread shows it, and the head's bell tells him he was mentioned
    assert office.locator(".thread li", has_text="请补充修订清单。").count() == 1
    head.reload()
    head.click(".bell")
    screenshot(head, "notifications-head")
    assert head.locator(".notifications li.unread", has_text="提及了您").count() == 1

    # and: he chooses to hear of comments in the daily digest only
    head.click("a[href='/notifications/settings/']")
    head.check("input[name=kind_comment][value=daily]")
    head.click("form.notification-settings button[type=submit]")
    assert head.locator(".message.success").inner_text() == "通知设置已保存。"
    chosen = NotificationChoice.objects.get(user__username="head", kind=Kind.COMMENT)
    assert chosen.delivery == "daily"
