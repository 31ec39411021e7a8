"""The review-case register (行政复议 and 行政诉讼 over disclosure, table 四) from .xlsx/.csv.

Pure logic, like ``requests_io`` whose reading it shares: columns are found by their header
(:data:`COLUMNS`, documented on the import page and in the README), cells become field values,
and what cannot be read is a ``RowError`` on the row Excel shows.
"""

import csv
import datetime
import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import ReviewCase
from .requests_io import (
    CellError,
    Column,
    ParsedRegister,
    _text,
    normalise,
    parse_date,
    parse_rows,
    sheet_rows,
)

Kind = ReviewCase.Kind
Result = ReviewCase.Result

# What offices write in the 类型 column → the kind; 「行政诉讼」 alone says not which of the two.
_KINDS = {
    "行政复议": Kind.REVIEW,
    "复议": Kind.REVIEW,
    "行政诉讼(未经复议直接起诉)": Kind.LITIGATION_DIRECT,
    "未经复议直接起诉": Kind.LITIGATION_DIRECT,
    "直接起诉": Kind.LITIGATION_DIRECT,
    "行政诉讼(复议后起诉)": Kind.LITIGATION_AFTER_REVIEW,
    "复议后起诉": Kind.LITIGATION_AFTER_REVIEW,
}
_RESULTS = {
    "结果维持": Result.UPHELD,
    "维持": Result.UPHELD,
    "结果纠正": Result.CORRECTED,
    "纠正": Result.CORRECTED,
    "其他结果": Result.OTHER,
    "其他": Result.OTHER,
    "尚未审结": "",
    "未审结": "",
    "审理中": "",
}


def parse_kind(value: Any) -> str:
    text = normalise(value or "")
    if text in _KINDS:
        return _KINDS[text]
    raise CellError(
        _("“{text}” is not a kind of case: write 行政复议, 未经复议直接起诉 or 复议后起诉.").format(
            text=value
        )
    )


def parse_result(value: Any) -> str:
    text = normalise(value or "")
    if not text:
        return ""  # pending (尚未审结)
    if text in _RESULTS:
        return _RESULTS[text]
    raise CellError(
        _(
            "“{text}” is not a result: write 结果维持, 结果纠正, 其他结果, or leave it empty."
        ).format(text=value)
    )


COLUMNS = [
    Column("kind", "类型", ("案件类型", "类别"), parse_kind, True),
    Column("reference", "案号", ("编号", "案件编号"), _text(60)),
    Column("filed_on", "立案日期", ("受理日期", "收到日期", "起诉日期"), parse_date, True),
    Column("result", "结果", ("审理结果", "复议结果", "判决结果"), parse_result),
    Column("closed_on", "决定日期", ("审结日期", "结案日期", "判决日期"), parse_date),
    Column("note", "备注", (), _text(10000)),
]
FIELDS = [c.field for c in COLUMNS]


def read_cases(name: str, data: bytes) -> ParsedRegister:
    """Read an .xlsx or .csv of review cases. Raises RegisterFileError for an unreadable file."""
    return parse_rows(sheet_rows(name, data), COLUMNS)


def as_csv(name: str, data: bytes) -> bytes:
    """The file's first sheet as .csv (dates as 2026-03-02): what the preview carries on to
    the confirmation, read again there."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerows(_plain(row) for row in sheet_rows(name, data))
    return out.getvalue().encode("utf-8")


def _plain(row: Iterable[Any]) -> list[Any]:
    return [
        value.date().isoformat()
        if isinstance(value, datetime.datetime)
        else value.isoformat()
        if isinstance(value, datetime.date)
        else value
        for value in row
    ]
