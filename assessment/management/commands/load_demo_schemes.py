from django.core.management.base import BaseCommand
from django.utils import timezone

from assessment.demo import load_demo_schemes


class Command(BaseCommand):
    help = "Save the default assessment schemes of the demo bureau and the district's office."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="default: this year")

    def handle(self, *args, year=None, **options):
        for scheme in load_demo_schemes(year or timezone.localdate().year):
            self.stdout.write(f"Assessment scheme: {scheme}")
