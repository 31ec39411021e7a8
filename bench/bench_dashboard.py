"""The dashboard of one year on ten years of data, rendered through Django's test client.

Ten yearly plans of 15,000 assignments each (150,000 in all) over 60 units, each year's
unit groups granted their object permissions as the services grant them, completions dated
around their deadlines, and this year's overdue work reminded. The dashboard
(``reporting:dashboard?year=``) is rendered for office staff and for a unit head: the time of
the request in the server process (middleware, views, queries, template, charts), its queries
and the page's size; first on this year's data alone, then on all ten years (the queries must
be as many). Goal (issue 7): under 300 ms, a constant number of queries, at most 300 KB.
"""

import statistics

from bench import harness

YEARS, ASSIGNMENTS_PER_YEAR, UNITS = 10, 15_000, 60
GOAL_MS, GOAL_KB = 300, 300
REPEATS = 7  # after a first, warming request; the median is reported


def main() -> None:
    harness.setup()
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from bench import data, data_report
    from org.models import User
    from tasks.models import Assignment, Reminder

    # given: this year's plan (up to today), later the nine years before it
    today = timezone.localdate()
    url = f"{reverse('reporting:dashboard')}?year={today.year}"
    bureau = data.make_bureau(units=UNITS, people_per_unit=4)
    head = User.objects.get(unit=bureau.units[0], role=User.Role.UNIT_HEAD)
    personas = {"office": bureau.office, "unit head": head}
    sizes = {}
    for years in (range(today.year, today.year + 1), range(today.year - YEARS + 1, today.year)):
        with harness.stopwatch() as made:
            for year in years:
                plan = data.make_plan(bureau, year=year)
                data.make_assignments(
                    plan, bureau.units, ASSIGNMENTS_PER_YEAR, as_of=today, seed=year
                )
                data_report.complete_on_deadlines(plan)
                data_report.grant_unit_access(plan)
                if year == today.year:
                    data_report.make_reminders(plan, on=today)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # statistics, as a live database has
        # when: each persona's dashboard of this year, several times
        assignments = Assignment.objects.count()
        sizes[f"{assignments} assignments"] = {
            "generated_in_seconds": made["seconds"],
            "pages": {persona: _render(url, user) for persona, user in personas.items()},
        }

    # then
    harness.record(
        "bench_dashboard",
        {
            "year": today.year,
            "units": UNITS,
            "reminders_this_year": Reminder.objects.count(),
            "runs": sizes,
            "goal": f"under {GOAL_MS} ms, constant queries, at most {GOAL_KB} KB",
            "met": all(
                page["milliseconds"] < GOAL_MS and max(page["kilobytes"]) <= GOAL_KB
                for size in sizes.values()
                for page in size["pages"].values()
            )
            and all(
                len({q for size in sizes.values() for q in size["pages"][persona]["queries"]}) == 1
                for persona in personas
            ),
        },
    )


def _render(url: str, user) -> dict:
    """The page for ``user``: a first, warming request (templates, translations), then
    REPEATS timed ones."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    assert client.get(url).status_code == 200
    timings, queries, sizes = [], set(), set()
    for _ in range(REPEATS):
        with harness.counting_queries() as counted, harness.stopwatch() as timing:
            response = client.get(url)
        assert response.status_code == 200
        timings.append(round(timing["seconds"] * 1000, 1))
        queries.add(counted["queries"])
        sizes.add(round(len(response.content) / 1024, 1))
    return {
        "milliseconds": statistics.median(timings),
        "milliseconds_of_each_run": timings,
        "queries": sorted(queries),
        "kilobytes": sorted(sizes),
    }


if __name__ == "__main__":
    main()
