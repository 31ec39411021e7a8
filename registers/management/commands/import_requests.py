from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from org.models import Department
from registers import requests_io, services


class Command(BaseCommand):
    help = (
        "Import a disclosure-request register (.xlsx or .csv) into a department's register: "
        "every row, or nothing when any row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--department", required=True, help="the department's name")

    def handle(self, *args, path, department, **options):
        dept = Department.objects.filter(name=department).first()
        if dept is None:
            raise CommandError(f"No department named {department}")
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        try:
            register = requests_io.read_register(source.name, data)
        except requests_io.RegisterFileError as error:
            raise CommandError(error.message) from error
        result = services.import_requests(dept, register, by=None)
        if not result.ok:
            lines = "\n".join(str(e) for e in result.errors)
            raise CommandError(f"Nothing imported; {len(result.errors)} problems:\n{lines}")
        self.stdout.write(
            f"Imported into {dept}: {len(result.created)} requests added, "
            f"{len(result.updated)} updated, {len(result.unchanged)} unchanged."
        )
