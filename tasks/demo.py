"""Demo data for the quick start: a bureau, its units and people, and a plan of the current year.

The plan (``demo_plan.txt``) follows the form of a district bureau's yearly disclosure plan
(numbered headings, tasks closed by their responsible units, dated, recurring and ongoing
deadlines, and the year-end summary milestone) in this project's own words.
"""

import datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from org.models import Department, Unit, User
from org.services import representative_of, save_person, save_unit, standard_unit_groups
from plans.models import Heading, Plan
from plans.services import change_plan_status, save_heading, save_plan

from .cascade import link_existing
from .importing import import_document
from .models import Assignment, Metric, ProgressUpdate, Task
from .services import Report, Responsibility, record_progress, review_assignment, save_task

DEPARTMENT = "泉州市丰泽区教育局"
DEMO_PASSWORD = "demo-2026!"
PLAN_TEXT = Path(__file__).with_name("demo_plan.txt")

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

# Some progress so the demo looks alive: (task index, unit, status reached, what was done,
# figures by metric code)
PROGRESS = [
    (1, "办公室", Assignment.Status.COMPLETED, "权责清单已更新并在门户网站专栏公开。", {}),
    (1, "社管办", Assignment.Status.SUBMITTED, "已完成本股室事项梳理，清单已报办公室。", {}),
    (
        3,
        "执法检查股",
        Assignment.Status.COMPLETED,
        "抽查事项清单已于5月公开，抽查结果按时发布。",
        {"punishment_decisions": 3},
    ),
    (
        4,
        "计财股",
        Assignment.Status.IN_PROGRESS,
        "一至三季度信息已公开，第四季度待预算执行后发布。",
        {"items_disclosed": 36},
    ),
    (
        5,
        "教育股",
        Assignment.Status.IN_PROGRESS,
        "招生划片信息已公开，资助信息正在整理。",
        {"items_disclosed": 52},
    ),
    (7, "社管办", Assignment.Status.IN_PROGRESS, "已完成12项办事指南修订。", {}),
    (
        0,
        "办公室",
        Assignment.Status.IN_PROGRESS,
        "本年度印发规范性文件4件，均同步发布解读；现行有效规范性文件46件。",
        {"normative_issued": 4, "normative_in_force": 46, "policy_interpretations": 4},
    ),
    (3, "办公室", Assignment.Status.COMPLETED, "抽查事项清单已审核，在门户网站发布。", {}),
    (3, "社管办", Assignment.Status.COMPLETED, "本股室涉及的抽查事项已梳理报执法检查股。", {}),
    (
        6,
        "办公室",
        Assignment.Status.IN_PROGRESS,
        "秋季招生前召开新闻发布会，局领导两次做客在线访谈。",
        {"press_conferences": 1, "online_interviews": 2},
    ),
    (
        8,
        "办公室",
        Assignment.Status.IN_PROGRESS,
        "1至11月热线转办件均按时答复。",
        {"messages_answered": 186},
    ),
    (10, "办公室", Assignment.Status.COMPLETED, "12期巡查记录已归档。", {}),
    (11, "办公室", Assignment.Status.COMPLETED, "基本目录已上网，办理流程已修订。", {}),
    (11, "教育股", Assignment.Status.COMPLETED, "已核对本股室的目录条目。", {}),
]
# What a completed assignment says in the year-end report's part 一, where it is more than the
# progress note ("" for a supporting unit whose work the lead unit's sentence covers).
SUMMARIES = {
    (3, "执法检查股"): "5月底前编制并公开年度随机抽查事项清单，抽查结果均在检查结束后20个工作日内"
    "向社会公开，全年公开行政处罚决定3件。",
    (3, "办公室"): "",
    (3, "社管办"): "",
    (10, "办公室"): "落实政务新媒体“谁开设、谁管理”要求，每月巡查门户网站和微信公众号，"
    "全年巡查12次，未发现错误表述和失泄密问题。",
    (11, "办公室"): "梳理形成本局主动公开基本目录，规范依申请公开登记、办理、答复各环节，"
    "信息发布前一律进行保密审查。",
    (11, "教育股"): "",
}


# Levels: the district government's office over the bureau and one more department, so a
# newcomer sees plans cascade down, reports roll up and departments scored.
SUPERIOR = "泉州市丰泽区人民政府办公室"
OTHER_DEPARTMENT = "泉州市丰泽区卫生健康局"
# department, its sections (name, short name, is the office), its people as in PEOPLE
ORGANISATION = [
    (
        SUPERIOR,
        [("秘书科", "", True), ("政务公开科", "公开科", False)],
        [("district", "蔡雅琴", User.Role.OFFICE, "秘书科")],
    ),
    (
        OTHER_DEPARTMENT,
        [
            ("办公室", "", True),
            ("医政医管科", "医政科", False),
            ("疾病预防控制科", "疾控科", False),
        ],
        [("health", "许文斌", User.Role.OFFICE, "办公室")],
    ),
]
LOGINS = [*PEOPLE, *(person for _, _, people in ORGANISATION for person in people)]

# The district office's own small plan (its 工作要点, in our own words): (heading, task text,
# deadline as (month, day), its units by short name). "*" marks the task cascaded to the
# bureau and to 区卫健局, through the units that stand for them.
SUPERIOR_PLAN = [
    (
        "一、深化重点领域信息公开",
        "*梳理本部门教育、医疗卫生等民生领域的重点公开事项，形成清单在政府门户网站专栏公开，"
        "并随工作进展动态更新。",
        (9, 30),
        [],
    ),
    (
        "一、深化重点领域信息公开",
        "组织开展政府开放日活动，全年不少于两次，邀请群众代表走进机关。",
        (11, 30),
        ["秘书科"],
    ),
    (
        "二、加强公开平台建设",
        "每月巡查区政府门户网站政务公开专栏，发现栏目空白、内容滞后的，督促限期整改。",
        (12, 31),
        ["公开科"],
    ),
    (
        "三、强化监督保障",
        "汇总各部门年度报告，编制并公开全区政府信息公开工作年度报告。",
        (3, 31),
        ["秘书科", "公开科"],
    ),
]
CASCADED_TO = {DEPARTMENT: "区教育局", OTHER_DEPARTMENT: "区卫健局"}
# The bureau's demo task (by position) the cascaded task is linked to: 8月31日前公开学位供给、
# 招生划片 … whose progress then shows upstream; 区卫健局 has it still in its inbox.
LINKED_TASK = 5


def _place(department: Department, sections, schools=()) -> dict[str, Unit]:
    """The department's units by name and short name, created where missing."""
    units: dict[str, Unit] = {}
    for position, (name, short, is_office) in enumerate(sections):
        unit = Unit.objects.filter(department=department, name=name).first() or Unit(
            department=department,
            name=name,
            short_name=short,
            is_office=is_office,
            position=position,
        )
        units[short or name] = save_unit(unit)
    for position, name in enumerate(schools):
        unit = Unit.objects.filter(department=department, name=name).first() or Unit(
            department=department, name=name, kind=Unit.Kind.SCHOOL, position=position
        )
        units[name] = save_unit(unit)
    standard_unit_groups(department)
    return units


def _staff(department: Department, units: dict[str, Unit], people) -> dict[str, User]:
    staffed = {}
    for username, full_name, role, unit_name in people:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.full_name, user.role = full_name, role
        user.email = f"{username}@example.com"
        user.department = None if role == User.Role.ADMIN else department
        user.unit = units[unit_name] if unit_name else None
        staffed[username] = save_person(user, password=DEMO_PASSWORD)
    return staffed


@transaction.atomic
def load_demo(year: int) -> tuple[Department, Plan, bool]:
    """Create or refresh the demo; returns the department, the plan and whether it was new."""
    superior, _ = Department.objects.get_or_create(name=SUPERIOR)
    department, _ = Department.objects.get_or_create(name=DEPARTMENT)
    for name, sections, staff in ORGANISATION:
        body = superior if name == SUPERIOR else Department.objects.get_or_create(name=name)[0]
        if body != superior and body.parent_id != superior.pk:
            body.parent = superior
            body.save(update_fields=["parent"])
        _staff(body, _place(body, sections), staff)
    if department.parent_id != superior.pk:
        department.parent = superior
        department.save(update_fields=["parent"])
    units = _place(department, SECTIONS, SCHOOLS)
    people = _staff(department, units, PEOPLE)

    number = f"泉丰教〔{year}〕58号"
    plan = Plan.objects.filter(department=department, number=number).first()
    created = plan is None
    if plan is None:
        plan = _bureau_plan(year, department, units, people)
    _superior_plan(year, superior, plan, office=people["office"])
    return department, plan, created


def _bureau_plan(year: int, department: Department, units, people) -> Plan:
    office = people["office"]
    # The demo plan goes through the importer, as an office's own plan would.
    text = PLAN_TEXT.read_text(encoding="utf-8").replace("{year}", str(year))
    plan = import_document(department, source_name=PLAN_TEXT.name, data=text.encode(), by=office)
    tasks = list(plan.tasks.order_by("position"))
    change_plan_status(plan, to=Plan.Status.ISSUED, by=office)
    heads = {p.unit_id: p for p in people.values() if p.role == User.Role.UNIT_HEAD}
    for index, unit_name, status, text, figures in PROGRESS:
        assignment = tasks[index].assignments.get(unit=units[unit_name])
        reporter = heads.get(assignment.unit_id, office)
        report = Report(
            text=text,
            summary=SUMMARIES.get((index, unit_name), text),
            figures=[
                (Metric.objects.get(department=None, code=c), Decimal(v))
                for c, v in figures.items()
            ],
        )
        record_progress(
            assignment, report, submit=status != Assignment.Status.IN_PROGRESS, by=reporter
        )
        if status == Assignment.Status.COMPLETED:
            review_assignment(assignment, accept=True, by=office)
        _dated_before_deadline(assignment, tasks[index].due_date)
    return plan


def _dated_before_deadline(assignment: Assignment, due: datetime.date | None) -> None:
    """The demo is loaded on one day, but its work was done through the year: its updates are
    dated a few days before their deadline (where that has passed), so lateness, the scores and
    part 五 read the demo as they would a real year, not as all of it handed in today."""
    today = timezone.localdate()
    if due is None or due - datetime.timedelta(days=3) >= today:
        return
    day = max(due - datetime.timedelta(days=3), datetime.date(due.year, 1, 2))
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    for hours, pk in enumerate(assignment.updates.order_by("pk").values_list("pk", flat=True)):
        ProgressUpdate.objects.filter(pk=pk).update(
            created_at=start + datetime.timedelta(hours=hours)
        )


def _superior_plan(year: int, superior: Department, bureau_plan: Plan, *, office: User) -> None:
    """The district office's plan, one task cascaded to the bureau (linked to one of the
    bureau's tasks) and to 区卫健局 (left in its inbox)."""
    number = f"泉丰政办〔{year}〕21号"
    if Plan.objects.filter(department=superior, number=number).exists():
        return
    author = User.objects.get(username="district")
    plan = save_plan(
        Plan(
            department=superior,
            title=f"丰泽区{year}年政务公开工作要点",
            year=year,
            number=number,
            issuer=SUPERIOR,
            issued_on=datetime.date(year, 3, 2),
        ),
        by=author,
    )
    units = {str(u): u for u in Unit.objects.filter(department=superior)}
    for department_name, short_name in CASCADED_TO.items():
        units[short_name] = representative_of(
            Department.objects.get(name=department_name), short_name=short_name
        )
    headings: dict[str, Heading] = {}
    cascaded = None
    for position, (title, text, (month, day), names) in enumerate(SUPERIOR_PLAN):
        if title not in headings:
            label, _, rest = title.partition("、")
            headings[title] = save_heading(
                Heading(plan=plan, label=f"{label}、", title=rest, position=len(headings)),
                by=author,
            )
        lead = [units[n] for n in names] or [units[n] for n in CASCADED_TO.values()]
        task = save_task(
            Task(
                plan=plan,
                heading=headings[title],
                position=position,
                text=text.removeprefix("*"),
                due_date=datetime.date(year, month, day),
            ),
            responsibility=Responsibility(lead=lead),
            by=author,
        )
        if text.startswith("*"):
            cascaded = task
    change_plan_status(plan, to=Plan.Status.ISSUED, by=author)
    assert cascaded is not None
    bureau_task = bureau_plan.tasks.order_by("position")[LINKED_TASK]
    assignment = cascaded.assignments.get(unit__represents=bureau_plan.department)
    link_existing(assignment, bureau_task, by=office)
