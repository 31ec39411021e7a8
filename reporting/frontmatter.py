"""The report's front matter: its title, opening paragraph and sign-off, with their defaults,
and where the title is broken in print. Pure: no ORM.

The office may rewrite each of them on the draft page; what it leaves empty follows the
department's settings (contact, where reports are published) and the draft's dates.
"""

import datetime
import re
from dataclasses import dataclass

# 二号 type (22 pt) on GB/T 9704's 156 mm type area: 20 full-width characters a line.
TITLE_LINE_WIDTH = 20


@dataclass(frozen=True)
class Contact:
    """The department's settings the opening paragraph quotes."""

    name: str
    address: str = ""
    postcode: str = ""
    phone: str = ""
    site: str = ""


def default_title(department: str, year: int) -> str:
    return f"{department}{year}年政府信息公开工作年度报告"


def default_opening(lead: str, contact: Contact) -> str:
    """The generated lead (legal basis, period) followed by where the report is published and
    whom to ask about it, each said only when the department has set it."""
    sentences = [lead]
    if contact.site:
        sentences.append(f"本报告电子版可在{contact.site}查阅和下载。")
    details = [
        f"{label}：{value}"
        for label, value in (
            ("地址", contact.address),
            ("邮编", contact.postcode),
            ("电话", contact.phone),
        )
        if value
    ]
    if details:
        sentences.append(f"如对本报告有疑问，请与{contact.name}联系（{'，'.join(details)}）。")
    return "".join(sentences)


def chinese_date(date: datetime.date) -> str:
    """「2025年1月20日」: Arabic numerals without leading zeros, as GB/T 9704 dates documents."""
    return f"{date.year}年{date.month}月{date.day}日"


def width(text: str) -> float:
    """The printed width in full-width characters: digits and Latin letters take half."""
    return sum(0.5 if ord(char) < 0x2E80 else 1 for char in text)


# Where a title without the office's own break is broken: after the department's name,
# else before the year, else before the fixed words. Never inside a word.
_YEAR = re.compile(r"\d{4}年")
_FIXED = "政府信息公开工作年度报告"


def title_lines(title: str, department: str) -> tuple[str, ...]:
    """The title's printed lines: the office's own (a newline in the title), one line if it
    fits, else two split at a natural boundary."""
    lines = tuple(line.strip() for line in title.splitlines() if line.strip())
    if len(lines) != 1 or width(lines[0]) <= TITLE_LINE_WIDTH:
        return lines
    text = lines[0]
    cuts = []
    if department and text.startswith(department):
        cuts.append(len(department))
    cuts += [m.start() for m in _YEAR.finditer(text)]
    if _FIXED in text:
        cuts.append(text.index(_FIXED))
    cut = next((c for c in cuts if 0 < c < len(text)), None)
    return (text,) if cut is None else (text[:cut], text[cut:])


def one_line(title: str) -> str:
    """The title as one line (file names, document properties, JSON's ``title``)."""
    return "".join(line.strip() for line in title.splitlines())
