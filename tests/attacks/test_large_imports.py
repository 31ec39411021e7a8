"""Plans larger than any bureau's: the preview of a few hundred tasks posts thousands of fields
(Django's default stops at 1,000), and a document read as tens of thousands of tasks would hold
a worker rendering its preview."""

from django.urls import reverse

from bench.plan_text import plan_text
from plans.models import Plan, PlanImport
from tests.tasks.test_importing import log_in_office, make_bureau, pasted_as_office

UNITS = ["办公室", "人事股", "计财股"]


def test_a_plan_of_four_hundred_tasks_goes_through_the_preview_and_confirm(client, db, attempt):
    # given: the preview of a 400-item plan, as the browser posts it back (2,400 fields and more)
    text = plan_text(UNITS, items=400, year=2026, issuer="某区教育局")
    preview, data = pasted_as_office(client, make_bureau(), text)

    # when
    response = client.post(preview, data)

    # then
    attempt("large-import")
    plan = Plan.objects.get()
    assert len(data) > 2400
    assert response.url == plan.get_absolute_url()
    assert plan.tasks.count() == 400


def test_a_document_read_as_more_tasks_than_one_import_takes_is_refused_with_its_count(
    client, db, settings, attempt
):
    settings.IMPORT_MAX_TASKS = 50
    client = log_in_office(client, make_bureau())
    text = plan_text(UNITS, items=51, year=2026, issuer="某区教育局")

    response = client.post(reverse("tasks:import_start"), {"text": text})

    attempt("large-import")
    page = response.content.decode()
    assert response.status_code == 200
    assert "51" in page
    assert "50" in page
    assert not PlanImport.objects.exists()
