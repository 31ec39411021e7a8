"""Lists keep their rendered filter form and table under a key made of what they show
(org.rendering): a page seen again is not rendered again, and no change ever shows stale."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from org import rendering
from org.models import Unit
from plans.models import Plan
from tasks.models import Assignment, Task

TASK_LIST = reverse("tasks:task_list")
ASSIGNMENT_LIST = reverse("tasks:assignment_list")
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def fragments(response) -> dict[str, str | None]:
    """The cached HTML of the page's two fragments, by the keys the page made for them."""
    table = response.context["table"]
    # The key is made from the page's rows before they are read as objects: read them anew.
    table.paginated_rows.data = table.paginated_rows.data.all()
    table = rendering.content_key(table, response.wsgi_request.get_full_path())
    form = rendering.content_key(response.context["filter"].form)
    return {
        "list_table": cache.get(make_template_fragment_key("list_table", [table])),
        "list_filter": cache.get(make_template_fragment_key("list_filter", [form])),
    }


def test_a_list_seen_again_is_served_from_its_kept_fragments(office_client, world):
    # when
    first = office_client.get(TASK_LIST)
    with CaptureQueriesContext(connection) as queries_first:
        second = office_client.get(TASK_LIST)
    # then: both fragments are kept, and the second page is made of them
    kept = fragments(first)
    assert world.own_task.text in kept["list_table"]
    assert world.own_unit.short_name in kept["list_filter"]
    assert kept["list_table"] in second.content.decode()
    assert kept["list_filter"] in second.content.decode()
    # the rows are still read on every request (it is their content that names the fragment);
    # rendering afresh reads them again as objects: the form's two choice lists, the page's
    # tasks and their assignments
    cache.clear()
    with CaptureQueriesContext(connection) as queries_cold:
        office_client.get(TASK_LIST)
    assert len(queries_cold) == len(queries_first) + 4


def test_a_changed_task_shows_at_once(office_client, world):
    office_client.get(TASK_LIST)
    # when: changed behind the app's back, as a bulk update or another process would
    Task.objects.filter(pk=world.own_task.pk).update(text="改过的任务")
    Assignment.objects.filter(task=world.own_task).update(status=Assignment.Status.COMPLETED)
    Plan.objects.filter(pk=world.plan.pk).update(title="改过名的方案")
    # then: the row itself, a count annotated on it, the plan selected with it
    page = office_client.get(TASK_LIST).content.decode()
    assert "改过的任务" in page
    assert '<meter min="0" max="2" value="2">' in page
    assert "改过名的方案" in page


def test_a_renamed_unit_shows_at_once_in_the_rows_and_the_filter(office_client, world):
    office_client.get(TASK_LIST)
    Unit.objects.filter(pk=world.own_unit.pk).update(short_name="社会事业办")
    page = office_client.get(TASK_LIST).content.decode()
    assert "社管办" not in page
    assert page.count("社会事业办") >= 2  # the lead units' cell and the filter's option


def test_the_chosen_filter_value_and_the_language_are_part_of_the_key(office_client, world):
    chosen = office_client.get(f"{TASK_LIST}?unit={world.own_unit.pk}").content.decode()
    assert f'<option value="{world.own_unit.pk}" selected>' in chosen
    assert f'<option value="{world.own_unit.pk}" selected>' not in (
        office_client.get(TASK_LIST).content.decode()
    )
    english = office_client.get(TASK_LIST, headers={"accept-language": "en"}).content.decode()
    chinese = office_client.get(TASK_LIST, headers={"accept-language": "zh-hans"}).content.decode()
    assert "完成时限" in chinese  # the deadline column's heading
    assert "完成时限" not in english


def test_the_overdue_mark_follows_the_day(office_client, world):
    def page_on(day: datetime.date) -> str:
        at = datetime.datetime.combine(day, datetime.time(9), TZ)
        with time_machine.travel(at, tick=False):
            return office_client.get(TASK_LIST).content.decode()

    due = world.own_task.due_date
    before, after = page_on(due), page_on(due + datetime.timedelta(days=1))
    marked = re.compile(r'<tr [^>]*class="[^"]*overdue')
    assert not marked.search(before)
    assert marked.search(after)


def test_a_unit_list_keeps_its_fragments_too_and_follows_its_task_and_plan(
    client, unit_head, world
):
    client.force_login(unit_head)
    response = client.get(ASSIGNMENT_LIST)
    assert world.own_task.text in fragments(response)["list_table"]
    # the task and its plan are selected two levels deep with each assignment
    Task.objects.filter(pk=world.own_task.pk).update(text="改过的任务")
    Plan.objects.filter(pk=world.plan.pk).update(title="改过名的方案")
    page = client.get(ASSIGNMENT_LIST).content.decode()
    assert "改过的任务" in page
    assert "改过名的方案" in page


def test_keys_differ_by_content_and_ignore_identity(world):
    task = Task.objects.get(pk=world.own_task.pk)
    same = Task.objects.get(pk=world.own_task.pk)
    assert rendering.content_key(task) == rendering.content_key(same)
    same.text = "另一项"
    assert rendering.content_key(task) != rendering.content_key(same)


def test_the_dashboard_s_units_table_follows_the_figures(office_client, world):
    url = f"{reverse('reporting:dashboard')}?year={world.plan.year}"

    def units_table() -> str:
        page = office_client.get(url).content.decode()
        return re.search(r'<table class="table compact units".*?</table>', page, re.S).group(0)

    before = units_table()
    # when: 社管办 completes its part
    Assignment.objects.filter(pk=world.own_assignment.pk).update(status=Assignment.Status.COMPLETED)
    # then: the kept table is the one a fresh rendering makes, not the one before
    after = units_table()
    cache.clear()
    assert after != before
    assert after == units_table()
