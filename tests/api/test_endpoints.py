import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from tasks.activity import post_note
from tasks.evidence import Upload
from tasks.models import Assignment, Kind, Notification, ProgressUpdate
from tasks.services import Report, record_progress
from tests.factories import make_task


def test_a_unit_sees_its_own_assignment_and_not_another_units(api_as, world, unit_head):
    api = api_as(unit_head)
    own = api.get(reverse("api:assignment_detail", args=[world.own_assignment.pk]))
    foreign = api.get(reverse("api:assignment_detail", args=[world.foreign_assignment.pk]))
    listed = api.get(reverse("api:assignment_list")).json()
    assert own.status_code == 200
    assert own.json()["unit"]["id"] == world.own_unit.pk
    assert foreign.status_code == 404
    assert [row["id"] for row in listed["results"]] == [world.own_assignment.pk]


def test_the_task_list_is_filtered_by_visibility_and_by_the_lists_filters(
    api_as, world, office_staff, unit_head
):
    url = reverse("api:task_list")
    office = api_as(office_staff).get(url).json()
    assert {t["id"] for t in office["results"]} == {world.own_task.pk, world.foreign_task.pk}
    by_unit = api_as(office_staff).get(url, {"unit": world.other_unit.pk}).json()
    assert [t["id"] for t in by_unit["results"]] == [world.foreign_task.pk]
    unit = api_as(unit_head).get(url).json()
    assert [t["id"] for t in unit["results"]] == [world.own_task.pk]
    assert (
        api_as(unit_head).get(reverse("api:task_detail", args=[world.foreign_task.pk])).status_code
        == 404
    )


def test_a_bad_filter_value_answers_400(api_as, world, office_staff):
    response = api_as(office_staff).get(reverse("api:task_list"), {"state": "nonsense"})
    assert response.status_code == 400
    assert "state" in response.json()


def test_lists_are_paginated_25_a_page_up_to_100(api_as, world, office_staff):
    for n in range(30):
        make_task(world.plan, lead=[world.own_unit], by=office_staff, text=f"任务{n}")
    api = api_as(office_staff)
    first = api.get(reverse("api:task_list")).json()
    assert (first["count"], len(first["results"])) == (32, 25)
    assert first["next"].endswith("page=2")
    assert len(api.get(reverse("api:task_list"), {"page": 2}).json()["results"]) == 7
    assert len(api.get(reverse("api:task_list"), {"page_size": 500}).json()["results"]) == 32


def test_an_assignment_shows_its_updates_with_evidence_metadata_and_download(
    api_as, world, unit_head, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    record_progress(
        world.own_assignment,
        Report(text="已公开", links=[("https://gov.example.cn/1", "通知")]),
        by=unit_head,
    )
    record_progress(
        world.own_assignment, Report(files=[Upload("证明.txt", "内容".encode())]), by=unit_head
    )
    body = api_as(unit_head).get(reverse("api:assignment_detail", args=[world.own_assignment.pk]))
    files = [f for u in body.json()["updates"] for f in u["files"]]
    links = [link for u in body.json()["updates"] for link in u["links"]]
    assert files[0]["original_name"] == "证明.txt"
    assert files[0]["size"] == len("内容".encode())
    assert files[0]["download"].endswith(reverse("tasks:evidence_download", args=[files[0]["id"]]))
    assert links == [{"url": "https://gov.example.cn/1", "title": "通知"}]


def test_submitting_through_the_api_goes_through_the_service(
    api_as, world, unit_head, office_staff, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    url = reverse("api:assignment_progress", args=[world.own_assignment.pk])
    # when
    response = api_as(unit_head).post(
        url,
        {
            "text": "已在门户网站公开",
            "submit": "true",
            "links": json.dumps([{"url": "https://gov.example.cn/2", "title": "公告"}]),
            "files": SimpleUploadedFile("说明.txt", "已公开".encode()),
        },
    )
    # then
    assert response.status_code == 201, response.content
    update = ProgressUpdate.objects.get()
    assert (update.author, update.text, update.status) == (
        unit_head,
        "已在门户网站公开",
        "submitted",
    )
    assert update.files.get().original_name == "说明.txt"
    assert update.links.get().title == "公告"
    world.own_assignment.refresh_from_db()
    assert world.own_assignment.status == Assignment.Status.SUBMITTED
    told = Notification.objects.get(recipient=office_staff)
    assert told.kind == Kind.SUBMITTED


def test_a_report_the_service_refuses_answers_400_and_saves_nothing(api_as, world, unit_head):
    url = reverse("api:assignment_progress", args=[world.own_assignment.pk])
    response = api_as(unit_head).post(url, {"text": ""}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()  # the service's message
    assert not ProgressUpdate.objects.exists()


def test_a_stale_version_is_refused(api_as, world, unit_head):
    url = reverse("api:assignment_progress", args=[world.own_assignment.pk])
    body = {"text": "x", "version": world.own_assignment.version + 5}
    response = api_as(unit_head).post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


def test_the_office_accepts_a_submission_through_the_api(api_as, world, unit_head, office_staff):
    record_progress(world.own_assignment, Report(text="完成"), submit=True, by=unit_head)
    url = reverse("api:assignment_review", args=[world.own_assignment.pk])
    response = api_as(office_staff).post(url, {"accept": True}, content_type="application/json")
    assert response.status_code == 201
    world.own_assignment.refresh_from_db()
    assert world.own_assignment.status == Assignment.Status.COMPLETED


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("api:assignment_progress", {"text": "x"}),
        ("api:assignment_progress", {"text": "x", "submit": True}),
        ("api:assignment_review", {"accept": True}),
    ],
)
def test_a_leader_reads_but_cannot_write(api_as, world, leader, name, body):
    api = api_as(leader)
    assert (
        api.get(reverse("api:assignment_detail", args=[world.own_assignment.pk])).status_code == 200
    )
    response = api.post(
        reverse(name, args=[world.own_assignment.pk]), body, content_type="application/json"
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_unit_staff_report_but_do_not_submit(api_as, world, unit_staff):
    url = reverse("api:assignment_progress", args=[world.own_assignment.pk])
    api = api_as(unit_staff)
    body = {"text": "x", "submit": True}
    assert api.post(url, body, content_type="application/json").status_code == 403
    assert api.post(url, {"text": "x"}, content_type="application/json").status_code == 201


def test_a_comment_goes_through_the_thread_and_tells_the_followers(api_as, world, unit_head):
    url = reverse("api:assignment_comment", args=[world.own_assignment.pk])
    response = api_as(unit_head).post(
        url, {"text": "请办公室审核"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert world.own_assignment.comments.get().text == "请办公室审核"
    foreign = reverse("api:task_comment", args=[world.foreign_task.pk])
    assert (
        api_as(unit_head).post(foreign, {"text": "x"}, content_type="application/json").status_code
        == 404
    )


def test_notifications_are_the_persons_own_and_are_marked_read(
    api_as, world, unit_head, office_staff
):
    record_progress(world.own_assignment, Report(text="完成"), submit=True, by=unit_head)
    office = api_as(office_staff)
    rows = office.get(reverse("api:notification_list")).json()["results"]
    assert [r["kind"] for r in rows] == ["submitted"]
    assert rows[0]["assignment"] == world.own_assignment.pk
    assert api_as(unit_head).get(reverse("api:notification_list")).json()["count"] == 0
    marked = office.post(reverse("api:notification_read"))
    assert marked.json() == {"marked": 1}
    assert not Notification.objects.filter(read_at__isnull=True, recipient=office_staff).exists()


def test_a_note_in_the_bell_is_listed_with_its_words_and_its_page(api_as, office_staff):
    # given: a note from an app above tasks (a superior's reminder of a late report)
    post_note([office_staff], note="区政府办提醒：年度报告尚未定稿。", link="/reporting/reports/")
    # when
    rows = api_as(office_staff).get(reverse("api:notification_list")).json()["results"]
    # then: no task nor assignment, its words, and where it leads
    assert len(rows) == 1
    assert rows[0]["kind"] == "reminder"
    assert rows[0]["task"] is None
    assert rows[0]["assignment"] is None
    assert rows[0]["note"] == "区政府办提醒：年度报告尚未定稿。"
    assert rows[0]["page"] == "http://testserver/reporting/reports/"


def test_the_schema_is_valid_openapi_with_every_endpoint(api_as, world, unit_head):
    response = api_as(unit_head).get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/tasks/",
        "/api/v1/assignments/{id}/progress/",
        "/api/v1/reports/{id}/",
        "/api/v1/notifications/read/",
    } <= set(schema["paths"])
    assert "bearerAuth" in schema["components"]["securitySchemes"]
    validate_schema(schema)  # raises on a schema that breaks the OpenAPI 3 JSON Schema


def test_the_docs_page_loads_its_assets_from_this_site(client, unit_head):
    client.force_login(unit_head)
    page = client.get(reverse("api:docs")).content.decode()
    assert "swagger-ui" in page
    assert "https://" not in page.split("<body>")[0]
