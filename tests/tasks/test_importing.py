"""Importing an issued plan: the seed into a department like the one that issued it, unknown unit
names, importing twice, the two-step web flow, and the import_plan command."""

import datetime
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import override

from bench.posted import as_posted
from org.models import Department, Unit, UnitAlias, User
from org.services import standard_unit_groups
from plans.messages import format_error, message_for
from plans.models import Heading, Plan, PlanImport
from plans.parsing import PlanFormatError
from tasks import importing
from tasks.models import Assignment, Task
from tasks.preview import WarningGroup
from tests.factories import DepartmentFactory, UnitFactory, UserFactory
from tests.plans.corpus import write_source

SEED = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "reference"
    / "seeds"
    / "001_72e004eb4b2b80e7.txt"
)
SECTIONS = ["办公室", "社会事业管理办公室", "人事股", "计财股", "教育股", "督导室", "执法检查股"]
SCHOOLS = ["丰泽区第一实验小学", "丰泽区第二中学"]
LEAD, SUPPORT = Assignment.Role.LEAD, Assignment.Role.SUPPORT


@pytest.fixture
def seed_bytes() -> bytes:
    if not SEED.exists():
        pytest.skip(f"the seed plan is not on this machine ({SEED})")
    return SEED.read_bytes()


def make_bureau(sections: list[str] = SECTIONS) -> Department:
    department = DepartmentFactory(name="泉州市丰泽区教育局(导入测试)")
    standard_unit_groups(department)
    for position, name in enumerate(sections):
        UnitFactory(
            department=department,
            name=name,
            short_name="社管办" if name == "社会事业管理办公室" else "",
            is_office=name == "办公室",
            position=position,
        )
    for position, name in enumerate(SCHOOLS):
        UnitFactory(department=department, name=name, kind=Unit.Kind.SCHOOL, position=position)
    return department


def log_in_office(client, bureau: Department):
    """The client logged in as a member of the bureau's office."""
    office = bureau.units.get(is_office=True)
    client.force_login(UserFactory(department=bureau, unit=office, role=User.Role.OFFICE))
    return client


def pasted_as_office(client, bureau: Department, text: str) -> tuple[str, dict]:
    """The bureau's office staff paste ``text``: the preview's address, and its forms as the
    browser posts them back unchanged."""
    log_in_office(client, bureau)
    start = client.post(reverse("tasks:import_start"), {"text": text})
    return start.url, posted_back(client.get(start.url).context)


def posted_back(context) -> dict:
    """The preview's forms as the browser posts them back unchanged."""
    formset = context["formset"]
    forms = (context["plan_form"], context["mapping_form"], context["undated_form"])
    above = context["above"]  # the superior's tasks waiting to be placed: left there
    return as_posted(
        *forms,
        formset.management_form,
        *formset,
        above.management_form,
        *above,
        context["confirm_form"],
    )


@pytest.fixture
def bureau(db) -> Department:
    return make_bureau()


@pytest.fixture
def bureau_office(bureau) -> User:
    return UserFactory(
        username="bureau-office",
        department=bureau,
        unit=bureau.units.get(name="办公室"),
        role=User.Role.OFFICE,
    )


def confirm(plan_import: PlanImport, *, mapping=None, new_version: bool = False) -> Plan:
    """Confirm the import as parsed, as the command line does."""
    facts = plan_import.parsed["plan"]
    plan = Plan(
        title=facts["title"],
        year=facts["year"],
        number=facts["number"],
        issuer=facts["issuer"],
        issued_on=datetime.date.fromisoformat(facts["issued_on"]),
        upstream="、".join(facts["upstream"]),
    )
    drafts = [
        importing.TaskDraft.from_parsed(task, ref=i)
        for i, task in enumerate(plan_import.parsed["tasks"])
    ]
    return importing.confirm_import(
        plan_import,
        plan=plan,
        drafts=drafts,
        mapping=mapping or {},
        new_version=new_version,
        by=None,
    )


def roles(task: Task) -> dict[str, str]:
    return {a.unit.name: a.role for a in task.assignments.select_related("unit")}


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Plan, Heading, Task, Assignment, Unit, UnitAlias)
    }


@pytest.fixture
def seed_plan(bureau, seed_bytes) -> Plan:
    return importing.import_document(bureau, source_name=SEED.name, data=seed_bytes, by=None)


# --- the seed, imported -----------------------------------------------------------------------


def test_importing_the_seed_creates_one_draft_plan_with_the_document_facts(bureau, seed_plan):
    assert list(Plan.objects.filter(department=bureau)) == [seed_plan]
    assert seed_plan.status == Plan.Status.DRAFT
    assert (seed_plan.title, seed_plan.year, seed_plan.version) == (
        "泉州市丰泽区教育局2018年政务公开工作实施方案",
        2018,
        1,
    )
    assert (seed_plan.number, seed_plan.issuer) == (
        "泉丰教〔2018〕137号",
        "泉州市丰泽区教育局办公室",
    )
    assert seed_plan.issued_on == datetime.date(2018, 7, 24)
    assert seed_plan.upstream == "泉丰政办综〔2018〕89号"


def test_importing_the_seed_builds_its_heading_tree_with_parent_links(seed_plan):
    headings = [
        (str(h), str(h.parent) if h.parent else None)
        for h in seed_plan.headings.select_related("parent")
    ]

    work, service = "二、工作任务及责任分工", "(一)着力加强公开解读回应工作"
    assert headings == [
        (work, None),
        (service, work),
        ("1.围绕建设法治政府全面推进政务公开", service),
        ("2.围绕重点领域加大主动公开力度", service),
        ("3.围绕重要工作加强政策解读", service),
        ("(二)着力提升政务服务工作实效", work),
        ("(三)着力推进政务公开平台建设", work),
        ("(四)着力推进政务公开制度化规范化", work),
        ("三、工作要求", None),
        ("(二)及时总结提升", "三、工作要求"),
    ]


def test_importing_the_seed_hangs_its_thirteen_tasks_under_their_headings(seed_plan):
    tasks = list(seed_plan.tasks.select_related("heading"))

    assert [t.position for t in tasks] == list(range(13))
    assert [str(t.heading)[:2] for t in tasks] == (
        ["1."] * 4 + ["2."] * 2 + ["3."] + ["(二"] * 3 + ["(三", "(四", "(二"]
    )
    assert tasks[12].heading.parent.label == "三、"


def office_with(*names: str) -> dict[str, str]:
    return {"办公室": LEAD} | dict.fromkeys(names, SUPPORT)


def test_each_seed_task_is_assigned_to_the_units_its_marker_names(seed_plan):
    sections = dict.fromkeys(SECTIONS, LEAD)
    every_unit = dict.fromkeys(SECTIONS + SCHOOLS, LEAD)

    assigned = [roles(t) for t in seed_plan.tasks.all()]

    assert assigned == [
        sections,  # 各科室: every section leads its own part
        office_with("社会事业管理办公室", "人事股"),
        {},  # 各承办科室: the office chooses later
        office_with("执法检查股", "社会事业管理办公室"),
        {"计财股": LEAD},
        office_with("教育股", "人事股", "督导室", *SCHOOLS),  # 各区属学校 co-operate
        office_with(*(s for s in SECTIONS if s != "办公室")),  # 办公室、各股室
        office_with("社会事业管理办公室", "人事股"),
        office_with(),
        office_with("社会事业管理办公室", "人事股"),
        office_with(),
        office_with("教育股"),
        every_unit,  # the milestone binds everyone
    ]


def test_collective_names_stay_on_the_task_including_those_the_office_chooses(seed_plan):
    groups = [sorted(g.name for g in t.groups.all()) for t in seed_plan.tasks.all()]

    assert groups == [
        ["各科室"],
        [],
        ["各承办科室"],
        [],
        [],
        ["各区属学校"],
        ["各股室"],
        [],
        ["各承办股室"],
        [],
        ["各承办股室"],
        [],
        ["各单位(学校)", "各股室"],
    ]


def test_response_times_are_stored_on_the_tasks_that_name_them(seed_plan):
    assert [t.response_days for t in seed_plan.tasks.all()] == (
        [[]] * 8 + [[2, 10], [1]] + [[]] * 3
    )


def test_the_seed_milestone_falls_due_on_eleven_november_and_the_rest_at_year_end(seed_plan):
    tasks = list(seed_plan.tasks.all())

    assert [t.is_milestone for t in tasks] == [False] * 12 + [True]
    assert tasks[12].due_date == datetime.date(2018, 11, 11)
    assert {(t.deadline_kind, t.due_date) for t in tasks[:12]} == {
        (Task.DeadlineKind.DATE, datetime.date(2018, 12, 31))
    }


# --- importing twice --------------------------------------------------------------------------


def test_importing_the_same_document_again_is_refused(bureau, seed_plan, seed_bytes):
    with pytest.raises(ValidationError) as refused:
        importing.import_document(bureau, source_name=SEED.name, data=seed_bytes, by=None)

    assert seed_plan.title in " ".join(refused.value.messages)
    assert Plan.objects.filter(department=bureau).count() == 1


def test_importing_the_same_document_as_a_new_version_numbers_it_two(bureau, seed_plan, seed_bytes):
    again = importing.import_document(
        bureau, source_name=SEED.name, data=seed_bytes, new_version=True, by=None
    )

    assert (again.number, again.version) == (seed_plan.number, 2)
    assert again.tasks.count() == 13


# --- unit names the department does not know --------------------------------------------------


@pytest.fixture
def bureau_without_inspection(db) -> Department:
    """The bureau before it has an 执法检查股, so the seed names a unit it does not know."""
    return make_bureau([s for s in SECTIONS if s != "执法检查股"])


def test_an_unknown_unit_fails_the_import_by_name_and_saves_nothing(
    bureau_without_inspection, seed_bytes
):
    # given
    plan_import = importing.start_import(
        bureau_without_inspection, source_name=SEED.name, data=seed_bytes, by=None
    )
    before = counts()

    # when
    with pytest.raises(ValidationError) as refused:
        confirm(plan_import)

    # then
    assert list(refused.value.message_dict) == ["task-3"]
    assert "执法检查股" in refused.value.message_dict["task-3"][0]
    assert counts() == before
    plan_import.refresh_from_db()
    assert (plan_import.status, plan_import.plan) == (PlanImport.Status.PREVIEW, None)


def test_mapping_an_unknown_name_to_a_unit_imports_and_is_remembered(
    bureau_without_inspection, seed_bytes
):
    # given
    department = bureau_without_inspection
    supervision = department.units.get(name="督导室")
    plan_import = importing.start_import(
        department, source_name=SEED.name, data=seed_bytes, by=None
    )
    assert importing.unknown_names(plan_import) == ["执法检查股"]

    # when
    plan = confirm(plan_import, mapping={"执法检查股": supervision})

    # then
    assert roles(plan.tasks.get(position=3)) == {
        "办公室": LEAD,
        "督导室": SUPPORT,
        "社会事业管理办公室": SUPPORT,
    }
    alias = UnitAlias.objects.get(department=department)
    assert (alias.name, alias.unit) == ("执法检查股", supervision)
    next_import = importing.start_import(
        department, source_name=SEED.name, data=seed_bytes, by=None
    )
    assert importing.unknown_names(next_import) == []
    assert confirm(next_import, new_version=True).version == 2


def test_import_document_answers_the_preview_with_the_mapping_it_is_given(
    bureau_without_inspection, seed_bytes
):
    # given: a mapping that also names a unit the department knows (left as it is)
    department = bureau_without_inspection
    supervision = department.units.get(name="督导室")
    mapping = {"执法检查股": supervision, "人事股": supervision}
    # when
    plan = importing.import_document(
        department, source_name=SEED.name, data=seed_bytes, mapping=mapping, by=None
    )
    # then
    assert roles(plan.tasks.get(position=3))["督导室"] == SUPPORT
    assert list(UnitAlias.objects.filter(department=department).values_list("name")) == [
        ("执法检查股",)
    ]


def test_mapping_an_unknown_name_to_a_new_section_creates_it(bureau_without_inspection, seed_bytes):
    department = bureau_without_inspection
    plan_import = importing.start_import(
        department, source_name=SEED.name, data=seed_bytes, by=None
    )

    plan = confirm(plan_import, mapping={"执法检查股": importing.NEW_SECTION})

    created = department.units.get(name="执法检查股")
    assert created.kind == Unit.Kind.SECTION
    assert roles(plan.tasks.get(position=3))["执法检查股"] == SUPPORT
    assert plan.tasks.get(position=0).assignments.filter(unit=created).exists()  # 各科室


# --- the web flow -----------------------------------------------------------------------------


@pytest.fixture
def office_client(client, bureau_office):
    client.force_login(bureau_office)
    return client


def test_pasted_text_leads_to_a_preview_with_the_warnings_before_the_tasks(
    office_client, bureau, seed_bytes
):
    # when
    response = office_client.post(
        reverse("tasks:import_start"), {"text": seed_bytes.decode("utf-8")}
    )

    # then
    plan_import = PlanImport.objects.get(department=bureau)
    assert response.status_code == 302
    assert response.url == reverse("tasks:import_preview", args=[plan_import.pk])
    page = office_client.get(response.url).content.decode()
    first_form = page.index('name="task-0-text"')
    warnings = [w["message"] for w in plan_import.parsed["warnings"]]
    assert len(warnings) == 15
    assert all(0 < page.index(escape(w)) < first_form for w in warnings)
    assert all(f'name="task-{i}-due_date"' in page for i in range(13))
    assert 'name="task-13-text"' not in page
    assert Plan.objects.filter(department=bureau).count() == 0


def test_confirming_the_preview_applies_edits_and_leaves_out_unticked_tasks(
    office_client, bureau, seed_bytes
):
    # given
    start = office_client.post(reverse("tasks:import_start"), {"text": seed_bytes.decode()})
    preview = office_client.get(start.url)
    data = posted_back(preview.context)
    data["task-4-due_date"] = "2018-06-30"
    del data["task-3-include"]
    parsed_tasks = PlanImport.objects.get(department=bureau).parsed["tasks"]

    # when
    response = office_client.post(start.url, data)

    # then
    plan = Plan.objects.get(department=bureau)
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    texts = list(plan.tasks.values_list("text", flat=True))
    assert len(texts) == 12
    assert parsed_tasks[3]["text"] not in texts
    assert plan.tasks.get(text=parsed_tasks[4]["text"]).due_date == datetime.date(2018, 6, 30)
    assert plan.tasks.get(text=parsed_tasks[5]["text"]).due_date == datetime.date(2018, 12, 31)
    assert plan.title == "泉州市丰泽区教育局2018年政务公开工作实施方案"
    assert PlanImport.objects.get(department=bureau).status == PlanImport.Status.CONFIRMED


def test_a_plan_whose_every_task_has_a_deadline_is_confirmed_without_the_undated_answer(
    client, bureau
):
    # given: no task lacks a deadline, so the page offers no answer for them
    url, data = pasted_as_office(
        client,
        bureau,
        "泉州市丰泽区教育局2026年政务公开工作要点\n一、重点领域公开\n"
        "做好公开工作，2026年6月30日前完成（责任科室：办公室）。\n",
    )
    assert 'name="undated-how"' not in client.get(url).content.decode()
    del data["undated-how"]  # as the browser posts the page
    # when
    response = client.post(url, data)
    # then
    plan = Plan.objects.get(department=bureau)
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert plan.tasks.get().due_date == datetime.date(2026, 6, 30)


def test_uploading_a_binary_file_renamed_docx_shows_why_and_keeps_nothing(office_client):
    upload = SimpleUploadedFile("方案.docx", bytes(range(256)) * 8)

    response = office_client.post(reverse("tasks:import_start"), {"document": upload})

    with override("zh-hans"):
        message = format_error(PlanFormatError("not_office", kind="docx"))
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert PlanImport.objects.count() == 0


def test_a_paste_of_twenty_megabytes_is_answered_with_what_to_do_and_keeps_nothing(
    office_client,
):
    text = "公开部门预算。(办公室负责)\n" * (20 * 2**20 // 40)

    response = office_client.post(reverse("tasks:import_start"), {"text": text})

    page = response.content.decode()
    assert response.status_code == 413
    assert "提交的文字超过" in page
    assert "上传文件" in page
    assert PlanImport.objects.count() == 0


def docx_with_table(rows: list[list[str]]) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("某区教育局2024年政务公开工作台账")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Headers in no words the importer knows: the table is shown, not read.
ODD_TABLE = [
    ["编号", "要做的事", "谁来做", "何时"],
    ["1", "公开部门预算。", "计财股", "3月底前"],
    ["2", "公开部门决算。", "办公室", "9月底前"],
]


def test_a_table_whose_header_is_not_understood_is_read_with_the_roles_the_office_sets(
    office_client, bureau
):
    # given: the upload reaches the preview with the table shown as read, and no task
    upload = SimpleUploadedFile("台账.docx", docx_with_table(ODD_TABLE))
    start = office_client.post(reverse("tasks:import_start"), {"document": upload})
    preview = office_client.get(start.url)
    [table] = preview.context["tables_form"].tables
    assert (table["roles"], preview.context["rows"]) == (None, [])
    assert "要做的事" in preview.content.decode()

    # when: the office says what each column holds
    roles = {"t0-header": "1", "t0-c0": "number", "t0-c1": "text", "t0-c2": "units",
             "t0-c3": "deadline"}  # fmt: skip
    pk = PlanImport.objects.get(department=bureau).pk
    response = office_client.post(reverse("tasks:import_tables", args=[pk]), roles)

    # then: the tasks are read from the table, and the reading remembers the office's roles
    plan_import = PlanImport.objects.get(department=bureau)
    tasks = plan_import.parsed["tasks"]
    assert response.url == start.url
    assert [(t["text"], t["units"], t["deadline"]) for t in tasks] == [
        ("公开部门预算。", ["计财股"], "2024-03-31"),
        ("公开部门决算。", ["办公室"], "2024-09-30"),
    ]
    assert plan_import.parsed["tables"][0]["set_by_office"] is True
    assert Plan.objects.count() == 0


def test_roles_without_a_task_text_column_are_refused_and_the_reading_is_kept(
    office_client, bureau
):
    upload = SimpleUploadedFile("台账.docx", docx_with_table(ODD_TABLE))
    office_client.post(reverse("tasks:import_start"), {"document": upload})
    before = PlanImport.objects.get(department=bureau).parsed

    pk = PlanImport.objects.get(department=bureau).pk
    response = office_client.post(
        reverse("tasks:import_tables", args=[pk]), {"t0-header": "1", "t0-c2": "units"}, follow=True
    )

    assert "选择存放任务内容的列" in response.content.decode()
    assert PlanImport.objects.get(department=bureau).parsed == before


def test_confirming_with_no_task_ticked_creates_nothing(office_client, bureau, seed_bytes):
    start = office_client.post(reverse("tasks:import_start"), {"text": seed_bytes.decode()})
    data = posted_back(office_client.get(start.url).context)
    for key in [k for k in data if k.endswith("-include")]:
        del data[key]

    response = office_client.post(start.url, data)

    assert response.status_code == 200
    assert "没有可导入的任务" in response.content.decode()
    assert Plan.objects.count() == 0


def test_uploading_a_task_breakdown_spreadsheet_reaches_the_preview(
    office_client, bureau, tmp_path
):
    path = write_source("g_city_xlsx_merged_categories", tmp_path)
    upload = SimpleUploadedFile(path.name, path.read_bytes())

    response = office_client.post(reverse("tasks:import_start"), {"document": upload})

    plan_import = PlanImport.objects.get(department=bureau)
    assert response.url == reverse("tasks:import_preview", args=[plan_import.pk])
    assert plan_import.source_name == path.name
    assert len(plan_import.parsed["tasks"]) == 5


# --- the command line -------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_plan_dry_run_prints_exactly_the_contract_and_saves_nothing(seed_bytes):
    before = counts() | {"PlanImport": PlanImport.objects.count()}
    out = io.StringIO()

    call_command("import_plan", str(SEED), "--dry-run", "--json", stdout=out)

    printed = json.loads(out.getvalue())
    assert set(printed) == {"plan", "tasks", "warnings"}
    assert set(printed["plan"]) == {"title", "number", "issuer", "issued_on", "year", "upstream"}
    assert len(printed["tasks"]) == 13
    assert {frozenset(t) for t in printed["tasks"]} == {
        frozenset(
            {
                "path",
                "text",
                "units",
                "lead",
                "deadline",
                "recurrence",
                "ongoing",
                "milestone",
                "leads",
                "note",
                "response_days",
            }
        )
    }
    assert {frozenset(w) for w in printed["warnings"]} == {frozenset({"task", "message"})}
    assert printed["plan"]["issued_on"] == "2018-07-24"
    assert printed["tasks"][12]["deadline"] == "2018-11-11"
    assert counts() | {"PlanImport": PlanImport.objects.count()} == before


# --- the preview on a real plan: grouped warnings, one answer per kind or phrase --------------

TZ = ZoneInfo("Asia/Shanghai")
LEDGER = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "reference"
    / "plans"
    / "18-tianchang-minzhengju-2023-05-zwgk-wancheng-qingkuang.txt"
)


def preview_of(client, text: str):
    """The office pastes ``text``: the preview's address and its page."""
    start = client.post(reverse("tasks:import_start"), {"text": text})
    return start.url, client.get(start.url)


def pick_field(context, name: str) -> str:
    """The form field of the unit picker for ``name``."""
    [field] = [field.html_name for phrase, field in context["picks"] if phrase.name == name]
    return field


def unit_pks(bureau: Department, *names: str) -> list[str]:
    return [str(bureau.units.get(name=n).pk) for n in names]


@time_machine.travel(datetime.datetime(2018, 8, 1, 9, tzinfo=TZ), tick=False)
def test_the_seeds_fifteen_warnings_show_as_one_block_a_kind(office_client, seed_bytes):
    _url, page = preview_of(office_client, seed_bytes.decode())

    groups = {g.code: g for g in page.context["groups"]}
    html = page.content.decode()
    assert {code: len(g.warnings) for code, g in groups.items()} == {
        "to_be_chosen": 3,
        "no_deadline": 12,
    }
    assert groups["no_deadline"].message is not None  # said once, its tasks listed as numbers
    assert groups["no_deadline"].control == "undated"
    assert html.count('id="check-no_deadline"') == 1
    assert html.count(escape(groups["no_deadline"].message)) == 1 + 12  # the block, the badges
    assert 'name="undated-how"' in html


def test_one_date_for_all_undated_tasks_is_applied_on_confirm_except_where_set_by_hand(
    office_client, bureau, seed_bytes
):
    # given
    url, page = preview_of(office_client, seed_bytes.decode())
    data = posted_back(page.context) | {"undated-how": "date", "undated-date": "2018-10-31"}
    data["task-4-due_date"] = "2018-06-30"

    # when
    response = office_client.post(url, data)

    # then
    plan = Plan.objects.get(department=bureau)
    assert response.url == plan.get_absolute_url()
    due = [t.due_date for t in plan.tasks.all()]
    assert due[4] == datetime.date(2018, 6, 30)  # the row edited by hand
    assert due[12] == datetime.date(2018, 11, 11)  # the milestone had a date
    assert set(due[:4] + due[5:12]) == {datetime.date(2018, 10, 31)}


def test_undated_tasks_can_all_become_ongoing_work(office_client, bureau, seed_bytes):
    url, page = preview_of(office_client, seed_bytes.decode())

    office_client.post(url, posted_back(page.context) | {"undated-how": "ongoing"})

    kinds = list(Plan.objects.get(department=bureau).tasks.values_list("deadline_kind", flat=True))
    assert kinds == [Task.DeadlineKind.ONGOING] * 12 + [Task.DeadlineKind.DATE]


def test_units_picked_for_a_collective_phrase_are_assigned_on_every_task_using_it(
    office_client, bureau, seed_bytes
):
    # given: 各承办股室 (tasks 9 and 11) answered once with two sections; 各承办科室 left for later
    url, page = preview_of(office_client, seed_bytes.decode())
    data = posted_back(page.context)
    data[pick_field(page.context, "各承办股室")] = unit_pks(bureau, "教育股", "督导室")

    # when
    office_client.post(url, data)

    # then
    plan = Plan.objects.get(department=bureau)
    tasks = list(plan.tasks.all())
    for task in (tasks[8], tasks[10]):
        assert {roles(task)[n] for n in ("教育股", "督导室")} == {SUPPORT}
        assert roles(task)["办公室"] == LEAD
        assert not task.groups.exists()  # chosen: nothing waits for the office any more
    assert roles(tasks[2]) == {}
    assert [g.name for g in tasks[2].groups.all()] == ["各承办科室"]
    assert UnitAlias.objects.count() == 0


def test_an_unknown_name_picked_as_several_units_assigns_them_all_and_is_not_remembered(
    client, bureau_without_inspection, seed_bytes
):
    # given: 执法检查股 is unknown; the office says it stands for 督导室 and 教育股
    bureau = bureau_without_inspection
    log_in_office(client, bureau)
    url, page = preview_of(client, seed_bytes.decode())
    assert [g.code for g in page.context["groups"]][:1] == ["unknown_unit"]
    data = posted_back(page.context)
    data[pick_field(page.context, "执法检查股")] = unit_pks(bureau, "督导室", "教育股")

    # when
    client.post(url, data)

    # then
    task = Plan.objects.get(department=bureau).tasks.get(position=3)
    assert roles(task) == office_with("督导室", "教育股", "社会事业管理办公室")
    assert UnitAlias.objects.count() == 0


def test_tasks_that_name_no_unit_get_the_units_picked_for_them_all(office_client, bureau):
    if not LEDGER.exists():
        pytest.skip(f"the reference plans are not on this machine ({LEDGER})")
    # given: a progress ledger with no unit column at all
    url, page = preview_of(office_client, LEDGER.read_text())
    count = len(page.context["rows"])
    assert len(next(g for g in page.context["groups"] if g.code == "no_units").warnings) == count
    data = posted_back(page.context)
    data[pick_field(page.context, "")] = unit_pks(bureau, "办公室", "人事股")

    # when
    response = office_client.post(url, data)

    # then: each unit ticked leads every task (its own part, as for 「各科室」)
    plan = Plan.objects.get(department=bureau)
    assert response.url == plan.get_absolute_url()
    assert [roles(t) for t in plan.tasks.all()] == [{"办公室": LEAD, "人事股": LEAD}] * count


@pytest.mark.parametrize(
    ("today", "past"),
    [(datetime.datetime(2018, 9, 1, 9, tzinfo=TZ), []),
     (datetime.datetime(2018, 12, 1, 9, tzinfo=TZ), [12]),  # the milestone of 11 November
     (datetime.datetime(2019, 3, 1, 9, tzinfo=TZ), list(range(13)))],
)  # fmt: skip
def test_deadlines_already_past_are_warned_of_as_one_group(office_client, seed_bytes, today, past):
    with time_machine.travel(today, tick=False):
        _url, page = preview_of(office_client, seed_bytes.decode())

    groups = {g.code: g for g in page.context["groups"]}
    assert [w.task for w in groups.get("past_deadline", WarningGroup("", "", [])).warnings] == past
    if past:
        with override("zh-hans"):
            message = message_for("past_deadline", today=today.date().isoformat())
        assert page.content.decode().count(escape(message)) == 1 + len(past)


def test_bad_choices_are_said_and_the_preview_keeps_every_choice_made(
    office_client, bureau, seed_bytes
):
    # given: 各承办科室 picked, 各承办股室 left with nothing ticked, a date that is no date
    url, page = preview_of(office_client, seed_bytes.decode())
    before = counts()
    data = posted_back(page.context) | {"undated-how": "date", "undated-date": "2018-13-45"}
    chosen = pick_field(page.context, "各承办科室")
    data[chosen] = unit_pks(bureau, "教育股")
    del data[pick_field(page.context, "各承办股室")]

    # when
    response = office_client.post(url, data)

    # then: both are said, nothing is saved, and the page shows what the office chose
    html = response.content.decode()
    assert response.status_code == 200
    assert escape("“各承办股室”：请勾选承办这些任务的单位，或选择暂不指定。") in html
    assert "输入一个有效的日期。" in html
    assert counts() == before
    assert PlanImport.objects.get(department=bureau).status == PlanImport.Status.PREVIEW
    again = response.context
    assert again["mapping_form"][chosen.removeprefix("map-")].value() == unit_pks(bureau, "教育股")
    assert again["undated_form"]["how"].value() == "date"
    assert 'value="2018-13-45"' in html


def test_a_date_for_all_undated_tasks_outside_the_plans_year_is_refused(
    office_client, bureau, seed_bytes
):
    url, page = preview_of(office_client, seed_bytes.decode())
    data = posted_back(page.context) | {"undated-how": "date", "undated-date": "2019-01-31"}

    response = office_client.post(url, data)

    assert response.status_code == 200
    assert "完成时限须在工作方案所属年度（2018年）内。" in response.content.decode()
    assert Plan.objects.count() == 0


def test_an_unknown_name_close_to_a_unit_comes_with_that_unit_ticked(bureau):
    units = list(bureau.units.all())

    assert importing.suggest_units("区教育局办公室", units) == [bureau.units.get(name="办公室")]
    assert set(importing.suggest_units("各学校", units)) == set(
        bureau.units.filter(kind=Unit.Kind.SCHOOL)
    )
    assert importing.suggest_units("各相关股室", units) == []
    assert importing.suggest_units("市外事办", units) == []
