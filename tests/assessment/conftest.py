"""A year of work in the world's bureau, dated with time_machine: 社管办 on time with a link,
计财股 late once returned and without evidence, the office's supporting part still open."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from org.models import User
from tasks.services import Report, record_progress, review_assignment
from tests.factories import UserFactory

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime.date(2026, 7, 10)  # a Friday; the tasks were due Tuesday 30 June


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), TZ), tick=False)


@pytest.fixture
def year_of_work(world, office_staff, unit_head, other_unit_head):
    own, foreign = world.own_assignment, world.foreign_assignment
    with at(datetime.date(2026, 6, 20)):
        link = [("https://www.example.gov.cn/notice", "公告")]
        record_progress(own, Report(text="已公开", links=link), submit=True, by=unit_head)
    with at(datetime.date(2026, 7, 2)):
        review_assignment(own, accept=True, by=office_staff)
    with at(datetime.date(2026, 7, 3)):
        record_progress(foreign, Report(text="已完成"), submit=True, by=other_unit_head)
    with at(datetime.date(2026, 7, 6)):
        review_assignment(foreign, accept=False, comment="缺少公开链接", by=office_staff)
    with at(datetime.date(2026, 7, 8)):
        record_progress(foreign, Report(text="已补充"), submit=True, by=other_unit_head)
    with at(datetime.date(2026, 7, 9)):
        review_assignment(foreign, accept=True, by=office_staff)
    return world


@pytest.fixture
def district(world):
    """A district government's office over the world's bureau and over bureau B."""
    from org.models import Unit
    from tests.factories import DepartmentFactory, UnitFactory

    office = DepartmentFactory(name="区人民政府办公室")
    unit = UnitFactory(department=office, name="秘书科", is_office=True)
    for department in (world.department, world.other_department):
        department.parent = office
        department.save(update_fields=["parent"])
    staff = UserFactory(username="district", department=office, unit=unit, role=User.Role.OFFICE)
    leader = UserFactory(username="districtleader", department=office, role=User.Role.LEADER)
    assert Unit.objects.filter(department=office).count() == 1
    return office, staff, leader
