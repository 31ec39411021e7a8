"""The request register as offices keep it in Excel: read .xlsx/.csv, write .xlsx/.csv.

Pure logic, no database: columns are recognised by their header text (with the synonyms
offices use), cells are turned into the model's field values, and what cannot be read is a
``RowError`` with the row number the user sees in Excel. What is written reads back the same.

Decisions: 延期 holds the extension in working days; 「是」 means the statutory maximum
(20 working days, 第三十三条), 「否」 or blank none. 办理结果 and 申请人类型 are the labels of
the official table 三, with or without its numbering (「1.」「(三)」, full- or half-width).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.sizes import megabytes
from org.spreadsheets import (
    FORMULA_STARTS,
    SpreadsheetError,
    csv_cell,
    csv_rows,
    header_key,
    keep_as_text,
    normalise,
)
from plans.parsing import PlanFormatError
from plans.readers import isolated
from plans.readers.office import first_sheet_values

from .deadlines import MAX_EXTENSION_DAYS
from .models import DisclosureRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_BYTES = 5 * 1024 * 1024
MAX_FEE = Decimal(10**8)  # the fee's column holds 10 digits, two of them decimals
HEADER_SEARCH_ROWS = 10

Outcome = DisclosureRequest.Outcome
ApplicantType = DisclosureRequest.ApplicantType
Channel = DisclosureRequest.Channel


# The file as a whole cannot be read (nothing is imported).
RegisterFileError = SpreadsheetError


@dataclass
class RowError:
    row: int  # as Excel numbers it (1 is the first line of the sheet)
    column: str  # the header as written in the file, or "" for the whole row
    message: str

    def __str__(self) -> str:
        if self.column:
            return str(
                _("Row {row}, {column}: {message}").format(
                    row=self.row, column=self.column, message=self.message
                )
            )
        return str(_("Row {row}: {message}").format(row=self.row, message=self.message))


class CellError(ValueError):
    pass


# --- Normalising labels ------------------------------------------------------------------

_NUMBERING = re.compile(
    r"^(?:\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+[、.]|\(\d+\)|\d+[.、)])"
)


def strip_numbering(text: str) -> str:
    while (match := _NUMBERING.match(text)) and match.end() < len(text):
        text = text[match.end() :]
    return text


def _label_key(text: str) -> str:
    return strip_numbering(normalise(text))


# Outcome labels are "（三）不予公开 1.属于国家秘密": a group and, in most groups, a reason.
def _outcome_groups() -> dict[str, dict[str, str]]:
    groups: dict[str, dict[str, str]] = {}
    for value, label in Outcome.choices:
        group, _space, reason = str(label).partition(" ")
        groups.setdefault(_label_key(group), {})[_label_key(reason)] = value
    return groups


_OUTCOME_GROUPS = _outcome_groups()


def match_outcome(text: str) -> str:
    key = _label_key(text)
    # 「部分公开（区分处理的，只计这一情形，不计其他情形）」: the row's remark is not its name.
    key = re.sub(r"^(部分公开)\(.*\)$", r"\1", key)
    for group, leaves in _OUTCOME_GROUPS.items():
        if key == group:
            if "" in leaves:
                return leaves[""]
            raise CellError(
                _("“{text}” names a group of rows: say which, e.g. “{example}”.").format(
                    text=text, example=next(iter(leaves))
                )
            )
        if key.startswith(group) and strip_numbering(key[len(group) :]) in leaves:
            return leaves[strip_numbering(key[len(group) :])]
    for leaves in _OUTCOME_GROUPS.values():
        if key in leaves and key:
            return leaves[key]
    raise CellError(_("“{text}” is not a row of the official table.").format(text=text))


_APPLICANT_PREFIX = re.compile(r"^法人或其他组织[-—–:/、()]*")
_APPLICANT_SYNONYMS = {"个人": ApplicantType.NATURAL_PERSON, "公民": ApplicantType.NATURAL_PERSON}
_APPLICANTS = {normalise(label): value for value, label in ApplicantType.choices}


def match_applicant_type(text: str) -> str:
    key = strip_numbering(_APPLICANT_PREFIX.sub("", _label_key(text))).rstrip(")")
    found = _APPLICANTS.get(key) or _APPLICANT_SYNONYMS.get(key)
    if found is None:
        raise CellError(
            _("“{text}” is not an applicant type of the table ({types}).").format(
                text=text, types="、".join(str(label) for _v, label in ApplicantType.choices)
            )
        )
    return found


# The register's words for the channels (第三十一条 tells them apart for the day of receipt).
CHANNEL_LABELS = {
    Channel.IN_PERSON.value: "当面",
    Channel.LETTER.value: "信函",
    Channel.ONLINE.value: "网络",
    Channel.FAX.value: "传真",
    Channel.OTHER.value: "其他",
}
_CHANNELS = {
    **{label: value for value, label in CHANNEL_LABELS.items()},
    **dict.fromkeys(["当面提交", "现场", "现场申请", "当面申请", "窗口"], Channel.IN_PERSON),
    **dict.fromkeys(["邮寄", "信件", "挂号信", "平信", "邮政", "来信"], Channel.LETTER),
    **dict.fromkeys(
        ["网上", "网上申请", "互联网", "在线", "在线申请", "网站", "电子邮件", "邮箱", "政务网"],
        Channel.ONLINE,
    ),
    "传真申请": Channel.FAX,
}


def match_channel(text: str) -> str:
    found = _CHANNELS.get(_label_key(text))
    if found is None:
        raise CellError(
            _("“{text}” is not a channel ({channels}).").format(
                text=text, channels="、".join(CHANNEL_LABELS.values())
            )
        )
    return found


# --- Cells --------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 1 < value < 2958466:  # an Excel serial number
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    match = _DATE.match(unicodedata.normalize("NFKC", str(value)).strip())
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(
        _("“{text}” is not a date (write it as 2026-03-02, 2026/3/2 or 2026年3月2日).").format(
            text=value
        )
    )


_YES = {"是", "有", "延期", "已延期", "y", "yes"}
_NO = {"否", "无", "未延期", "不延期", "n", "no", "0"}


def parse_extension(value: Any) -> int:
    """Working days of extension: a number, or 是 (the statutory 20) / 否."""
    if value in (None, ""):
        return 0
    text = normalise(value).lower() if not isinstance(value, int | float) else value
    if text in _YES:
        return MAX_EXTENSION_DAYS
    if text in _NO:
        return 0
    return _whole_number(value, suffixes=("个工作日", "工作日", "天", "日"))


def parse_days(value: Any) -> int:
    if value in (None, ""):
        return 0
    return _whole_number(value, suffixes=("个工作日", "工作日", "天", "日"))


def _whole_number(value: Any, suffixes: Iterable[str]) -> int:
    text = normalise(value)
    for suffix in suffixes:
        text = text.removesuffix(suffix)
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value() or number < 0:
        raise CellError(
            _("“{text}” is not a number of working days (or 是/否).").format(text=value)
        )
    return int(number)


def parse_fee(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    text = normalise(value).removeprefix("¥").removeprefix("￥").removesuffix("元")
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise CellError(_("“{text}” is not an amount in yuan.").format(text=value))
    if amount != amount.quantize(Decimal("0.01")):  # never rounded away without a word
        raise CellError(_("“{text}”: an amount has at most two decimals (fen).").format(text=value))
    if amount >= MAX_FEE:
        raise CellError(
            _("“{text}” is more than {limit} yuan.").format(text=value, limit=f"{MAX_FEE - 1:,}")
        )
    return amount.quantize(Decimal("0.01"))


def _text(limit: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if text.startswith("'") and text[1:2] in FORMULA_STARTS:
            text = text[1:]  # the quote our .csv export puts before such text
        if len(text) > limit:
            raise CellError(_("Longer than {limit} characters.").format(limit=limit))
        return text

    return parse


def _label_or_blank(match: Callable[[str], str]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        return match(text) if text else ""

    return parse


# --- Columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as exported
    synonyms: tuple[str, ...] = ()
    # dataclasses.field: the class's own ``field`` is not bound, though mypy reads it so.
    parse: Callable[[Any], Any] = dataclasses.field(default=_text(100))
    required: bool = False


COLUMNS = [
    Column("reference", "编号", ("申请编号", "登记号"), _text(40)),
    Column("received_on", "收到日期", ("受理日期", "收到申请日期"), parse_date, True),
    Column("applicant_name", "申请人", ("申请人姓名", "申请人名称"), _text(100)),
    Column(
        "applicant_type",
        "申请人类型",
        ("申请人类别",),
        _label_or_blank(match_applicant_type),
        True,
    ),
    Column("channel", "申请方式", ("渠道", "申请渠道"), _label_or_blank(match_channel), True),
    Column("content", "申请内容", ("申请事项", "申请公开内容"), _text(10000), True),
    Column("outcome", "办理结果", ("答复结果", "处理结果"), _label_or_blank(match_outcome)),
    Column("replied_on", "答复日期", ("办结日期",), parse_date),
    Column("extension_days", "延期", ("延长", "延期天数", "延长答复期限"), parse_extension),
    Column("extension_approved_by", "延期批准人", ("批准人", "延期审批人"), _text(50)),
    Column("correction_requested_on", "补正告知日期", ("告知补正日期",), parse_date),
    Column("corrected_on", "收到补正日期", ("补正日期",), parse_date),
    Column("consultation_days", "征求意见工作日", ("征求意见天数",), parse_days),
    Column("fee", "收费金额", ("信息处理费",), parse_fee),
    Column("note", "备注", (), _text(10000)),
]
FIELDS = [c.field for c in COLUMNS]
HEADERS = {c.field: c.header for c in COLUMNS}
_BY_HEADER = {normalise(name): c for c in COLUMNS for name in (c.header, *c.synonyms)}


# --- Reading ------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]


@dataclass
class ParsedRegister:
    rows: list[ParsedRow]
    errors: list[RowError]
    headers: dict[str, str] = field(default_factory=dict)  # field -> header as written
    defaults: dict[str, str] = field(default_factory=lambda: HEADERS)  # the layout's headers

    def header_of(self, field_name: str) -> str:
        return self.headers.get(field_name) or self.defaults.get(field_name, field_name)


def read_register(name: str, data: bytes) -> ParsedRegister:
    """Read an .xlsx or .csv register. Raises RegisterFileError for an unreadable file."""
    return parse_rows(sheet_rows(name, data))


def sheet_rows(name: str, data: bytes) -> list[list[Any]]:
    """The rows of an .xlsx file's first sheet or of a .csv file, as cell values. Raises
    RegisterFileError for an unreadable file."""
    if not data:
        raise RegisterFileError(str(_("The file is empty.")))
    if len(data) > MAX_BYTES:
        raise RegisterFileError(
            str(_("The file is larger than {limit} MB.").format(limit=megabytes(MAX_BYTES)))
        )
    kind = name.lower().rpartition(".")[2]
    if kind == "xlsx":
        return _xlsx_rows(data)
    if kind == "csv":
        return csv_rows(data)
    raise RegisterFileError(str(_("“{name}” is not an .xlsx or .csv file.").format(name=name)))


# A register is a row per request: at most a few thousand a year, a column per field.
MAX_ROWS, MAX_COLUMNS = 50_000, 60


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    """The first sheet's values, read without building the sheet's declared size (one value in
    its last cell XFD1048576 would make openpyxl build 17 billion cells)."""
    try:
        return isolated.call(
            partial(first_sheet_values, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS),
            data,
            seconds=settings.IMPORT_READ_SECONDS,
            memory_mb=settings.IMPORT_READ_MEMORY_MB,
        )
    except PlanFormatError as error:
        message: StrOrPromise
        if error.code == "sheet_too_large":
            message = _(
                "The sheet has a value in cell {cell}, beyond {rows} rows or {columns} columns: "
                "copy the register alone into a new workbook and upload that."
            ).format(**error.params)
        elif error.code in ("encrypted_or_old", "not_office"):
            message = _(
                "The file is not a real .xlsx workbook (an old .xls, or password-protected?): "
                "save it as .xlsx and upload it again."
            )
        elif error.code in ("too_slow", "too_complex"):
            message = _(
                "Reading the workbook took too long or too much memory and was stopped: copy "
                "the register alone into a new workbook and upload that."
            )
        else:
            message = _("The .xlsx file is damaged.")
        raise RegisterFileError(str(message)) from error


def _blank(cells: Iterable[Any]) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def find_header(
    rows: list[list[Any]], layout: list[Column] = COLUMNS
) -> tuple[int, dict[int, Column]]:
    """The index of the header row and the column each recognised cell stands for."""
    by_header = (
        _BY_HEADER
        if layout is COLUMNS
        else {normalise(name): c for c in layout for name in (c.header, *c.synonyms)}
    )
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {
            i: by_header[header_key(cell)]
            for i, cell in enumerate(cells)
            if header_key(cell) in by_header
        }
        if len({c.field for c in columns.values()}) >= min(3, len(layout)):
            return index, columns
    raise RegisterFileError(
        str(
            _(
                "No header row was found: the first rows should name columns such as {columns}."
            ).format(columns="、".join(c.header for c in layout if c.required))
        )
    )


def parse_rows(rows: list[list[Any]], layout: list[Column] = COLUMNS) -> ParsedRegister:
    """Rows of a sheet whose columns are those of ``layout`` (the request register's by
    default), found by their headers."""
    header_index, columns = find_header(rows, layout)
    seen: dict[str, str] = {}
    for i, column in columns.items():
        written = str(rows[header_index][i]).strip()
        if column.field in seen:
            raise RegisterFileError(
                str(
                    _("Two columns, “{first}” and “{second}”, hold the same thing.").format(
                        first=seen[column.field], second=written
                    )
                )
            )
        seen[column.field] = written
    missing = [c.header for c in layout if c.required and c.field not in seen]
    if missing:
        raise RegisterFileError(
            str(_("Columns missing: {columns}.").format(columns="、".join(missing)))
        )
    defaults = {c.field: c.header for c in layout}
    parsed = ParsedRegister(rows=[], errors=[], headers=seen, defaults=defaults)
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        if _blank(cells):
            continue
        values: dict[str, Any] = {}
        for i, column in columns.items():
            value = cells[i] if i < len(cells) else None
            try:
                values[column.field] = column.parse(value)
            except CellError as error:
                parsed.errors.append(RowError(index + 1, seen[column.field], str(error)))
        for column in layout:
            if column.required and column.field in values and values[column.field] in ("", None):
                parsed.errors.append(
                    RowError(index + 1, seen[column.field], str(_("This cell is empty.")))
                )
        parsed.rows.append(ParsedRow(index + 1, values))
    return parsed


# --- Writing ------------------------------------------------------------------------------


def export_values(request: DisclosureRequest) -> list[Any]:
    """The register row of a request, in COLUMNS order, as it reads back."""
    return [
        request.reference,
        request.received_on,
        request.applicant_name,
        str(request.get_applicant_type_display()),
        CHANNEL_LABELS[request.channel],
        request.content,
        str(request.get_outcome_display()) if request.outcome else "",
        request.replied_on,
        request.extension_days,
        request.extension_approved_by,
        request.correction_requested_on,
        request.corrected_on,
        request.consultation_days,
        request.fee,
        request.note,
    ]


def write_xlsx(requests: Iterable[DisclosureRequest], *, title: str) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.worksheets[0]  # the one sheet of a new workbook
    sheet.title = title[:31]
    sheet.append([c.header for c in COLUMNS])
    for request in requests:
        sheet.append(export_values(request))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    keep_as_text(sheet, min_row=2)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_csv(requests: Iterable[DisclosureRequest]) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese text right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    for request in requests:
        writer.writerow([csv_cell(v) for v in export_values(request)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
