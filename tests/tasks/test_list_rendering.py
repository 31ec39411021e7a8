"""The task list's HTML, page by page, against golden files written by the code before its rows
were rendered from rows instead of objects (issue 22, item 8): the same markup, to the
character, but for the CSRF token, whitespace between tags and the ids the database gave.

After a deliberate change to the page: ``UPDATE_GOLDEN=1 pytest tests/tasks/test_list_rendering.py``
and read the diff of tests/tasks/golden/ before committing it."""

import datetime
import os
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bench import data

GOLDEN = Path(__file__).parent / "golden" / "task_list"
TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 2, 10, tzinfo=TZ)  # a Monday, as the bench data's day

# (who, language, query): page 1 and 2, a unit, sorts, the state and due filters, English.
PAGES = [
    ("office", "zh-hans", ""),
    ("office", "zh-hans", "?year=2026"),
    ("office", "zh-hans", "?year=2026&page=2"),
    ("office", "zh-hans", "?year=2026&unit={unit}"),
    ("office", "zh-hans", "?year=2026&sort=-due_date"),
    ("office", "zh-hans", "?year=2026&sort=lead&page=2"),
    ("office", "zh-hans", "?sort=-progress"),
    ("office", "zh-hans", "?year=2026&state=in_progress"),
    ("office", "zh-hans", "?due=overdue&unit={unit}"),
    ("office", "en", "?year=2026"),
    ("leader", "zh-hans", "?year=2026"),
    ("leader", "zh-hans", "?year=2026&page=2&sort=lead"),
    ("leader", "en", "?year=2025&sort=-text"),
]


def normalised(html: str) -> str:
    """The page with its CSRF token blanked, no whitespace between tags, and each number in a
    URL, an input's value or a bench username written as ``#``: the database's sequences stand
    anywhere (PostgreSQL's are not reset between tests), and numbering them by first appearance
    still differed where two kinds of id happened to share a number on one database only."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    html = re.sub(r">\s+<", "><", html).strip()
    number = r"((?:/|=|value=\"|\b(?:office|leader|u))(?:\d+p)?)(\d+)(?=[/&\"p<:\s])"
    return re.sub(number, lambda match: match.group(1) + "#", html)


@pytest.fixture
def bureau(db):
    with time_machine.travel(NOW, tick=False):
        bureau = data.make_bureau("黄金区教育局", sections=3, schools=4, people_per_unit=1)
        for year in (2025, 2026):
            plan = data.make_plan(bureau, year=year)
            as_of = min(NOW.date(), datetime.date(year, 12, 31))
            data.make_assignments(plan, bureau.units, 90, as_of=as_of, seed=year)
    return bureau


def test_the_task_list_renders_as_it_did(bureau):
    update = os.environ.get("UPDATE_GOLDEN") == "1"
    GOLDEN.mkdir(parents=True, exist_ok=True)
    people = {"office": bureau.office, "leader": bureau.leader}
    unit = bureau.units[1].pk
    differ = []
    for n, (who, language, query) in enumerate(PAGES):
        client = Client(headers={"accept-language": language})
        client.force_login(people[who])
        with time_machine.travel(NOW, tick=False):
            response = client.get(reverse("tasks:task_list") + query.format(unit=unit))
        assert response.status_code == 200
        page = normalised(response.content.decode())
        golden = GOLDEN / f"{n:02}-{who}-{language}.html"
        if update:
            golden.write_text(page.replace("><", ">\n<") + "\n")
        elif golden.read_text() != page.replace("><", ">\n<") + "\n":
            differ.append(f"{golden.name} ({who}, {language}, {query})")
    assert not differ, f"pages changed: {differ}"
