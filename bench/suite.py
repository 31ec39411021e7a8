"""The benchmark suite (`make bench`): the provincial data set (``bench.generate``) made afresh
on PostgreSQL, then every operation timed side by side with its naive baseline and its SQL
floor, printed as one table and written to ``bench/results/``.

    python -m bench.suite                  # as `make bench` runs it: a fresh database, scale 1
    python -m bench.suite --scale 0.05     # a smaller data set
    python -m bench.suite --reuse --only "dashboard"   # the data set already made, one row

An operation is timed ``repeats`` times after one warming run; the median and the 95th
percentile are reported, with the SQL queries of a run. Its **baseline** (the same result got
the straightforward way) and its **floor** (the bare SQL returning the same rows or
aggregates, on the same connection) are timed the same way; the ratios are ours ÷ theirs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import harness

Work = Callable[[], object]


@dataclass
class Target:
    """What the issue asks of an operation; each limit set must hold."""

    p95_ms: float | None = None
    floor_ratio: float | None = None  # ours ÷ floor, by the median
    baseline_ratio: float | None = None  # ours ÷ baseline, by the median (the API ÷ its page)
    min_per_second: float | None = None  # HTTP throughput

    def __str__(self) -> str:
        parts = []
        if self.p95_ms is not None:
            parts.append(f"p95 ≤ {self.p95_ms:g} ms")
        if self.floor_ratio is not None:
            parts.append(f"≤ {self.floor_ratio:g}× floor")
        if self.baseline_ratio is not None:
            parts.append(f"≤ {self.baseline_ratio:g}× baseline")
        if self.min_per_second is not None:
            parts.append(f"≥ {self.min_per_second:g} req/s, no errors")
        return ", ".join(parts) or "none"

    def met(self, row: dict) -> bool:
        return (
            (self.p95_ms is None or row["p95_ms"] <= self.p95_ms)
            and (self.floor_ratio is None or (row["floor_ratio"] or 0) <= self.floor_ratio)
            and (self.baseline_ratio is None or (row["baseline_ratio"] or 0) <= self.baseline_ratio)
            and (
                self.min_per_second is None
                or (row["requests_per_second"] >= self.min_per_second and row["errors"] == 0)
            )
        )


@dataclass
class Operation:
    """One row of the table. Either ``run`` (with ``baseline`` and ``floor``) is timed here, or
    ``measure`` does its own timing (a worker, a load test) and returns the row's figures:
    ``median_ms``, ``p95_ms``, ``queries``, ``baseline_ms``, ``floor_ms`` and any more."""

    name: str
    size: str
    target: Target
    run: Work | None = None
    baseline: Work | None = None
    floor: Work | None = None
    baseline_is: str = ""  # what the baseline does, for the table's notes
    floor_is: str = ""
    repeats: int = 20
    before_each: Work | None = None  # untimed: puts back what a run changed
    measure: Callable[[], dict] | None = None
    extra: dict = field(default_factory=dict)


def timings(work: Work, repeats: int, before_each: Work | None = None) -> tuple[list[float], int]:
    """Milliseconds of each of ``repeats`` runs after a warming one, and the most queries a run
    sent."""
    queries = 0
    result = []
    for n in range(repeats + 1):
        if before_each:
            before_each()
        with harness.counting_queries() as counted:
            start = time.perf_counter()
            work()
            elapsed = (time.perf_counter() - start) * 1000
        if n:  # the first run warms caches, templates and translations
            result.append(elapsed)
            queries = max(queries, counted["queries"])
    return result, queries


def p95(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def median_of(work: Work | None, repeats: int, before_each: Work | None) -> float | None:
    if work is None:
        return None
    return statistics.median(timings(work, repeats, before_each)[0])


def figures(
    run: Work,
    baseline: Work | None,
    floor: Work | None,
    repeats: int,
    before_each: Work | None = None,
    *,
    baseline_repeats: int | None = None,
) -> dict:
    """A row's figures: ours, its floor and its baseline (maybe fewer times: a slow one), each
    run after ``before_each``. The baseline goes last: what its last run wrote is still there
    to compare with ours."""
    ours, queries = timings(run, repeats, before_each)
    floor_ms = median_of(floor, repeats, before_each)
    return {
        "median_ms": statistics.median(ours),
        "p95_ms": p95(ours),
        "queries": queries,
        "baseline_ms": median_of(baseline, baseline_repeats or repeats, before_each),
        "floor_ms": floor_ms,
    }


def measure(op: Operation) -> dict:
    if op.measure is not None:
        figures_of_run = op.measure()
    else:
        assert op.run is not None  # timed here: an operation has run or measure
        figures_of_run = figures(op.run, op.baseline, op.floor, op.repeats, op.before_each)
    row = {
        "operation": op.name,
        "size": op.size,
        "median_ms": round(figures_of_run.pop("median_ms"), 1),
        "p95_ms": round(figures_of_run.pop("p95_ms"), 1),
        "queries": figures_of_run.pop("queries"),
        "baseline_ms": _round(figures_of_run.pop("baseline_ms")),
        "floor_ms": _round(figures_of_run.pop("floor_ms")),
    }
    row["baseline_ratio"] = _ratio(row["median_ms"], row["baseline_ms"])
    row["floor_ratio"] = _ratio(row["median_ms"], row["floor_ms"])
    row |= figures_of_run | op.extra
    row["target"] = str(op.target)
    row["target_met"] = op.target.met(row)
    row["baseline"] = op.baseline_is
    row["floor"] = op.floor_is
    return row


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _ratio(ours: float, theirs: float | None) -> float | None:
    return round(ours / theirs, 2) if theirs else None


COLUMNS = [  # heading, key, width
    ("operation", "operation", 34),
    ("size", "size", 30),
    ("median ms", "median_ms", 10),
    ("p95 ms", "p95_ms", 10),
    ("queries", "queries", 7),
    ("baseline ms", "baseline_ms", 11),
    ("÷baseline", "baseline_ratio", 9),
    ("floor ms", "floor_ms", 9),
    ("÷floor", "floor_ratio", 7),
    ("target", "target", 34),
    ("met", "target_met", 3),
]


def _figure(value: float) -> str:
    """Three significant figures or so: 5.20, 71.9, 1,115."""
    return f"{value:,.2f}" if value < 10 else f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def table(rows: list[dict]) -> str:
    def cell(value: Any, width: int) -> str:
        if value is None:
            value = "–"
        elif value is True or value is False:
            value = "yes" if value else "NO"
        elif isinstance(value, float):
            value = _figure(value)
        return str(value).ljust(width)[: max(width, len(str(value)))]

    lines = ["  ".join(cell(heading, width) for heading, _key, width in COLUMNS)]
    lines.append("  ".join("-" * width for _heading, _key, width in COLUMNS))
    for row in rows:
        lines.append("  ".join(cell(row.get(key), width) for _heading, key, width in COLUMNS))
    return "\n".join(lines)


def markdown(rows: list[dict]) -> str:
    """The rows as bench/README.md shows them, missed targets in bold."""

    def cell(row: dict, key: str) -> str:
        value = row.get(key)
        if key == "target_met":
            return "yes" if value else "**NO**"
        if isinstance(value, float):
            return _figure(value)
        return "–" if value is None else str(value)

    lines = ["| " + " | ".join(heading for heading, _key, _width in COLUMNS) + " |"]
    lines.append("|---|---|" + "--:|" * 7 + "---|---|")
    lines += ["| " + " | ".join(cell(row, key) for _h, key, _w in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def write(rows: list[dict], run: dict) -> None:
    """``bench/results/latest.json`` (committed) and a copy named by the time of the run."""
    rows = [{**row, **run} for row in rows]
    text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    harness.RESULTS.mkdir(exist_ok=True)
    (harness.RESULTS / "latest.json").write_text(text)
    stamp = run["measured_at"].replace(":", "")[:15]
    (harness.RESULTS / f"suite-{stamp}.json").write_text(text)


def operations(data) -> list[Operation]:
    from bench import ops_assessment, ops_http, ops_import, ops_jobs, ops_pages, ops_rollup

    return [
        *ops_pages.operations(data),
        *ops_jobs.operations(data),
        *ops_import.operations(data),
        *ops_http.operations(data),
        *ops_rollup.operations(data),
        *ops_assessment.operations(data),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="of the data set (1: provincial)")
    parser.add_argument("--reuse", action="store_true", help="the data set made by a last run")
    parser.add_argument("--only", nargs="*", help="operations whose name contains one of these")
    parser.add_argument(
        "--markdown", action="store_true", help="print the last run's table for bench/README.md"
    )
    options = parser.parse_args(argv)
    if options.markdown:
        print(markdown(json.loads((harness.RESULTS / "latest.json").read_text())))
        return 0

    harness.setup(fresh=not options.reuse)
    from django.core.management import call_command

    from bench import generate

    made_in = None
    if not options.reuse:
        start = time.perf_counter()
        call_command("bench_data", scale=options.scale)
        made_in = round(time.perf_counter() - start, 1)
    data = generate.existing(scale=options.scale)
    sizes = generate.counts()
    print(f"Data set: {', '.join(f'{n:,} {k}' for k, n in sizes.items())}.")
    rows = []
    for op in operations(data):
        if options.only and not any(part in op.name for part in options.only):
            continue
        print(f"… {op.name}", flush=True)
        rows.append(measure(op))
    print(table(rows))
    for row in rows:
        print(f"  {row['operation']}: baseline = {row['baseline']}; floor = {row['floor']}")
    run = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "scale": options.scale,
        "data": sizes,
        "data_made_in_seconds": made_in,
    }
    if not options.only:
        write(rows, run)
    missed = [row["operation"] for row in rows if not row["target_met"]]
    if missed:
        print(f"Targets missed: {', '.join(missed)}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
