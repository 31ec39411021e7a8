import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting import reminders
from tasks.workdays import CalendarNotCovered


class Command(BaseCommand):
    help = "Run the reply-deadline reminder sweep of disclosure requests for a day, synchronously."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--dry-run", action="store_true", help="decide, save and send nothing")

    def handle(self, *args, date, dry_run, **options):
        day = date or timezone.localdate()
        try:
            result = reminders.sweep(day, dry_run=dry_run)
        except CalendarNotCovered as error:
            raise CommandError(f"The holidays of {error.year} are not known yet.") from error
        outcomes = [reminders.deliver(pk) for pk in result.digests]
        self.stdout.write(
            f"date: {day.isoformat()}, decided: {result.decided}, "
            f"sent: {outcomes.count('sent')}, failed: {outcomes.count('failed')}"
        )
