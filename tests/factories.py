"""Test data built through the same services the app uses, so permissions stay in step."""

import datetime

import factory

from org.models import Department, Unit, UnitGroup, User
from org.services import save_person, save_unit
from plans.models import Plan
from registers.models import DisclosureRequest, ReviewCase
from registers.services import save_request, save_review_case
from tasks.models import Task
from tasks.services import Responsibility, save_task

PASSWORD = "correct-horse-battery"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试区教育局{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"第{n}股")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return save_unit(model_class(*args, **kwargs))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.UNIT_STAFF

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return save_person(model_class(*args, **kwargs), password=PASSWORD)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    department = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"政务公开工作实施方案{n}")
    year = 2026
    number = factory.Sequence(lambda n: f"测教〔2026〕{n}号")
    status = Plan.Status.ISSUED


def make_task(
    plan: Plan,
    *,
    lead: list[Unit] = (),
    support: list[Unit] = (),
    groups: list[UnitGroup] = (),
    due: datetime.date | None = None,
    by: User,
    **fields,
) -> Task:
    task = Task(plan=plan, text=fields.pop("text", "做好信息公开工作。"), **fields)
    task.due_date = due or datetime.date(plan.year, 6, 30)
    return save_task(
        task,
        responsibility=Responsibility(lead=list(lead), support=list(support), groups=list(groups)),
        by=by,
    )


def make_request(department, *, by=None, **fields):
    """A disclosure request saved through the service (its deadline computed)."""
    defaults = {
        "channel": DisclosureRequest.Channel.ONLINE,
        "received_on": datetime.date(2026, 3, 2),
        "applicant_type": DisclosureRequest.ApplicantType.NATURAL_PERSON,
        "content": "申请公开本区义务教育阶段学校招生范围。",
    }
    return save_request(DisclosureRequest(department=department, **{**defaults, **fields}), by=by)


def make_review_case(department, *, by=None, **fields):
    defaults = {"kind": ReviewCase.Kind.REVIEW, "filed_on": datetime.date(2026, 4, 1)}
    return save_review_case(ReviewCase(department=department, **{**defaults, **fields}), by=by)
