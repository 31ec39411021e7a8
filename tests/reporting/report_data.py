"""Helpers for the report tests: published reports' tables read from the seed files, and
registers filled with requests and cases that match given table cells."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from registers.models import DisclosureRequest
from reporting import formats
from reporting.formats import TableFormat
from tests.factories import make_request, make_review_case

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "seeds"
_HALF = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":"})


def seed_text(prefix: str) -> str:
    paths = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not paths:
        pytest.skip(f"reference seed {prefix} not found under {SEEDS}")
    return paths[0].read_text(encoding="utf-8")


def _cells_after(lines: list[str], start: int, count: int) -> list[Decimal]:
    """The next ``count`` cells after line ``start``: a cell is a non-empty line (a blank cell
    is a line of spaces, printed as 0); empty lines separate cells."""
    values = []
    for line in lines[start + 1 :]:
        if line == "":
            continue
        text = line.strip()
        values.append(Decimal(text) if text else Decimal(0))
        if len(values) == count:
            return values
    raise ValueError("table ends early")


def _section(text: str, start: str, end: str) -> list[str]:
    body = text[text.index(start) : text.index(end, text.index(start))]
    return body.splitlines()


def published_table_three(text: str, table: TableFormat) -> dict[tuple[str, str], Decimal]:
    """Table 三 of a published report, keyed as ``formats`` keys it."""
    lines = _section(text, "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议")
    labels = [line.strip().translate(_HALF) for line in lines]
    columns = [c.key for c in table.blocks[0].columns]
    cells = {}
    for row in table.blocks[0].rows:
        index = labels.index(row.label.translate(_HALF))
        for column, value in zip(columns, _cells_after(lines, index, len(columns)), strict=True):
            cells[(row.key, column)] = value
    return cells


def published_table_four(text: str) -> dict[tuple[str, str], Decimal]:
    lines = _section(text, "四、政府信息公开行政复议、行政诉讼情况", "五、")
    last_header = max(i for i, line in enumerate(lines) if line.strip() == "总计")
    columns = [c.key for c in formats.TABLE_FOUR.blocks[0].columns]
    values = _cells_after(lines, last_header, len(columns))
    return {("cases", key): value for key, value in zip(columns, values, strict=True)}


def fill_requests(department, year: int, cells: dict[tuple[str, str], Decimal]) -> None:
    """Requests that make table 三's leaf cells: per column, one request per count of each
    outcome row, replied to in the year; the first ``carried_over`` of them received the year
    before; ``carry_forward`` more received in the year and still open."""
    applicants = DisclosureRequest.ApplicantType.values
    stored = {formats.OTHER_HANDLING_2019: DisclosureRequest.Outcome.OTHER}
    for applicant in applicants:
        carried = int(cells.get(("carried_over", applicant), 0))
        outcomes = [
            stored.get(row, row)
            for (row, column), n in cells.items()
            if column == applicant and row not in ("new", "carried_over", "total", "carry_forward")
            for _ in range(int(n))
        ]
        for i, outcome in enumerate(outcomes):
            received = datetime.date(year - 1, 12, 20) if i < carried else datetime.date(year, 3, 2)
            make_request(
                department,
                applicant_type=applicant,
                received_on=received,
                replied_on=datetime.date(year, 3, 20),
                outcome=outcome,
            )
        for _ in range(int(cells.get(("carry_forward", applicant), 0))):
            make_request(
                department, applicant_type=applicant, received_on=datetime.date(year, 12, 28)
            )


def fill_review_cases(department, year: int, cells: dict[tuple[str, str], Decimal]) -> None:
    for (_row, column), n in cells.items():
        kind, result = column.rsplit(".", 1)
        if result == "total":
            continue
        for _ in range(int(n)):
            decided = result != "pending"
            make_review_case(
                department,
                kind=kind,
                filed_on=datetime.date(year, 4, 1),
                result=result if decided else "",
                closed_on=datetime.date(year, 6, 1) if decided else None,
            )
