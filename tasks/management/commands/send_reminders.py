import dataclasses
import datetime
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.workdays import CalendarNotCovered
from tasks import reminders


class Command(BaseCommand):
    help = "Run the reminder sweep for a day, synchronously (delivering the digests too)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--dry-run", action="store_true", help="decide, save and send nothing")
        parser.add_argument("--json", action="store_true", help="print one line of JSON")

    def handle(self, *args, date, dry_run, json: bool, **options):
        day = date or timezone.localdate()
        try:
            result = reminders.sweep(day, deliver_now=not dry_run, dry_run=dry_run)
        except CalendarNotCovered as error:
            raise CommandError(f"The holidays of {error.year} are not known yet.") from error
        summary = {k: v for k, v in dataclasses.asdict(result).items() if k != "digests"}
        summary["date"] = day.isoformat()
        if json:
            self.stdout.write(jsonlib.dumps(summary))
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
