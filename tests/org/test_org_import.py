"""Importing a department's units and people from a workbook or two .csv files: preview,
confirm (all or nothing), idempotent re-import, errors in words, and who may import."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from org import importing
from org.models import Unit, UnitAlias, UnitGroup, User
from org.spreadsheets import SpreadsheetError

URL = reverse("org:organisation_import")

UNITS = [
    ["名称", "简称", "类型", "别名", "分组"],
    ["政策法规股", "法规股", "股室", "政法股", "各股室"],
    ["丰泽实验小学", "实小", "学校", "", "各学校"],
    ["丰泽第一幼儿园", "", "幼儿园", "一幼、丰泽一幼", "各学校"],
]
PEOPLE = [
    ["姓名", "登录名", "单位", "角色", "电子邮箱", "电话"],
    ["张三", "zhangsan", "法规股", "单位负责人", "zs@example.cn", "0595-1234567"],
    ["李四", "lisi", "丰泽实验小学", "工作人员", "", ""],
    ["王五", "wangwu", "一幼", "", "ww@example.cn", ""],
    ["赵局", "zhaoju", "", "领导", "", ""],
]


def workbook(units=UNITS, people=PEOPLE) -> bytes:
    book = openpyxl.Workbook()
    book.worksheets[0].title = "单位"
    for row in units:
        book.worksheets[0].append(row)
    sheet = book.create_sheet("人员")
    for row in people:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def gbk_csv(rows) -> bytes:
    """As Chinese Excel saves 「CSV (逗号分隔)」: GBK, no BOM."""
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("gbk")


def upload(client, *files, department=None):
    """Upload files (name, bytes) and return the preview response."""
    data = {"file": _file(*files[0])}
    if len(files) > 1:
        data["second_file"] = _file(*files[1])
    if department is not None:
        data["department"] = department.pk
    return client.post(URL, data)


def _file(name, content):
    f = io.BytesIO(content)
    f.name = name
    return f


def confirm(client):
    return client.post(URL, {"confirm": "1"})


def test_preview_counts_what_would_change_and_saves_nothing(office_client, world):
    # when
    response = upload(office_client, ("机构.xlsx", workbook()))

    # then
    plan = response.context["plan"]
    assert plan.errors == []
    assert plan.counts == {
        "units": {"create": 3, "update": 0, "unchanged": 0},
        "people": {"create": 4, "update": 0, "unchanged": 0},
    }
    assert [g.name for g in plan.groups] == ["各学校"]  # 各股室 is one of the standard groups
    assert not Unit.objects.filter(name="政策法规股").exists()
    assert not User.objects.filter(username="zhangsan").exists()


def test_confirm_creates_units_groups_aliases_and_people_without_password(office_client, world):
    upload(office_client, ("机构.xlsx", workbook()))

    response = confirm(office_client)

    assert response.context["done"]
    section = Unit.objects.get(department=world.department, name="政策法规股")
    assert (section.short_name, section.kind) == ("法规股", Unit.Kind.SECTION)
    kindergarten = Unit.objects.get(department=world.department, name="丰泽第一幼儿园")
    assert kindergarten.kind == Unit.Kind.SCHOOL
    assert set(kindergarten.aliases.values_list("name", flat=True)) == {"一幼", "丰泽一幼"}
    assert UnitAlias.objects.get(name="政法股").unit == section
    schools = UnitGroup.objects.get(department=world.department, name="各学校")
    assert set(schools.members().values_list("name", flat=True)) == {
        "丰泽实验小学",
        "丰泽第一幼儿园",
    }
    head = User.objects.get(username="zhangsan")
    assert (head.full_name, head.unit, head.role, head.email) == (
        "张三",
        section,
        User.Role.UNIT_HEAD,
        "zs@example.cn",
    )
    assert head.department == world.department
    assert head.groups.get() == section.group  # in the unit's permission group
    assert not head.has_usable_password()
    assert User.objects.get(username="wangwu").unit == kindergarten  # found by its alias
    assert User.objects.get(username="zhaoju").role == User.Role.LEADER
    assert "新建的 4 名人员暂时无法登录" in response.content.decode()


def test_importing_the_same_file_again_changes_nothing_and_says_so(office_client, world):
    upload(office_client, ("机构.xlsx", workbook()))
    confirm(office_client)
    units, people = Unit.objects.count(), User.objects.count()

    response = upload(office_client, ("机构.xlsx", workbook()))

    plan = response.context["plan"]
    assert plan.changes_nothing
    assert plan.counts["units"] == {"create": 0, "update": 0, "unchanged": 3}
    assert plan.counts["people"] == {"create": 0, "update": 0, "unchanged": 4}
    assert 'name="confirm"' not in response.content.decode()
    assert (Unit.objects.count(), User.objects.count()) == (units, people)


def test_a_changed_email_updates_the_person(office_client, world):
    upload(office_client, ("机构.xlsx", workbook()))
    confirm(office_client)
    people = [row[:] for row in PEOPLE]
    people[1][4] = "zhangsan@new.example.cn"

    plan = upload(office_client, ("机构.xlsx", workbook(people=people))).context["plan"]
    assert plan.counts["people"] == {"create": 0, "update": 1, "unchanged": 3}
    assert "zhangsan@new.example.cn" in plan.people[0].changes[0]
    confirm(office_client)

    assert User.objects.get(username="zhangsan").email == "zhangsan@new.example.cn"


def test_gbk_csv_files_are_read_each_by_its_headers(office_client, world):
    # People first: each .csv is told apart by its columns, not its place in the form.
    response = upload(office_client, ("人员.csv", gbk_csv(PEOPLE)), ("单位.csv", gbk_csv(UNITS)))
    assert response.context["plan"].errors == []

    confirm(office_client)

    assert User.objects.get(username="lisi").unit.name == "丰泽实验小学"


def test_english_headers_are_read_too():
    english = [["name", "short name", "kind"], ["Policy Section", "Policy", "section"]]
    rows = importing.read([importing.Upload("units.csv", gbk_csv(english))])
    assert rows[importing.UNITS_SHEET][0].values == {
        "name": "Policy Section",
        "short_name": "Policy",
        "kind": "section",
    }


def test_row_errors_are_told_in_words_and_block_the_import(office_client, world):
    people = [
        PEOPLE[0],
        ["张三", "zhangsan", "法规股", "单位负责人", "not-an-address", ""],
        ["李四", "lisi", "不存在的股", "工作人员", "", ""],
        ["李四二", "lisi", "法规股", "工作人员", "", ""],
        ["王五", "wangwu", "法规股", "局长", "", ""],
        ["钱六", "qianliu", "办公室", "", "", ""],  # the other bureau's office too, but ours
        ["孙七", "sunqi", "其他股", "", "", ""],
    ]
    Unit.objects.create(department=world.other_department, name="其他股")
    response = upload(office_client, ("机构.xlsx", workbook(people=people)))

    page = response.content.decode()
    messages = [str(e) for e in response.context["plan"].errors]
    assert any("not-an-address" in m for m in messages)
    assert any("不存在的股" in m for m in messages)
    assert "“人员”表第4行：登录名“lisi”与第3行重复。" in messages
    assert any("局长" in m for m in messages)
    assert "“人员”表第7行：“其他股”是其他机关的单位。" in messages
    assert len(messages) == 5
    assert 'name="confirm"' not in page

    # A confirmation posted anyway saves nothing, not even the good rows.
    confirm(office_client)
    assert not Unit.objects.filter(name="政策法规股").exists()
    assert not User.objects.filter(username__in=["qianliu", "zhangsan"]).exists()


def test_a_group_that_cannot_hold_the_unit_is_an_error(office_client, world):
    units = [UNITS[0], ["丰泽实验小学", "", "学校", "", "各股室"]]  # a school among the sections

    plan = upload(office_client, ("机构.xlsx", workbook(units, PEOPLE[:1]))).context["plan"]

    assert len(plan.errors) == 1
    assert "各股室" in str(plan.errors[0])


def test_another_departments_office_cannot_import_into_this_one(client, world, office_staff):
    other_office = User.objects.get(department=world.other_department, role=User.Role.OFFICE)
    client.force_login(other_office)

    # The department field is fixed to their own: another's is no choice.
    response = upload(client, ("机构.xlsx", workbook()), department=world.department)
    assert "department" in response.context["form"].errors

    # Their own import cannot take over this department's people either.
    people = [PEOPLE[0], ["办公室", office_staff.username, "办公室", "办公室", "", ""]]
    plan = upload(client, ("机构.xlsx", workbook(UNITS[:1], people))).context["plan"]
    assert plan.department == world.other_department
    assert len(plan.errors) == 1
    confirm(client)
    office_staff.refresh_from_db()
    assert office_staff.department == world.department
    assert not Unit.objects.filter(department=world.department, name="政策法规股").exists()


@pytest.mark.parametrize("persona", ["leader", "unit_head"])
def test_only_office_staff_and_administrators_import(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("org:organisation_import_template")).status_code == 403


def test_an_administrator_chooses_the_department(client, world, sysadmin):
    client.force_login(sysadmin)

    upload(client, ("机构.xlsx", workbook()), department=world.other_department)
    confirm(client)

    assert Unit.objects.get(name="政策法规股").department == world.other_department
    assert User.objects.get(username="zhangsan").department == world.other_department


def test_an_administrator_cannot_be_changed_by_an_import(office_client, world, sysadmin):
    people = [PEOPLE[0], ["管理员", sysadmin.username, "办公室", "办公室", "", ""]]
    plan = upload(office_client, ("机构.xlsx", workbook(UNITS[:1], people))).context["plan"]
    assert "是系统管理员" in str(plan.errors[0])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("机构.xlsx", b"", "empty"),
        ("机构.xls", b"old", "not an .xlsx or .csv"),
        ("机构.xlsx", b"PK\x03\x04 cut off", "not a real .xlsx"),
        ("机构.csv", b"x" * (importing.MAX_BYTES + 1), "larger than 2 MB"),
        ("人员.csv", gbk_csv([["姓名", "单位"], ["张三", "法规股"]]), "lacks the columns 名称"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(name, content, message):
    with translation.override("en"), pytest.raises(SpreadsheetError, match=message):
        importing.read([importing.Upload(name, content)])


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    with translation.override("en"), pytest.raises(SpreadsheetError, match="more than 2 rows"):
        importing.read([importing.Upload("单位.csv", gbk_csv(UNITS))])


def test_the_template_opens_with_the_documented_headers(office_client):
    response = office_client.get(reverse("org:organisation_import_template"))

    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    headers = {
        title: next(book[title].iter_rows(max_row=1, values_only=True))
        for title in ("单位", "人员")
    }
    assert headers["单位"] == tuple(c.header for c in importing.UNIT_COLUMNS)
    assert headers["人员"] == tuple(c.header for c in importing.PEOPLE_COLUMNS)
    # and the upload page documents the same columns
    page = office_client.get(URL).content.decode()
    for column in (*importing.UNIT_COLUMNS, *importing.PEOPLE_COLUMNS):
        assert column.header in page
