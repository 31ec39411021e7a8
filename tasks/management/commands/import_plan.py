import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from org.models import Department
from plans.messages import format_error
from plans.parsing import PlanFormatError
from tasks import importing


class Command(BaseCommand):
    help = (
        "Import an issued plan (.txt, .docx, .xlsx). With --dry-run --json, print what the "
        "importer reads (the contract in the README) and save nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--department", help="the department the plan belongs to")
        parser.add_argument("--dry-run", action="store_true", help="parse only; save nothing")
        parser.add_argument("--json", action="store_true", help="print the parsed plan as JSON")
        parser.add_argument(
            "--new-version", action="store_true", help="import again a document already imported"
        )

    def handle(self, *args, path, department, dry_run, json: bool, new_version, **options):
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        try:
            parsed = importing.parse_upload(source.name, data)
        except PlanFormatError as error:
            raise CommandError(format_error(error)) from error
        if json:
            self.stdout.write(_dumps(importing.parsed_json(parsed)))
        if dry_run:
            return
        if not department:
            raise CommandError("--department is required unless --dry-run")
        dept = Department.objects.filter(name=department).first()
        if dept is None:
            raise CommandError(f"No department named {department}")
        try:
            plan = importing.import_document(
                dept, source_name=source.name, data=data, new_version=new_version, by=None
            )
        except importing.ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if not json:
            self.stdout.write(f"Imported “{plan}” with {plan.tasks.count()} tasks (draft).")


def _dumps(data: dict) -> str:
    for task in data["tasks"]:
        task.pop("line", None)  # the contract names no line numbers
    return json.dumps(data, ensure_ascii=False, indent=2)
