"""The re-cut of issue 22 moved tables between apps: the registers from reporting to registers,
the calendar, reminder policy and digests from tasks to core. A database holding rows of each
before the moves holds all of them after, in the new apps' tables, with their content types; the
request digests already sent are in the one delivery log; and the moves can be undone."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("registers", None),
    ("core", None),
    ("reporting", "0002_registers_keep_history"),
    ("tasks", "0007_calendar_days_of_departments"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.fixture
def before_the_move(transactional_db):
    yield migrate(BEFORE)
    migrate(latest())  # as the other tests need


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_every_row_is_kept_across_the_moves(before_the_move):
    apps = before_the_move
    Department = apps.get_model("org", "Department")
    Request = apps.get_model("reporting", "DisclosureRequest")
    HistoricalRequest = apps.get_model("reporting", "HistoricalDisclosureRequest")
    Case = apps.get_model("reporting", "ReviewCase")
    Reminder = apps.get_model("reporting", "RequestReminder")
    ContentType.objects.clear_cache()
    old_type, _ = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="reporting", model="disclosurerequest"
    )
    department = Department.objects.create(name="迁移测试局")
    request = Request.objects.create(
        department=department,
        channel="online",
        received_on=datetime.date(2026, 3, 2),
        applicant_type="natural_person",
        content="申请公开学位供给情况",
        reply_due=datetime.date(2026, 3, 23),
    )
    HistoricalRequest.objects.create(
        id=request.pk,
        department=department,
        channel="online",
        received_on=request.received_on,
        applicant_type="natural_person",
        content=request.content,
        created_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC),
        updated_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC),
        history_date=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC),
        history_type="+",
    )
    Case.objects.create(
        department=department,
        kind="review",
        filed_on=datetime.date(2026, 4, 1),
        request=request,
    )
    Reminder.objects.create(
        request=request,
        rule="due",
        date=datetime.date(2026, 3, 23),
        deadline=datetime.date(2026, 3, 23),
    )
    sent_at = datetime.datetime(2026, 3, 23, 0, 31, tzinfo=datetime.UTC)
    User = apps.get_model("org", "User")
    office = User.objects.create(username="office-before", email="office@edu.example.cn")
    apps.get_model("reporting", "RequestDigest").objects.create(
        recipient=office, date=datetime.date(2026, 3, 23), status="sent", sent_at=sent_at
    )
    apps.get_model("tasks", "Digest").objects.create(
        channel="email", recipient=office, date=datetime.date(2026, 3, 23), status="sent"
    )
    apps.get_model("tasks", "CalendarDay").objects.create(
        department=department, date=datetime.date(2026, 9, 1), is_workday=False, name="校庆"
    )
    apps.get_model("tasks", "ReminderPolicy").objects.create(department=department, days_before="3")

    apps = migrate(latest())

    Request = apps.get_model("registers", "DisclosureRequest")
    moved = Request.objects.get()
    assert (moved.pk, moved.content, moved.department.name) == (
        request.pk,
        "申请公开学位供给情况",
        "迁移测试局",
    )
    assert apps.get_model("registers", "HistoricalDisclosureRequest").objects.get().id == moved.pk
    assert apps.get_model("registers", "ReviewCase").objects.get().request_id == moved.pk
    assert apps.get_model("registers", "RequestReminder").objects.get().request_id == moved.pk
    tables = connection.introspection.table_names()
    assert "registers_disclosurerequest" in tables
    assert "reporting_disclosurerequest" not in tables
    ContentType.objects.clear_cache()
    assert ContentType.objects.get(pk=old_type.pk).app_label == "registers"
    digests = apps.get_model("core", "Digest").objects.order_by("batch")
    assert [(d.batch, d.recipient_id, d.status) for d in digests] == [
        ("daily", office.pk, "sent"),
        ("requests", office.pk, "sent"),
    ]
    day = apps.get_model("core", "CalendarDay").objects.get()
    assert (day.department_id, day.name, day.is_workday) == (department.pk, "校庆", False)
    policy = apps.get_model("core", "ReminderPolicy").objects.get()
    assert policy.days_before == "3"
    assert "core_calendarday" in connection.introspection.table_names()

    # And back: undoing the move puts the rows where they were.
    apps = migrate(BEFORE)
    assert apps.get_model("reporting", "DisclosureRequest").objects.get().pk == request.pk
    ContentType.objects.clear_cache()
