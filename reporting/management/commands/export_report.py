from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from org.models import Department
from reporting import queries, services
from reporting.exports import WRITERS
from reporting.models import ReportDraft
from reporting.pdf_export import PdfUnavailable


class Command(BaseCommand):
    help = "Write a department's year-end report draft as JSON, .docx, HTML or .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="the department's name")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", required=True, choices=sorted(WRITERS), dest="fmt")
        parser.add_argument("--output", required=True, help="the file to write ('-': stdout)")
        parser.add_argument(
            "--generate",
            action="store_true",
            help="regenerate the draft first (a year without a draft is always generated)",
        )

    def handle(self, *args, department, year, fmt, output, generate, **options):
        dept = Department.objects.filter(name=department).first()
        if dept is None:
            raise CommandError(f"No department named {department}")
        draft = ReportDraft.objects.filter(department=dept, year=year).first()
        if draft is None:  # a year never drafted: draft it now
            draft, generate = services.create_draft(dept, year, by=None), True
        if generate and draft.status == ReportDraft.Status.DRAFT:
            draft = services.generate(draft, by=None)
        try:
            data = WRITERS[fmt].write(queries.content(draft))
        except PdfUnavailable as error:
            raise CommandError(str(error)) from error
        if output == "-":
            self.stdout.write(data.decode())
            return
        Path(output).write_bytes(data)
        self.stdout.write(f"Wrote {output}")
