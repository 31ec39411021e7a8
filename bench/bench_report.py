"""The year-end report draft of a busy year on PostgreSQL: generated, then exported to .docx.

A year of 15,000 assignments (one bureau of 40 units, its plan under six top headings),
50,000 progress updates (those completing an assignment with a "summary for the report"
sentence), 10,000 figures of the metric catalogue, 10,000 disclosure requests (a few carried
over from the year before, a few still open on 12月31日) and a dozen review cases. Measured:
``drafts.create_draft`` and ``drafts.generate`` called directly (as the Celery job does), a
regeneration, and ``exports.WRITERS["docx"]`` on ``drafts.content(draft)``. Goal (issue 6):
under 3 s each.
"""

import datetime
import statistics

from bench import harness

YEAR = 2025  # a whole year behind: the report is written in January
ASSIGNMENTS, UPDATES, FIGURES, REQUESTS, REVIEW_CASES = 15_000, 50_000, 10_000, 10_000, 12
GOAL_SECONDS = 3.0
REPEATS = 3  # regenerations and exports; the median is reported


def main() -> None:
    harness.setup()
    from django.db import connection

    from bench import data, data_report
    from reporting import drafts
    from reporting.exports import WRITERS

    # given: the year's plan, its progress and figures, and the registers
    as_of = datetime.date(YEAR, 12, 31)
    with harness.stopwatch() as made:
        bureau = data.make_bureau(units=40, people_per_unit=4)
        plan = data.make_plan(bureau, year=YEAR)
        data.make_assignments(plan, bureau.units, ASSIGNMENTS, as_of=as_of)
        data_report.make_headings(plan)
        data_report.complete_on_deadlines(plan)
        updates = data.make_progress(plan, UPDATES, as_of=as_of)
        data_report.mark_updates(plan)
        data_report.make_figures(updates, FIGURES)
        data_report.make_requests(bureau.department, YEAR, REQUESTS)
        data_report.make_review_cases(bureau.department, YEAR, REVIEW_CASES)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics, as a live database has

    # when: the draft is created and generated, then generated again; each time exported
    with harness.counting_queries() as counted, harness.stopwatch() as first:
        draft = drafts.create_draft(bureau.department, YEAR, by=bureau.office)
        draft = drafts.generate(draft, by=bureau.office)
    generation_queries = counted["queries"]
    regenerations, exports, export_queries = [], [], set()
    for _ in range(REPEATS):
        with harness.stopwatch() as timing:
            draft = drafts.generate(draft, by=bureau.office)
        regenerations.append(timing["seconds"])
        with harness.counting_queries() as counted, harness.stopwatch() as timing:
            document = WRITERS["docx"].write(drafts.content(draft))
        exports.append(timing["seconds"])
        export_queries.add(counted["queries"])

    # then
    sections = {s.number: s.text for s in draft.sections.all()}
    failed = [f.rule for f in drafts.findings(draft) if not f.ok]
    harness.record(
        "bench_report",
        {
            "year": YEAR,
            "data": {
                "units": len(bureau.units),
                "assignments": ASSIGNMENTS,
                "progress_updates": UPDATES,
                "figures": FIGURES,
                "disclosure_requests": REQUESTS,
                "review_cases": REVIEW_CASES,
                "generated_in_seconds": made["seconds"],
            },
            "generation": {
                "seconds": first["seconds"],
                "queries": generation_queries,
                "regeneration_seconds": statistics.median(regenerations),
                "regeneration_seconds_of_each_run": regenerations,
                "part_one_characters": len(sections[1]),
                "checks_failed": failed,
            },
            "docx_export": {
                "seconds": statistics.median(exports),
                "seconds_of_each_run": exports,
                "queries": sorted(export_queries),
                "kilobytes": round(len(document) / 1024, 1),
            },
            "goal": f"generation and .docx export each under {GOAL_SECONDS} s",
            "met": max(first["seconds"], statistics.median(regenerations)) < GOAL_SECONDS
            and statistics.median(exports) < GOAL_SECONDS,
        },
    )


if __name__ == "__main__":
    main()
