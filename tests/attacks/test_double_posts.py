"""Writes that must happen once: a confirm clicked twice or by two people at once, a metric code
posted twice, a command that fails half-way."""

import threading
from concurrent import futures

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from plans.models import Plan, PlanImport
from tasks import importing
from tasks.models import Metric
from tests.tasks.test_importing import log_in_office, make_bureau, pasted_as_office

PLAN = (
    "某局2024年政务公开工作要点\n一、任务\n"
    "1.公开部门预算。(办公室负责)\n2.公开部门决算。(办公室负责)\n"
)


def drafts_of(plan_import: PlanImport) -> list[importing.TaskDraft]:
    return [
        importing.TaskDraft.from_parsed(t, ref=i) for i, t in enumerate(plan_import.parsed["tasks"])
    ]


def confirm(pk: int, barrier: threading.Barrier) -> Plan:
    try:
        plan_import = PlanImport.objects.get(pk=pk)
        barrier.wait(timeout=10)
        plan = Plan(title="公开工作要点", year=2024)
        return importing.confirm_import(
            plan_import, plan=plan, drafts=drafts_of(plan_import), mapping={}, new_version=False,
            by=None,
        )  # fmt: skip
    finally:
        connection.close()


def test_one_import_confirmed_twice_at_once_makes_one_plan(transactional_db, attempt):
    # given
    bureau = make_bureau()
    pk = importing.start_import(bureau, source_name="", data=PLAN.encode(), by=None).pk
    barrier = threading.Barrier(2)

    # when: two confirms start together
    with futures.ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(confirm, pk, barrier) for _ in range(2)]
        outcomes = [r.exception(timeout=60) or r.result() for r in runs]

    # then: one plan, and the other confirm is told the import is done
    attempt("double-post", 2)
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert [o.code for o in refused] == ["confirmed"]
    assert Plan.objects.count() == 1
    assert PlanImport.objects.get(pk=pk).plan == Plan.objects.get()


def test_a_confirm_posted_again_leads_to_the_plan_the_first_made(client, db, attempt):
    preview, data = pasted_as_office(client, make_bureau(), PLAN)
    first = client.post(preview, data)

    again = client.post(preview, data)

    attempt("double-post")
    plan = Plan.objects.get()
    assert first.url == again.url == plan.get_absolute_url()
    assert plan.tasks.count() == 2


def test_a_metric_code_posted_twice_is_refused_with_a_message_not_a_server_error(
    client, world, office_staff, attempt
):
    client.force_login(office_staff)
    data = {
        "code": "visits",
        "name": "访问量",
        "unit": "次",
        "aggregation": "sum",
        "decimal_places": 0,
    }
    client.post(reverse("tasks:metric_list"), data)

    again = client.post(reverse("tasks:metric_list"), data)

    attempt("double-post")
    assert again.status_code == 200
    assert "已被使用" in again.content.decode()
    assert Metric.objects.filter(department=world.department, code="visits").count() == 1


def test_an_import_command_that_fails_leaves_no_import_behind(db, tmp_path, attempt):
    bureau = make_bureau()
    source = tmp_path / "plan.txt"
    source.write_text(PLAN, encoding="utf-8")
    call_command("import_plan", str(source), department=bureau.name)

    with pytest.raises(CommandError, match=r"already imported|已导入"):
        call_command("import_plan", str(source), department=bureau.name)

    attempt("double-post")
    assert PlanImport.objects.count() == 1
    assert Plan.objects.count() == 1


def test_a_plan_imported_by_mistake_is_withdrawn_and_its_document_can_be_imported_again(
    client, db, attempt
):
    # given: a document imported and confirmed into a draft plan
    bureau = make_bureau()
    log_in_office(client, bureau)
    plan = importing.import_document(bureau, source_name="", data=PLAN.encode(), by=None)

    # when: the office deletes the draft
    response = client.post(reverse("plans:plan_delete", args=[plan.pk]))

    # then: gone with its tasks, and the same document imports again without "already imported"
    attempt("double-post")
    assert response.url == reverse("plans:plan_list")
    assert not Plan.objects.exists()
    assert importing.import_document(bureau, source_name="", data=PLAN.encode(), by=None).pk


def test_an_issued_plan_is_not_deleted_but_said_to_be_closed_instead(client, world, office_staff):
    world.plan.status = Plan.Status.ISSUED
    world.plan.save(update_fields=["status"])
    client.force_login(office_staff)

    response = client.post(reverse("plans:plan_delete", args=[world.plan.pk]), follow=True)

    assert "关闭" in response.content.decode()
    assert Plan.objects.filter(pk=world.plan.pk).exists()
