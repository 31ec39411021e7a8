"""Setting up a department from a spreadsheet: its units (股室, schools) and its people.

read (files → rows) → plan (rows → what would change, and what is wrong, row by row) → apply
(all of it in one transaction, or nothing). Units are matched by name within the department,
people by login, so importing the same file twice changes nothing the second time.

Decisions: an empty cell keeps what is recorded (a new row takes the default), so a file of
names and logins alone never wipes e-mails typed in the admin. Aliases and groups are added,
never removed: plan imports teach aliases too. A group is a rule over kinds (UnitGroup), so a
new group named by sections holds every section, by sections and schools every unit.
"""

from __future__ import annotations

import enum
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.sizes import megabytes

from .models import Department, Unit, UnitAlias, UnitGroup, User
from .services import UNIT_ROLES, add_alias, save_person, save_unit
from .spreadsheets import SpreadsheetError, csv_rows, header_key, normalise, xlsx_sheets

# A department has a few hundred units and a few thousand people: far below these.
MAX_BYTES = 2 * 2**20
MAX_ROWS = 5000
MAX_COLUMNS = 30
UNITS_SHEET, PEOPLE_SHEET = "单位", "人员"
_SHEET_NAMES = {UNITS_SHEET: ("单位", "units"), PEOPLE_SHEET: ("人员", "people")}
_LIST_SEPARATORS = re.compile(r"[、,，;；/\n]+")


# --- Columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as in the template
    english: str
    help: Any  # lazily translated: shown on the upload page and in the template's notes
    synonyms: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> tuple[str, ...]:
        return (self.header, self.english, *self.synonyms)


UNIT_COLUMNS = (
    Column("name", "名称", "name", gettext_lazy("The unit's full name."), ("单位名称",), True),
    Column("short_name", "简称", "short name", gettext_lazy("As plans write it, optional."),
           ("单位简称",)),
    Column("kind", "类型", "kind",
           gettext_lazy("股室 or 科室 for a section; 学校, 幼儿园 or 直属单位 for an affiliated "
                        "unit. Empty: a section."), ("单位类型", "类别")),
    Column("aliases", "别名", "aliases",
           gettext_lazy("Other names plans use for it, separated by 、 or commas."),
           ("其他名称",)),
    Column("groups", "分组", "groups",
           gettext_lazy("Collective names that include it, such as 各股室 or 各学校, "
                        "separated by 、 or commas."), ("所属分组", "统称")),
)  # fmt: skip
PEOPLE_COLUMNS = (
    Column("full_name", "姓名", "full name", gettext_lazy("The person's name."), ("name",), True),
    Column("username", "登录名", "login",
           gettext_lazy("What they log in with; it finds the person again on the next import."),
           ("账号", "用户名", "username"), True),
    Column("unit", "单位", "unit",
           gettext_lazy("Name, short name or alias of a unit of the department or of the units "
                        "sheet. Leaders may leave it empty."), ("所在单位", "所属单位")),
    Column("role", "角色", "role",
           gettext_lazy("办公室, 单位负责人, 工作人员 or 领导. Empty: 工作人员."), ("身份",)),
    Column("email", "电子邮箱", "e-mail", gettext_lazy("For reminders, optional."),
           ("邮箱", "电子邮件", "email")),
)  # fmt: skip

_KINDS: dict[str, str] = {
    **dict.fromkeys(("股室", "科室", "处室", "股", "室", "section"), Unit.Kind.SECTION),
    **dict.fromkeys(
        ("学校", "幼儿园", "直属单位", "下属单位", "事业单位", "school"), Unit.Kind.SCHOOL
    ),
}
_ROLES: dict[str, str] = {
    **dict.fromkeys(("办公室", "办公室人员", "office"), User.Role.OFFICE),
    **dict.fromkeys(("负责人", "股室负责人", "head"), User.Role.UNIT_HEAD),
    **dict.fromkeys(("工作人员", "经办人", "联络员", "staff"), User.Role.UNIT_STAFF),
    **dict.fromkeys(("领导", "局领导"), User.Role.LEADER),
    **dict.fromkeys(("管理员", "admin"), User.Role.ADMIN),
}


def _labels(choices: Any) -> dict[str, str]:
    """Each choice's label in every language, as people copy it from a page."""
    labels: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels |= {normalise(str(label)).lower(): value for value, label in choices}
    return labels


def _parse_choice(words: dict[str, str], choices: Any, text: str) -> str | None:
    key = normalise(text).lower()
    return {**_labels(choices), **words}.get(key)


# --- Reading ------------------------------------------------------------------------------


@dataclass
class RowError:
    sheet: str
    row: int  # as Excel numbers it
    message: str

    def __str__(self) -> str:
        return _("{sheet}, row {row}: {message}").format(
            sheet=self.sheet, row=self.row, message=self.message
        )


@dataclass
class Row:
    number: int
    values: dict[str, str]  # field -> the cell's text, "" when empty; absent columns absent


@dataclass
class Upload:
    name: str
    data: bytes


def read(uploads: list[Upload]) -> dict[str, list[Row]]:
    """The rows of each sheet (UNITS_SHEET, PEOPLE_SHEET) found in the files: an .xlsx with
    sheets named 单位 and 人员, or .csv files each told apart by its headers. Raises
    SpreadsheetError for a file that cannot be read as a whole."""
    sheets: dict[str, list[Row]] = {}
    for upload in uploads:
        if not upload.data:
            raise SpreadsheetError(_("“{name}” is empty.").format(name=upload.name))
        if len(upload.data) > MAX_BYTES:
            raise SpreadsheetError(
                _("“{name}” is larger than {limit} MB.").format(
                    name=upload.name, limit=megabytes(MAX_BYTES)
                )
            )
        kind = upload.name.lower().rpartition(".")[2]
        if kind == "xlsx":
            found = _named_sheets(
                xlsx_sheets(upload.data, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
            )
        elif kind == "csv":
            found = _csv_sheet(upload.name, csv_rows(upload.data))
        else:
            raise SpreadsheetError(
                _("“{name}” is not an .xlsx or .csv file.").format(name=upload.name)
            )
        for sheet, rows in found.items():
            if sheet in sheets:
                raise SpreadsheetError(_("Two files hold the sheet {sheet}.").format(sheet=sheet))
            sheets[sheet] = rows
    return sheets


def _columns(sheet: str) -> tuple[Column, ...]:
    return UNIT_COLUMNS if sheet == UNITS_SHEET else PEOPLE_COLUMNS


def _named_sheets(book: dict[str, list[list[Any]]]) -> dict[str, list[Row]]:
    found = {}
    for title, cells in book.items():
        for sheet, names in _SHEET_NAMES.items():
            if normalise(title).lower() in names:
                found[sheet] = _rows(sheet, cells)
    if not found:
        raise SpreadsheetError(
            _("The workbook has no sheet named {units} or {people}.").format(
                units=UNITS_SHEET, people=PEOPLE_SHEET
            )
        )
    return found


def _csv_sheet(name: str, cells: list[list[Any]]) -> dict[str, list[Row]]:
    """A .csv holds one sheet: the people's if it has a login column."""
    header = {header_key(cell).lower() for cell in (cells[0] if cells else [])}
    login = {normalise(n).lower() for n in PEOPLE_COLUMNS[1].names()}
    sheet = PEOPLE_SHEET if header & login else UNITS_SHEET
    return {sheet: _rows(sheet, cells)}


def _rows(sheet: str, cells: list[list[Any]]) -> list[Row]:
    """The first row names the columns; blank rows are skipped."""
    if len(cells) > MAX_ROWS + 1:
        raise SpreadsheetError(
            _("The sheet {sheet} has more than {limit} rows: split it into several files.").format(
                sheet=sheet, limit=MAX_ROWS
            )
        )
    columns = _columns(sheet)
    by_name = {normalise(n).lower(): c for c in columns for n in c.names()}
    header = cells[0] if cells else []
    positions: dict[int, Column] = {}
    for i, cell in enumerate(header):
        column = by_name.get(header_key(cell).lower())
        if column is None:
            continue  # columns of the office's own (电话, 备注 …) are left alone
        if column in positions.values():
            raise SpreadsheetError(
                _("The sheet {sheet} has two columns for {column}.").format(
                    sheet=sheet, column=column.header
                )
            )
        positions[i] = column
    missing = [c.header for c in columns if c.required and c not in positions.values()]
    if missing:
        raise SpreadsheetError(
            _("The sheet {sheet} lacks the columns {columns} in its first row.").format(
                sheet=sheet, columns="、".join(missing)
            )
        )
    rows = []
    for number, line in enumerate(cells[1:], start=2):
        values = {
            column.field: _text(line[i] if i < len(line) else None)
            for i, column in positions.items()
        }
        if any(values.values()):
            rows.append(Row(number, values))
    return rows


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a login of digits that Excel took for a number
    return "" if value is None else str(value).strip()


# --- Planning -----------------------------------------------------------------------------


class Action(enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass
class UnitPlan:
    row: int
    name: str
    unit: Unit | None  # None: to be created
    fields: dict[str, str]  # field -> new value
    aliases: list[str]  # to add
    changes: list[str]

    @property
    def action(self) -> Action:
        if self.unit is None:
            return Action.CREATE
        return Action.UPDATE if self.changes else Action.UNCHANGED


@dataclass
class PersonPlan:
    row: int
    username: str
    user: User | None
    fields: dict[str, Any]  # unit given by the unit's name (it may be created first)
    unit_name: str | None
    changes: list[str]

    @property
    def action(self) -> Action:
        if self.user is None:
            return Action.CREATE
        return Action.UPDATE if self.changes else Action.UNCHANGED


@dataclass
class ImportPlan:
    department: Department
    units: list[UnitPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    groups: list[UnitGroup] = field(default_factory=list)  # new, unsaved
    errors: list[RowError] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """{"units": {"create": n, "update": n, "unchanged": n}, "people": {…}}"""
        return {
            "units": {a.value: sum(1 for r in self.units if r.action == a) for a in Action},
            "people": {a.value: sum(1 for r in self.people if r.action == a) for a in Action},
        }

    @property
    def changes_nothing(self) -> bool:
        counts = self.counts
        changed = sum(
            counts[kind][a.value] for kind in counts for a in (Action.CREATE, Action.UPDATE)
        )
        return not self.groups and changed == 0

    @property
    def new_people(self) -> int:
        return self.counts["people"][Action.CREATE.value]


def plan(department: Department, sheets: dict[str, list[Row]]) -> ImportPlan:
    """What importing the sheets into the department would do, and every row's errors."""
    result = ImportPlan(department)
    units = {u.name: u for u in Unit.objects.filter(department=department)}
    _plan_units(result, units, sheets.get(UNITS_SHEET, []))
    _plan_people(result, units, sheets.get(PEOPLE_SHEET, []))
    return result


def _shown(field_name: str, value: Any) -> Any:
    """Kinds and roles as their labels, not their codes."""
    if field_name == "kind" and value:
        return Unit.Kind(value).label
    if field_name == "role" and value:
        return User.Role(value).label
    return value


def _describe(label: Any, old: Any, new: Any) -> str:
    return _("{field}: “{old}” → “{new}”").format(field=label, old=old or "—", new=new)


def _plan_units(result: ImportPlan, units: dict[str, Unit], rows: list[Row]) -> None:
    department = result.department
    aliases = {a.name: a.unit for a in UnitAlias.objects.filter(department=department)}
    groups = {g.name: g for g in UnitGroup.objects.filter(department=department)}
    names_in_file = {row.values["name"] for row in rows}
    seen: dict[str, int] = {}  # name or alias -> the row that claimed it
    group_kinds: dict[str, set[str]] = defaultdict(set)

    def error(row: Row, message: str) -> None:
        result.errors.append(RowError(UNITS_SHEET, row.number, message))

    for row in rows:
        name = row.values["name"]
        unit = units.get(name)
        kind_text = row.values.get("kind", "")
        kind = _parse_choice(_KINDS, Unit.Kind.choices, kind_text) if kind_text else None
        before = len(result.errors)
        if not name:
            error(row, _("The name is empty."))
        elif len(name) > 100 or len(row.values.get("short_name", "")) > 30:
            error(row, _("The name is longer than 100 characters or the short name than 30."))
        elif name in seen:
            error(row, _("“{name}” is also on row {row}.").format(name=name, row=seen[name]))
        if kind_text and kind is None:
            error(
                row, _("“{text}” is not a kind of unit: write 股室 or 学校.").format(text=kind_text)
            )
        if len(result.errors) > before:
            continue
        seen[name] = row.number
        wanted = {"name": name, "short_name": row.values.get("short_name", ""), "kind": kind or ""}
        fields = {k: v for k, v in wanted.items() if v}
        if unit is None:
            fields.setdefault("kind", Unit.Kind.SECTION)
            changes = []
        else:
            labels = {"short_name": _("short name"), "kind": _("kind")}
            changes = [
                _describe(labels[k], _shown(k, getattr(unit, k)), _shown(k, v))
                for k, v in fields.items()
                if k != "name" and getattr(unit, k) != v
            ]
        new_aliases = []
        for alias in _split(row.values.get("aliases", "")):
            owner = aliases.get(alias)
            if alias in (name, fields.get("short_name")) or (owner and owner.name == name):
                continue
            if owner is not None or (alias in units and alias != name) or alias in names_in_file:
                error(row, _("“{alias}” already names another unit.").format(alias=alias))
            elif alias in seen:
                error(row, _("“{name}” is also on row {row}.").format(name=alias, row=seen[alias]))
            else:
                seen[alias] = row.number
                new_aliases.append(alias)
                changes.append(_("alias: + “{alias}”").format(alias=alias))
        unit_kind = fields.get("kind") or (unit.kind if unit else Unit.Kind.SECTION)
        for name_of_group in _split(row.values.get("groups", "")):
            group = groups.get(name_of_group)
            if group is None and len(name_of_group) > 30:
                error(row, _("A group's name has at most 30 characters."))
            elif group is None:
                group_kinds[name_of_group].add(unit_kind)
            elif group.rule == UnitGroup.Rule.CHOSEN or (
                group.rule != UnitGroup.Rule.ALL and group.rule != _RULE_OF_KIND[unit_kind]
            ):
                error(
                    row,
                    _("The group “{group}” means {rule}; this unit cannot be one of them.").format(
                        group=group.name, rule=group.get_rule_display()
                    ),
                )
        result.units.append(UnitPlan(row.number, name, unit, fields, new_aliases, changes))
    for name, kinds in group_kinds.items():
        # A group of units standing for subordinate departments has no rule of its own: all.
        rule = (
            _RULE_OF_KIND.get(kinds.pop(), UnitGroup.Rule.ALL)
            if len(kinds) == 1
            else UnitGroup.Rule.ALL
        )
        result.groups.append(UnitGroup(department=department, name=name, rule=rule))


_RULE_OF_KIND: dict[str, str] = {
    Unit.Kind.SECTION: UnitGroup.Rule.SECTIONS,
    Unit.Kind.SCHOOL: UnitGroup.Rule.SCHOOLS,
}


def _split(text: str) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in _LIST_SEPARATORS.split(text) if p.strip()))


def _unit_names(result: ImportPlan, units: dict[str, Unit]) -> dict[str, str]:
    """Every name a unit of the department goes by once the import is done → its name."""
    index = {}
    for unit in units.values():
        index[unit.name] = unit.name
        if unit.short_name:
            index.setdefault(unit.short_name, unit.name)
    for alias in UnitAlias.objects.filter(department=result.department).select_related("unit"):
        index.setdefault(alias.name, alias.unit.name)
    for planned in result.units:
        index[planned.name] = planned.name
        for other in (planned.fields.get("short_name"), *planned.aliases):
            if other:
                index.setdefault(other, planned.name)
    return index


def _plan_people(result: ImportPlan, units: dict[str, Unit], rows: list[Row]) -> None:
    department = result.department
    unit_names = _unit_names(result, units)
    logins = [row.values["username"] for row in rows]
    existing = {u.username: u for u in User.objects.filter(username__in=logins)}
    elsewhere = set(
        Unit.objects.exclude(department=department).values_list("name", flat=True)
    ) - set(unit_names)
    seen: dict[str, int] = {}
    labels = {
        "full_name": _("full name"),
        "role": _("role"),
        "email": _("e-mail"),
        "unit": _("unit"),
    }

    for row in rows:
        errors: list[str] = []
        username = row.values["username"]
        full_name = row.values["full_name"]
        user = existing.get(username)
        if not username:
            errors.append(_("The login is empty."))
        elif username in seen:
            errors.append(
                _("The login “{login}” is also on row {row}.").format(
                    login=username, row=seen[username]
                )
            )
        else:
            try:
                User.username_validator(username)
                if len(username) > 150:
                    raise ValidationError("")
            except ValidationError:
                errors.append(
                    _("“{login}” is not a login: letters, digits and @ . + - _ only.").format(
                        login=username
                    )
                )
        if user is not None and (user.is_superuser or user.role == User.Role.ADMIN):
            errors.append(_("“{login}” is a system administrator.").format(login=username))
        # Someone with no department yet (single sign-on leaves a person it could not place so,
        # org/sso.py) is any office's to place.
        elif user is not None and user.department_id not in (None, department.pk):
            errors.append(_("“{login}” is a person of another department.").format(login=username))
        if not full_name or len(full_name) > 50:
            errors.append(_("The full name is empty or longer than 50 characters."))
        fields: dict[str, Any] = {"full_name": full_name}
        role_text = row.values.get("role", "")
        if role_text:
            role = _parse_choice(_ROLES, User.Role.choices, role_text)
            if role is None:
                errors.append(
                    _("“{text}” is not a role: write 办公室, 单位负责人, 工作人员 or 领导.").format(
                        text=role_text
                    )
                )
            elif role == User.Role.ADMIN:
                errors.append(_("System administrators are made in the administration pages."))
            else:
                fields["role"] = role
        email = row.values.get("email", "")
        if email:
            try:
                validate_email(email)
                fields["email"] = email
            except ValidationError:
                errors.append(_("“{email}” is not an e-mail address.").format(email=email))
        unit_text = row.values.get("unit", "")
        unit_name = unit_names.get(unit_text) if unit_text else None
        if unit_text and unit_name is None:
            if unit_text in elsewhere:
                errors.append(_("“{unit}” is a unit of another department.").format(unit=unit_text))
            else:
                errors.append(_("“{unit}” is no unit of the department.").format(unit=unit_text))
        role = fields.get("role") or (user.role if user else User.Role.UNIT_STAFF)
        has_unit = unit_name is not None or (user is not None and user.unit_id is not None)
        if role in UNIT_ROLES and not has_unit and not unit_text:
            errors.append(_("This role needs a unit."))
        seen.setdefault(username, row.number)
        if errors:
            result.errors += [RowError(PEOPLE_SHEET, row.number, e) for e in errors]
            continue
        changes = []
        if user is not None:
            changes = [
                _describe(labels[k], _shown(k, getattr(user, k)), _shown(k, v))
                for k, v in fields.items()
                if getattr(user, k) != v
            ]
            old_unit = user.unit.name if user.unit else None
            if unit_name is not None and old_unit != unit_name:
                changes.append(_describe(labels["unit"], old_unit, unit_name))
        result.people.append(PersonPlan(row.number, username, user, fields, unit_name, changes))


# --- Applying -----------------------------------------------------------------------------


class ImportRefused(Exception):
    """The plan has errors: nothing is saved."""


@transaction.atomic
def apply(result: ImportPlan) -> ImportPlan:
    """Save the plan: every row, or, if any row is wrong, none (ImportRefused)."""
    if result.errors:
        raise ImportRefused
    department = result.department
    saved: dict[str, Unit] = {u.name: u for u in Unit.objects.filter(department=department)}
    for planned in result.units:
        if planned.action == Action.UNCHANGED:
            continue
        unit = planned.unit or Unit(department=department)
        for name, value in planned.fields.items():
            setattr(unit, name, value)
        saved[planned.name] = save_unit(unit)
        for alias in planned.aliases:
            add_alias(department, name=alias, unit=saved[planned.name])
    for group in result.groups:
        group.full_clean()
        group.save()
    for person in result.people:
        if person.action == Action.UNCHANGED:
            continue
        user = person.user or User(username=person.username)
        user.department = department
        if person.user is None:
            # No password until an administrator sets one (or single sign-on is turned on).
            user.set_unusable_password()
        for name, value in person.fields.items():
            setattr(user, name, value)
        if person.unit_name is not None:
            user.unit = saved[person.unit_name]
        save_person(user)
    return result


# --- The template -------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """An empty workbook with the two sheets' headers and a sheet of notes on each column."""
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.worksheets[0]
    notes.title = "说明"
    notes.append([_("Sheet"), _("Column"), _("Also read as"), _("Required"), _("What to write")])
    for sheet, columns in ((UNITS_SHEET, UNIT_COLUMNS), (PEOPLE_SHEET, PEOPLE_COLUMNS)):
        data = book.create_sheet(sheet)
        data.append([c.header for c in columns])
        data.freeze_panes = "A2"
        for c in columns:
            also = "、".join((c.english, *c.synonyms))
            notes.append([sheet, c.header, also, _("yes") if c.required else "", str(c.help)])
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
