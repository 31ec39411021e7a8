import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import generate
from org.models import Department


class Command(BaseCommand):
    help = (
        "Make the benchmarks' provincial data set (ten years, 150,000 assignments at scale 1) "
        "in an empty database. Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="multiplies every count")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--years", type=int, default=generate.YEARS)

    def handle(self, *, scale, seed, years, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if not 1 <= years <= 30:
            raise CommandError("--years must be between 1 and 30.")
        if Department.objects.filter(name="基准省教育厅").exists():
            raise CommandError("The data set is already here: make it in an empty database.")
        start = time.perf_counter()
        made = generate.provincial(scale=scale, seed=seed, years=years)
        if not connection.in_atomic_block:  # VACUUM cannot run in a transaction (the tests')
            with connection.cursor() as cursor:
                # What autovacuum would have done to a live database by now: the visibility
                # map that lets PostgreSQL answer a count from an index alone.
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"Made {made.bureau.department} ({len(made.bureau.units)} units) and "
            f"{len(made.plans)} plans in {time.perf_counter() - start:.1f} s: "
            + ", ".join(f"{count:,} {name}" for name, count in generate.counts().items())
        )
