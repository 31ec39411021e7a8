"""The reminder sweep over 150,000 assignments on PostgreSQL.

Measures ``reminders.sweep(day)``: deciding a working day's reminders, the notifications and
the digests (delivery not included), and the queries it sends. Goal: under 2 s, and as many
queries for 150,000 assignments as for 50,000.

The data is the sweep's worst case: one bureau of 40 units with 4 people each, deadlines on
every day of the year, and nobody has started anything, so every overdue assignment is
reminded every third working day.
"""

import datetime
import statistics

from bench import harness

DAY = datetime.date(2026, 6, 10)  # a Wednesday: 5 months of deadlines behind, 7 ahead
SIZES = (50_000, 150_000)
GOAL_SECONDS = 2.0
REPEATS = 3  # the median is reported


def main() -> None:
    harness.setup()
    from django.db import connection

    from bench import data
    from tasks import reminders
    from tasks.holidays import calendar_for
    from tasks.models import Digest, Notification, Reminder

    bureau = data.make_bureau(units=40, people_per_unit=4)
    plan = data.make_plan(bureau, year=DAY.year)
    # As in production after the first day: the calendar is seeded and the policy made.
    reminders.sweep(calendar_for(DAY.year).add(DAY, -1))
    runs, made = [], 0
    for size in SIZES:
        with harness.stopwatch() as generated:
            data.make_assignments(plan, bureau.units, size - made, seed=size)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # statistics, as a live database has
        made = size
        swept, queries, again = [], set(), []
        for _ in range(REPEATS):
            Reminder.objects.filter(date=DAY).delete()
            Digest.objects.filter(date=DAY).delete()
            with harness.counting_queries() as counted, harness.stopwatch() as timing:
                result = reminders.sweep(DAY)
            swept.append(timing["seconds"])
            queries.add(counted["queries"])
            # The same day again (beat firing twice, the command by hand): nothing new.
            with harness.counting_queries() as counted, harness.stopwatch() as timing:
                assert reminders.sweep(DAY).decided == result.decided
            again.append(timing["seconds"])
            queries.add(counted["queries"])
        runs.append(
            {
                "assignments": size,
                "generated_in_seconds": generated["seconds"],
                "reminders": result.decided,
                "notifications": Notification.objects.filter(reminder__date=DAY).count(),
                "digests": len(result.digests),
                "seconds": statistics.median(swept),
                "seconds_of_each_run": swept,
                "second_sweep_of_the_day_seconds": statistics.median(again),
                "queries_per_sweep": sorted(queries),
            }
        )
    largest = runs[-1]
    queries_seen = {q for run in runs for q in run["queries_per_sweep"]}
    harness.record(
        "bench_sweep",
        {
            "day": DAY.isoformat(),
            "units": len(bureau.units),
            "people": len(bureau.units) * 4 + 2,
            "goal": f"under {GOAL_SECONDS} s for {SIZES[-1]} assignments, constant queries",
            "runs": runs,
            "met": largest["seconds"] < GOAL_SECONDS and len(queries_seen) == 1,
        },
    )


if __name__ == "__main__":
    main()
