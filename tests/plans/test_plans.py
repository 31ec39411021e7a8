"""Plans through the office's pages: creating one, its status, and its change history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from org.history import history_rows
from plans.models import Plan
from plans.services import change_plan_status, save_plan
from tests.factories import PlanFactory, make_task


def plan_data(**overrides) -> dict:
    return {
        "title": "丰泽区教育局2026年政务公开工作实施方案",
        "year": 2026,
        "number": "泉丰教〔2026〕58号",
        "issuer": "泉州市丰泽区教育局",
        "issued_on": "2026-03-16",
        "upstream": "泉丰政办〔2026〕21号",
        **overrides,
    }


def zh(message: str) -> str:
    """The message as the pages show it (the interface speaks Simplified Chinese)."""
    with translation.override("zh-hans"):
        return gettext(message)


def test_office_staff_create_a_plan_in_their_own_department(office_client, world, office_staff):
    response = office_client.post(
        reverse("plans:plan_create"),
        # A forged department is ignored: the field is the office's own.
        {**plan_data(), "department": world.other_department.pk},
    )

    plan = Plan.objects.get(number="泉丰教〔2026〕58号")
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert (plan.department, plan.status, plan.year) == (world.department, "draft", 2026)
    assert plan.history.get().history_user == office_staff


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "   ", "required"),
        ("title", "", "required"),
        ("title", "方" * 201, "max_length"),
        ("year", 1999, None),
        ("year", 2101, None),
        ("year", "二〇二六", "invalid"),
    ],
)
def test_a_plan_with_a_bad_field_is_refused_next_to_that_field(
    office_client, world, field, value, code
):
    # given
    before = Plan.objects.count()
    # when
    response = office_client.post(reverse("plans:plan_create"), plan_data(**{field: value}))
    # then
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    if code:
        assert [e.code for e in form.errors.as_data()[field]] == [code]
    message = form.errors[field][0]
    assert f'<p class="field-error" role="alert">{message}</p>' in response.content.decode()
    assert Plan.objects.count() == before


def test_an_over_long_title_says_how_long_a_title_may_be(office_client, world):
    response = office_client.post(reverse("plans:plan_create"), plan_data(title="方" * 201))

    expected = zh("The title is too long (at most %(limit_value)d characters).") % {
        "limit_value": 200
    }
    assert response.context["form"].errors["title"] == [expected]


def test_a_duplicate_document_number_is_refused_on_the_number_field(office_client, world):
    # given
    PlanFactory(department=world.department, number="泉丰教〔2026〕58号")
    before = Plan.objects.count()
    # when
    response = office_client.post(reverse("plans:plan_create"), plan_data())
    # then
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["number"] == [zh("A plan with this document number already exists.")]
    assert form.non_field_errors() == []
    assert Plan.objects.count() == before


def test_the_same_number_in_another_department_is_allowed(office_client, world):
    PlanFactory(department=world.other_department, number="泉丰教〔2026〕58号")

    response = office_client.post(reverse("plans:plan_create"), plan_data())

    assert response.status_code == 302
    assert Plan.objects.filter(number="泉丰教〔2026〕58号").count() == 2


def test_editing_a_plan_keeps_its_own_number(office_client, world):
    url = reverse("plans:plan_update", args=[world.plan.pk])
    data = plan_data(number=world.plan.number, title="改过的标题")

    response = office_client.post(url, data)

    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.title == "改过的标题"


def post_status(client, plan: Plan, status: str):
    return client.post(reverse("plans:plan_status", args=[plan.pk]), {"status": status})


def test_a_plan_goes_from_draft_to_issued_to_closed(office_client, world, office_staff):
    # given
    plan = PlanFactory(department=world.department, status=Plan.Status.DRAFT)
    make_task(plan, lead=[world.own_unit], by=office_staff)
    # when / then
    for status in ("issued", "closed"):
        response = post_status(office_client, plan, status)
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.status == status


def test_a_plan_with_no_task_cannot_be_issued(office_client, world):
    # given
    plan = PlanFactory(department=world.department, status=Plan.Status.DRAFT)
    # when
    response = post_status(office_client, plan, "issued")
    # then
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [zh("A plan with no tasks cannot be issued.")]


def test_a_draft_plan_cannot_be_closed_directly(world, office_staff):
    plan = PlanFactory(department=world.department, status=Plan.Status.DRAFT)
    make_task(plan, lead=[world.own_unit], by=office_staff)

    with translation.override("en"), pytest.raises(ValidationError, match="cannot go from"):
        change_plan_status(plan, to=Plan.Status.CLOSED, by=office_staff)

    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_an_unknown_status_changes_nothing(office_client, world):
    response = post_status(office_client, world.plan, "archived")

    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.ISSUED
    assert [str(m) for m in response.wsgi_request._messages] == [zh("Unknown status.")]


def test_unit_people_cannot_see_a_draft_plan_until_it_is_issued(
    client, world, office_staff, unit_head
):
    # given
    plan = PlanFactory(department=world.department, status=Plan.Status.DRAFT, title="草稿方案")
    make_task(plan, lead=[world.own_unit], by=office_staff)
    client.force_login(unit_head)
    # when / then
    assert client.get(reverse("tasks:plan_detail", args=[plan.pk])).status_code == 404
    assert "草稿方案" not in client.get(reverse("plans:plan_list")).content.decode()
    change_plan_status(plan, to=Plan.Status.ISSUED, by=office_staff)
    assert client.get(reverse("tasks:plan_detail", args=[plan.pk])).status_code == 200
    assert "草稿方案" in client.get(reverse("plans:plan_list")).content.decode()


def test_history_rows_say_who_changed_which_field_from_what_to_what(world, office_staff):
    # given
    office_staff.full_name = "林晓雯"
    office_staff.save()
    plan = save_plan(
        PlanFactory.build(department=world.department, title="旧标题", status="draft"), by=None
    )
    # when
    plan.title = "新标题"
    save_plan(plan, by=office_staff)
    make_task(plan, lead=[world.own_unit], by=office_staff)
    change_plan_status(plan, to=Plan.Status.ISSUED, by=office_staff)
    # then
    with translation.override("en"):
        newest, retitled, created = history_rows(plan)
        assert (str(created.kind), created.who, created.changes) == ("created", None, [])
        assert retitled.who == office_staff
        assert [(str(c.field), c.old, c.new) for c in retitled.changes] == [
            ("title", "旧标题", "新标题")
        ]
        # Choices show their labels, not their stored values.
        assert [(str(c.field), str(c.old), str(c.new)) for c in newest.changes] == [
            ("status", "draft", "issued")
        ]


def test_a_plan_whose_history_was_pruned_still_shows_its_page(office_client, world):
    # given: no history rows (pruned with clean_old_history, or rows bulk-made by a migration)
    world.plan.history.all().delete()
    # when
    response = office_client.get(reverse("tasks:plan_detail", args=[world.plan.pk]))
    # then
    assert response.status_code == 200
    assert history_rows(world.plan) == []


def test_history_appears_on_the_plan_page_with_the_persons_name(office_client, world, office_staff):
    # given
    office_staff.full_name = "林晓雯"
    office_staff.save()
    office_client.post(
        reverse("plans:plan_update", args=[world.plan.pk]),
        plan_data(number=world.plan.number, title="改过的标题"),
    )
    # when
    response = office_client.get(reverse("tasks:plan_detail", args=[world.plan.pk]))
    # then
    page = response.content.decode()
    history = page[page.index('<section class="history">') :]
    assert "林晓雯" in history
    assert "改过的标题" in history
    assert response.context["history"][0].who == office_staff
