from django.core.management.base import BaseCommand
from django.utils import timezone

from tasks import demo
from tasks.demo import LOGINS


class Command(BaseCommand):
    help = "Create (or refresh) the demo bureau, its units, one login per role and a plan."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="plan year (default: this year)")

    def handle(self, *args, year=None, **options):
        year = year or timezone.localdate().year
        department, plan, created = demo.load_demo(year)
        state = "created" if created else "already present"
        self.stdout.write(f"Demo department {department}: plan “{plan}” {state}.")
        self.stdout.write(f"Demo logins (password {demo.DEMO_PASSWORD}):")
        for username, full_name, role, unit in LOGINS:
            self.stdout.write(f"  {username:<8} {role.label:<22} {full_name} {unit or ''}")
