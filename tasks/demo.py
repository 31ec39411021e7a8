"""Demo data for the quick start: a bureau, its units and people, and a plan of the current year.

The plan follows the form of a district bureau's yearly disclosure plan (numbered headings,
tasks closed by their responsible units, dated, recurring and ongoing deadlines, and the
year-end summary milestone) in this project's own words.
"""

import datetime
import itertools

from django.db import transaction

from org.models import Department, Unit, User
from org.services import save_person, save_unit, standard_unit_groups
from plans.models import Heading, Plan
from plans.services import change_plan_status, save_heading, save_plan

from .models import Assignment, Task
from .services import Responsibility, save_task, update_assignment

DEPARTMENT = "泉州市丰泽区教育局"
DEMO_PASSWORD = "demo-2026!"

SECTIONS = [
    ("办公室", "", True),
    ("社会事业管理办公室", "社管办", False),
    ("人事股", "", False),
    ("计财股", "", False),
    ("教育股", "", False),
    ("督导室", "", False),
    ("执法检查股", "", False),
]
SCHOOLS = ["丰泽区东湖实验小学", "丰泽区清源中学", "丰泽区滨海幼儿园"]

# username, full name, role, unit (by name or short name; None for a leader or administrator)
PEOPLE = [
    ("office", "林晓雯", User.Role.OFFICE, "办公室"),
    ("leader", "陈建国", User.Role.LEADER, None),
    ("head", "黄志明", User.Role.UNIT_HEAD, "社管办"),
    ("staff", "吴丽娟", User.Role.UNIT_STAFF, "社管办"),
    ("finance", "郑海涛", User.Role.UNIT_HEAD, "计财股"),
    ("admin", "系统管理员", User.Role.ADMIN, None),
]

# A heading is (label, title, [children]);
# a task is (text, deadline, [units, lead first], [groups]).
# Deadlines: "MM-DD", "monthly", "quarterly", "ongoing", or M for the year-end milestone.
M = "milestone"
PLAN_BODY = [
    ("一、", "目标与原则", []),
    (
        "二、",
        "重点任务和分工",
        [
            (
                "(一)",
                "做好政策发布与解读",
                [
                    (
                        "1.",
                        "依法依规公开政策文件",
                        [
                            (
                                "本局印发的规范性文件在印发后及时上网，同步发布解读材料，方便群众理解和运用。",
                                "ongoing",
                                [],
                                ["各科室"],
                            ),
                            (
                                "更新本局权责事项清单，并在门户网站专栏集中公开，接受社会监督。",
                                "06-30",
                                ["办公室", "社管办", "人事股"],
                                [],
                            ),
                            (
                                "人大代表建议、政协委员提案的办理复文，除涉密内容外原则上全文公开。",
                                "09-30",
                                [],
                                ["各承办科室"],
                            ),
                            (
                                "编制年度随机抽查事项清单并公开，抽查结果在检查结束后20个工作日内公开。",
                                "05-31",
                                ["执法检查股", "办公室", "社管办"],
                                [],
                            ),
                        ],
                    ),
                    (
                        "2.",
                        "加大重点领域信息公开",
                        [
                            (
                                "按季度公开部门预算执行、政府采购和教育建设项目招投标信息。",
                                "quarterly",
                                ["计财股"],
                                [],
                            ),
                            (
                                "公开学位供给、招生划片、学生资助和营养改善计划等群众关心的信息。",
                                "08-31",
                                ["教育股", "办公室", "人事股", "督导室"],
                                ["各区属学校"],
                            ),
                        ],
                    ),
                    (
                        "3.",
                        "做好政策解读和舆情回应",
                        [
                            (
                                "重要政策出台时由主要负责人带头解读，采用图解、短视频等多种形式，及时回应社会关切。",
                                "ongoing",
                                ["办公室"],
                                ["各股室"],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "(二)",
                "提升政务服务便利度",
                [
                    (
                        "推进教育服务事项网上办理，更新办事指南，做到线上线下标准一致。",
                        "10-31",
                        ["社管办", "办公室", "人事股"],
                        [],
                    ),
                    (
                        "热线转办的咨询类问题2个工作日内答复、投诉类问题10个工作日内办结，答复率保持100%。",
                        "ongoing",
                        ["办公室"],
                        ["各承办股室"],
                    ),
                    (
                        "办事条件调整的，审批程序完成后1个工作日内公开变更内容和实施时间。",
                        "ongoing",
                        ["社管办", "办公室"],
                        [],
                    ),
                ],
            ),
            (
                "(三)",
                "管好用好政务新媒体",
                [
                    (
                        "落实政务新媒体“谁开设、谁管理”要求，每月开展内容巡查，确保信息准确安全。",
                        "monthly",
                        ["办公室"],
                        ["各承办股室"],
                    ),
                ],
            ),
            (
                "(四)",
                "健全公开制度规范",
                [
                    (
                        "梳理主动公开基本目录，规范依申请公开的登记、办理、答复流程，落实发布前保密审查。",
                        "11-30",
                        ["办公室", "教育股"],
                        [],
                    ),
                ],
            ),
        ],
    ),
    (
        "三、",
        "工作要求",
        [
            (
                "所有股室和区属学校对照本方案分工开展自查，11月11日前向局办公室书面报送本单位全年政务公开工作总结。",
                M,
                [],
                ["各单位"],
            ),
        ],
    ),
]

# Some progress so the demo looks alive: (task index, unit, status, progress text)
PROGRESS = [
    (1, "办公室", Assignment.Status.COMPLETED, "权责清单已更新并在门户网站专栏公开。"),
    (1, "社管办", Assignment.Status.SUBMITTED, "已完成本股室事项梳理，清单已报办公室。"),
    (3, "执法检查股", Assignment.Status.COMPLETED, "抽查事项清单已于5月公开，抽查结果按时发布。"),
    (
        4,
        "计财股",
        Assignment.Status.IN_PROGRESS,
        "一至三季度信息已公开，第四季度待预算执行后发布。",
    ),
    (5, "教育股", Assignment.Status.IN_PROGRESS, "招生划片信息已公开，资助信息正在整理。"),
    (7, "社管办", Assignment.Status.IN_PROGRESS, "已完成12项办事指南修订。"),
]


def _deadline(spec: str, year: int) -> dict:
    if spec == "ongoing":
        return {"deadline_kind": Task.DeadlineKind.ONGOING}
    if spec in ("monthly", "quarterly"):
        return {"deadline_kind": Task.DeadlineKind.RECURRING, "recurrence": spec}
    if spec == M:
        return {"due_date": datetime.date(year, 11, 11), "is_milestone": True}
    month, day = (int(x) for x in spec.split("-"))
    return {"due_date": datetime.date(year, month, day)}


@transaction.atomic
def load_demo(year: int) -> tuple[Department, Plan, bool]:
    """Create or refresh the demo; returns the department, the plan and whether it was new."""
    department, _ = Department.objects.get_or_create(name=DEPARTMENT)
    units: dict[str, Unit] = {}
    for position, (name, short, is_office) in enumerate(SECTIONS):
        unit = Unit.objects.filter(department=department, name=name).first() or Unit(
            department=department,
            name=name,
            short_name=short,
            is_office=is_office,
            position=position,
        )
        units[short or name] = save_unit(unit)
    for position, name in enumerate(SCHOOLS):
        unit = Unit.objects.filter(department=department, name=name).first() or Unit(
            department=department, name=name, kind=Unit.Kind.SCHOOL, position=position
        )
        units[name] = save_unit(unit)
    groups = {g.name: g for g in standard_unit_groups(department)}

    people = {}
    for username, full_name, role, unit_name in PEOPLE:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.full_name, user.role = full_name, role
        user.department = None if role == User.Role.ADMIN else department
        user.unit = units[unit_name] if unit_name else None
        people[username] = save_person(user, password=DEMO_PASSWORD)

    number = f"泉丰教〔{year}〕58号"
    plan = Plan.objects.filter(department=department, number=number).first()
    if plan is not None:
        return department, plan, False
    office = people["office"]
    plan = save_plan(
        Plan(
            department=department,
            year=year,
            number=number,
            title=f"{DEPARTMENT}{year}年政务公开工作实施方案",
            issuer=f"{DEPARTMENT}办公室",
            issued_on=datetime.date(year, 3, 16),
            upstream=f"泉丰政办〔{year}〕21号",
        ),
        by=office,
    )
    tasks: list[Task] = []
    positions = itertools.count()

    def build(items, parent: Heading | None) -> None:
        for item in items:
            if len(item) == 4:
                text, spec, named, group_names = item
                task = Task(
                    plan=plan,
                    heading=parent,
                    text=text,
                    position=len(tasks),
                    **_deadline(spec, year),
                )
                responsibility = Responsibility(
                    lead=[units[n] for n in named[:1]],
                    support=[units[n] for n in named[1:]],
                    groups=[groups[n] for n in group_names],
                )
                tasks.append(save_task(task, responsibility=responsibility, by=office))
            else:
                label, title, children = item
                heading = save_heading(
                    Heading(
                        plan=plan, parent=parent, label=label, title=title, position=next(positions)
                    ),
                    by=office,
                )
                build(children, heading)

    build(PLAN_BODY, None)
    change_plan_status(plan, to=Plan.Status.ISSUED, by=office)
    for index, unit_name, status, text in PROGRESS:
        assignment = tasks[index].assignments.get(unit=units[unit_name])
        for step in _path_to(status):
            update_assignment(assignment, status=step, progress=text, by=office)
    return department, plan, True


def _path_to(status: str) -> list[str]:
    order = [
        Assignment.Status.IN_PROGRESS,
        Assignment.Status.SUBMITTED,
        Assignment.Status.COMPLETED,
    ]
    return order[: order.index(status) + 1]
