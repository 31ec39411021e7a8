"""One deadline for a year's report wherever it is read (《政府信息公开条例》第四十九条): a
department's by 31 January, a government's office compiling its departments' by 31 March."""

import datetime
import zoneinfo

import time_machine

from reporting import rollup, services
from tests.factories import DepartmentFactory, PlanFactory, UnitFactory

YEAR = 2025
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_a_government_office_compiling_its_departments_reports_is_due_31_march_everywhere(
    world, office_staff
):
    # given: a city office over a district office over the world's bureau, each with next
    # year's plan and an office
    city = DepartmentFactory(name="泉州市人民政府办公室")
    district = DepartmentFactory(name="泉州市丰泽区人民政府办公室", parent=city)
    UnitFactory(department=district, name="秘书科", is_office=True)
    world.department.parent = district
    world.department.save(update_fields=["parent"])
    for department in (district, world.department):
        PlanFactory(department=department, year=YEAR + 1)
    # when: both begin their report of the year
    with time_machine.travel(datetime.datetime(YEAR, 12, 1, 9, tzinfo=TZ), tick=False):
        compiled = services.create_draft(district, YEAR, by=None)
        own = services.create_draft(world.department, YEAR, by=office_staff)
    # then: the deadline tasks
    assert compiled.task.due_date == datetime.date(YEAR + 1, 3, 31)
    assert "3月31日前向社会公布本级政府" in compiled.task.text
    assert own.task.due_date == datetime.date(YEAR + 1, 1, 31)
    assert "1月31日前向本级政府信息公开工作主管部门提交" in own.task.text
    # and the city's roll-up page agree
    standings = rollup.standings(city, YEAR, datetime.date(YEAR + 1, 2, 25))
    assert {s.department.name: (s.deadline, s.is_late) for s in standings} == {
        district.name: (datetime.date(YEAR + 1, 3, 31), False),
        world.department.name: (datetime.date(YEAR + 1, 1, 31), True),
    }
