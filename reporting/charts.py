"""The dashboard's pictures as inline SVG, drawn on the server: no script, no CDN, and they print.

Pure functions from figures to markup. Every text goes through ``format_html`` (escaped); fills
are attributes, so a chart keeps its colours when saved or printed on its own, and every
segment also carries its number, so a black-and-white print still reads. Coordinates are
rounded to whole pixels to keep the markup small.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

INK, MUTED, LINE = "#1f2933", "#6b7785", "#d9dee4"
FONT = 'font-family="sans-serif" font-size="12"'


@dataclass(frozen=True)
class Segment:
    """A kind of bar segment (a status) and its colour."""

    key: str
    label: StrOrPromise
    colour: str


def _svg(width: int, height: int, label: str, body: Iterable[SafeString]) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" class="chart" ' + FONT + ">{}</svg>",
        width,
        height,
        label,
        mark_safe("".join(body)),  # each part was built with format_html
    )


def _text(x: float, y: float, text: object, **attrs: object) -> SafeString:
    extra = format_html_join("", ' {}="{}"', ((k.replace("_", "-"), v) for k, v in attrs.items()))
    return format_html('<text x="{}" y="{}"{}>{}</text>', round(x), round(y), extra, text)


def _text_width(text: str, size: int = 12) -> float:
    """Roughly: a CJK character is a full em, a Latin one about half."""
    return sum(size if ord(c) > 0x2E80 else size * 0.6 for c in text)


def _fit(text: str, width: float) -> str:
    """The text, shortened with an ellipsis to fit the width."""
    text = str(text)
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _legend(segments: Sequence[Segment], y: int, x: int = 0) -> list[SafeString]:
    parts = []
    for segment in segments:
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>', x, y - 9, segment.colour
            )
        )
        parts.append(_text(x + 14, y, segment.label))
        x += 26 + round(_text_width(str(segment.label)))
    return parts


# --- Completion by unit: stacked bars --------------------------------------------------------


def stacked_bars(
    rows: Sequence[tuple[str, dict[str, int]]],
    segments: Sequence[Segment],
    *,
    label: str,
    label_width: int = 110,
    bar_width: int = 300,
    row_height: int = 22,
) -> SafeString:
    """One horizontal bar per row (a unit), its segments in the order given, scaled to the
    largest row; the row's completed/total at the end."""
    largest = max((sum(values.values()) for _, values in rows), default=0) or 1
    top = 24
    parts = _legend(segments, 12)
    for i, (name, values) in enumerate(rows):
        y = top + i * row_height
        parts.append(_text(label_width - 6, y + 15, _fit(name, label_width - 8), text_anchor="end"))
        x = float(label_width)
        for segment in segments:
            value = values.get(segment.key, 0)
            if not value:
                continue
            width = value / largest * bar_width
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}: {} {}</title></rect>",
                    round(x, 1),
                    y + 3,
                    round(width, 1),
                    row_height - 6,
                    segment.colour,
                    name,
                    segment.label,
                    value,
                )
            )
            if width >= 18:
                parts.append(_text(x + width / 2, y + 15, value, text_anchor="middle", fill="#fff"))
            x += width
        total = sum(values.values())
        done = values.get(segments[0].key, 0)
        parts.append(_text(x + 6, y + 15, f"{done}/{total}", fill=MUTED))
    height = top + max(len(rows), 1) * row_height + 4
    return _svg(label_width + bar_width + 60, height, label, parts)


# --- Completion over the year: a burn-up line ------------------------------------------------


def _cumulative(
    per_day: dict[datetime.date, int], first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, int]]:
    """Running totals at each date with a change; what lies outside the year is clamped in."""
    points: dict[datetime.date, int] = {}
    for day, n in per_day.items():
        day = min(max(day, first), last)
        points[day] = points.get(day, 0) + n
    running, result = 0, []
    for day in sorted(points):
        running += points[day]
        result.append((day, running))
    return result


def burn_up(
    *,
    year: int,
    due: dict[datetime.date, int],
    completed: dict[datetime.date, int],
    today: datetime.date,
    label: str,
    width: int = 480,
    height: int = 220,
) -> SafeString:
    """Assignments due by each date (the plan's deadlines, a step line) against assignments
    completed by each date; the total on top and today as a vertical line."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    left, right, top, bottom = 40, 10, 26, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    total = sum(due.values())
    scale = total or 1

    def x(day: datetime.date) -> float:
        return left + (day - first).days / 365 * plot_w

    def y(value: int) -> float:
        return top + plot_h - value / scale * plot_h

    def step_path(points: list[tuple[datetime.date, int]], end: datetime.date) -> str:
        path, level = [f"M{left},{round(y(0))}"], 0
        for day, value in points:
            path.append(f"H{round(x(day))}V{round(y(value))}")
            level = value
        path.append(f"H{round(x(end))}")
        return "".join(path) if level or points else ""

    done_until = min(max(today, first), last)
    planned = step_path(_cumulative(due, first, last), last)
    actual = step_path(_cumulative(completed, first, last), done_until)
    parts = _legend(
        [
            Segment("planned", _("due by then (plan deadlines)"), MUTED),
            Segment("completed", _("completed"), "#2e7d32"),
        ],
        12,
        left,
    )
    parts += [
        format_html(
            '<path d="M{},{}H{}M{},{}V{}" stroke="{}" fill="none"/>',
            left,
            top + plot_h,
            left + plot_w,
            left,
            top,
            top + plot_h,
            INK,
        ),
        format_html(
            '<path d="M{},{}H{}" stroke="{}" stroke-dasharray="2 3" fill="none"/>',
            left,
            round(y(total)),
            left + plot_w,
            LINE,
        ),
        _text(left - 4, y(total) + 4, total, text_anchor="end"),
        _text(left - 4, top + plot_h + 4, 0, text_anchor="end"),
    ]
    for month in range(1, 13):
        mx = round(x(datetime.date(year, month, 1)))
        parts.append(format_html('<path d="M{},{}v4" stroke="{}"/>', mx, top + plot_h, INK))
        parts.append(_text(mx + 2, height - 6, month, fill=MUTED))
    if planned:
        parts.append(
            format_html(
                '<path d="{}" stroke="{}" stroke-width="2" stroke-dasharray="6 3" fill="none"/>',
                planned,
                MUTED,
            )
        )
    if actual:
        parts.append(
            format_html('<path d="{}" stroke="#2e7d32" stroke-width="2.5" fill="none"/>', actual)
        )
    if first <= today <= last:
        tx = round(x(today))
        parts.append(
            format_html(
                '<path d="M{},{}V{}" stroke="#b3261e" stroke-dasharray="3 2"/>',
                tx,
                top,
                top + plot_h,
            )
        )
        parts.append(_text(tx + 3, top + 10, _("today"), fill="#b3261e"))
    return _svg(width, height, label, parts)


# --- Deadline calendar: a month view ---------------------------------------------------------


@dataclass(frozen=True)
class CalendarCell:
    date: datetime.date
    is_workday: bool
    name: str  # holiday or make-up day name, if any
    is_exception: bool
    deadlines: int


REST_FILL, HOLIDAY_FILL, WORK_FILL = "#e6e9ed", "#fdecea", "#ffffff"


def month_calendar(
    weeks: Sequence[Sequence[CalendarCell | None]],
    *,
    today: datetime.date,
    label: str,
    cell_w: int = 52,
    cell_h: int = 46,
) -> SafeString:
    """Monday-first weeks; working days white, rest days grey, holidays pink with their name,
    make-up working days (调休) marked 班, and each day's number of deadlines in a circle."""
    head = 20
    parts = [
        _text(i * cell_w + cell_w / 2, 14, WEEKDAYS_ABBR[i], text_anchor="middle", fill=MUTED)
        for i in range(7)
    ]
    for row, week in enumerate(weeks):
        for col, cell in enumerate(week):
            if cell is None:
                continue
            x, y = col * cell_w, head + row * cell_h
            holiday = cell.is_exception and not cell.is_workday
            fill = HOLIDAY_FILL if holiday else WORK_FILL if cell.is_workday else REST_FILL
            stroke = "#b3261e" if cell.date == today else LINE
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>',
                    x + 1,
                    y + 1,
                    cell_w - 2,
                    cell_h - 2,
                    fill,
                    stroke,
                )
            )
            parts.append(
                _text(x + 5, y + 15, cell.date.day, fill=INK if cell.is_workday else MUTED)
            )
            if cell.is_exception and cell.is_workday:
                parts.append(_text(x + cell_w - 6, y + 15, "班", text_anchor="end", fill="#b26a00"))
            elif holiday:
                parts.append(_text(x + cell_w - 6, y + 15, "休", text_anchor="end", fill="#b3261e"))
            if cell.name:
                parts.append(
                    _text(x + 5, y + cell_h - 7, cell.name[:4], font_size="10", fill=MUTED)
                )
            if cell.deadlines:
                parts.append(
                    format_html(
                        '<circle cx="{}" cy="{}" r="10" fill="#1565c0"><title>{}</title></circle>',
                        x + cell_w - 14,
                        y + cell_h - 14,
                        _("{count} tasks due").format(count=cell.deadlines),
                    )
                )
                parts.append(
                    _text(
                        x + cell_w - 14,
                        y + cell_h - 10,
                        cell.deadlines,
                        text_anchor="middle",
                        fill="#fff",
                        font_size="11",
                    )
                )
    return _svg(7 * cell_w, head + len(weeks) * cell_h, label, parts)
