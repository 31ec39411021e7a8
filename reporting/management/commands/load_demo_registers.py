from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from org.models import Department, User
from registers.demo import load_demo_registers
from reporting.demo import load_demo_health_reports, load_demo_report
from tasks import demo


class Command(BaseCommand):
    help = (
        "Add demo disclosure requests and a review case to the demo bureau (after load_demo), "
        "and generate the year's report draft (and the 区卫健局's reports of last year and this)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="register year (default: now)")

    def handle(self, *args, year=None, **options):
        department = Department.objects.filter(name=demo.DEPARTMENT).first()
        if department is None:
            raise CommandError("Load the demo first: python manage.py load_demo")
        office = User.objects.filter(department=department, role=User.Role.OFFICE).first()
        year = year or timezone.localdate().year
        created = load_demo_registers(department, year, by=office)
        self.stdout.write(f"Demo registers of {department}: {created} requests created.")
        draft = load_demo_report(department, year, by=office)
        self.stdout.write(f"Demo report draft 《{draft}》: {draft.get_generation_display()}.")
        # The other department below the district office: last year's report final, this
        # year's in draft, for the district office's roll-up page.
        health = Department.objects.filter(name=demo.OTHER_DEPARTMENT).first()
        health_office = User.objects.filter(department=health, role=User.Role.OFFICE).first()
        if health is not None and health_office is not None:
            for report in load_demo_health_reports(health, year, by=health_office):
                self.stdout.write(f"Demo report 《{report}》: {report.get_status_display()}.")
