import datetime

from django.core.management.base import BaseCommand, CommandError

from core.holidays import calendar_for
from core.workdays import CalendarNotCovered


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text}: not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = (
        "Working days on the official calendar: `add DATE N` prints the N-th working day after "
        "DATE (the day itself not counted); `between A B` prints the working days after A up "
        "to and including B."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add")
        add.add_argument("date", type=_date)
        add.add_argument("n", type=int)
        between = sub.add_parser("between")
        between.add_argument("start", type=_date)
        between.add_argument("end", type=_date)

    def handle(self, *args, action, **options):
        try:
            if action == "add":
                day = options["date"]
                self.stdout.write(calendar_for(day.year).add(day, options["n"]).isoformat())
            else:
                start, end = options["start"], options["end"]
                self.stdout.write(str(calendar_for(start.year, end.year).between(start, end)))
        except CalendarNotCovered as error:
            raise CommandError(
                f"The holidays of {error.year} are not known yet: enter them in the app's "
                "calendar (the State Council publishes them each autumn)."
            ) from error
