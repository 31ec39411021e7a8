"""Two people edit one object at once: the second save is refused with what changed, never
silently reverting the first; saved again knowingly, it goes through."""

import pytest
from django.urls import reverse

from bench.posted import as_posted
from reporting import services
from tests.factories import UserFactory, make_request, make_review_case

# kind -> (url name, the field the first person changes, the field the second changes)
EDITS = {
    "task": ("tasks:task_update", ("title", "第一人改的标题"), ("text", "第二人改的任务内容。")),
    "plan": (
        "plans:plan_update",
        ("title", "第一人改的方案名称"),
        ("issuer", "第二人改的发文机关"),
    ),
    "request": ("registers:request_update", ("applicant_name", "张三"), ("note", "第二人的备注")),
    "reviewcase": ("registers:reviewcase_update", ("reference", "(2026)复1号"), ("note", "第二人")),
}


def object_of(kind: str, world):
    return {
        "task": lambda: world.own_task,
        "plan": lambda: world.plan,
        "request": lambda: make_request(world.department),
        "reviewcase": lambda: make_review_case(world.department),
    }[kind]()


@pytest.mark.parametrize("kind", list(EDITS))
def test_the_second_of_two_edits_at_once_is_refused_with_what_changed(
    client, world, office_staff, kind, attempt
):
    # given: two office staff open the same edit page
    url_name, (first_field, first_value), (second_field, second_value) = EDITS[kind]
    obj = object_of(kind, world)
    url = reverse(url_name, args=[obj.pk])
    colleague = UserFactory(department=world.department, unit=office_staff.unit, role="office")
    client.force_login(office_staff)
    mine = as_posted(client.get(url).context["form"])
    client.force_login(colleague)
    theirs = as_posted(client.get(url).context["form"])
    # the colleague saves first
    theirs[first_field] = first_value
    assert client.post(url, theirs).status_code == 302

    # when: the first person saves a change of another field
    client.force_login(office_staff)
    mine[second_field] = second_value
    refused = client.post(url, mine)

    # then: refused, the colleague's change stands, the person's entry is still in the form
    attempt("lost-update")
    obj.refresh_from_db()
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "在您打开之后有人保存了" in page
    assert first_value in page
    assert getattr(obj, first_field) == first_value
    assert getattr(obj, second_field) != second_value
    assert refused.context["form"][second_field].value() == second_value

    # and when: saved again, now knowing
    again = client.post(url, as_posted(refused.context["form"]))

    # then
    obj.refresh_from_db()
    assert again.status_code == 302
    assert (getattr(obj, first_field), getattr(obj, second_field)) == (first_value, second_value)


def test_requests_and_review_cases_keep_who_changed_what(client, world, office_staff):
    # given
    request = make_request(world.department, by=office_staff)
    case = make_review_case(world.department, by=office_staff)
    client.force_login(office_staff)

    # when: each edited through its page
    for url_name, obj, field, value in [
        ("registers:request_update", request, "applicant_name", "李四"),
        ("registers:reviewcase_update", case, "reference", "(2026)复2号"),
    ]:
        url = reverse(url_name, args=[obj.pk])
        data = as_posted(client.get(url).context["form"])
        data[field] = value
        assert client.post(url, data).status_code == 302

    # then: the pages show the change and who made it
    page = client.get(reverse("registers:request_detail", args=[request.pk])).content.decode()
    assert "李四" in page
    assert str(office_staff) in page
    assert request.history.count() == 2
    assert case.history.first().history_user == office_staff


def test_a_report_part_saved_over_a_colleagues_later_save_is_refused_and_the_text_kept(
    client, world, office_staff, attempt
):
    # given: a draft report, its part 五 open on two office staff's screens
    draft = services.generate(
        services.create_draft(world.department, 2026, by=office_staff), by=None
    )
    section = draft.sections.get(number=5)
    url = reverse("reporting:report_section", args=[section.pk])
    shown = {f"s{section.pk}-text": section.text, f"s{section.pk}-seen": section.text}
    colleague = UserFactory(department=world.department, unit=office_staff.unit, role="office")
    client.force_login(colleague)
    client.post(url, {**shown, f"s{section.pk}-text": "同事改写的第五部分。"})

    # when: the first person saves their own text, started from what they were shown
    client.force_login(office_staff)
    refused = client.post(url, {**shown, f"s{section.pk}-text": "我改写的第五部分。"})

    # then: the colleague's text stands, and the person's is in the box with why
    attempt("lost-update")
    section.refresh_from_db()
    page = refused.content.decode()
    assert refused.status_code == 200
    assert section.text == "同事改写的第五部分。"
    assert "我改写的第五部分。" in page
    assert "在您打开之后" in page

    # and when: saved again from that page
    form = refused.context["parts"][4]["form"]
    again = client.post(url, {k: form.data[k] for k in shown})

    # then
    section.refresh_from_db()
    assert again.status_code == 302
    assert section.text == "我改写的第五部分。"
