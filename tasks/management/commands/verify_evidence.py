import dataclasses
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from tasks import integrity


class Command(BaseCommand):
    help = (
        "Read every stored evidence file and check it against its SHA-256; report the missing "
        "and the altered ones (exit status 1 when there are any)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print one line of JSON")

    def handle(self, *args, json: bool, **options):
        report = integrity.verify_evidence()
        if json:
            self.stdout.write(
                jsonlib.dumps(
                    {
                        **report.summary(),
                        "problems": [dataclasses.asdict(p) for p in report.problems],
                    }
                )
            )
        else:
            for problem in report.problems:
                ids = ", ".join(str(pk) for pk in problem.file_ids)
                self.stdout.write(f"{problem.kind}: {problem.name} (evidence files {ids})")
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in report.summary().items()))
        if not report.ok:
            raise CommandError(
                f"{report.missing} missing, {report.altered} altered evidence file(s)",
                returncode=1,
            )
