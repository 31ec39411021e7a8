"""Tables of the report draft entered in bulk: a whole table pasted or uploaded, and last
year's published report pasted as text. Each shows what it read first; only a confirmed
preview is saved (reporting/table_entry.py reads, reporting/services.py writes)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from org.http import AuthenticatedRequest
from registers.requests_io import RegisterFileError, sheet_rows
from reporting import checks, permissions, queries, services, table_entry
from reporting.formats import format_for
from reporting.forms import PublishedReportForm, TableEntryForm
from reporting.grid import table_grid
from reporting.models import PublishedReport


@login_required
def report_table_entry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Paste or upload a table; preview what it fills and what is wrong; confirm to save."""
    draft = permissions.get_report_or_404(request.user, pk, permissions.MANAGE)
    form = TableEntryForm(
        request.POST or None, request.FILES or None, initial={"table": request.GET.get("table")}
    )
    context: dict = {"draft": draft, "form": form}
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["table"]
        upload = form.cleaned_data["file"]
        try:
            rows = (
                sheet_rows(upload.name, upload.read())
                if upload
                else table_entry.paste_rows(form.cleaned_data["text"])
            )
        except RegisterFileError as error:
            form.add_error("file", error.message)
            return render(request, "reporting/report_table_entry.html", context)
        fmt = queries.report_format(draft)
        read = table_entry.read_table(fmt.table(number), fmt.code, rows)
        if request.POST.get("action") == "confirm" and not read.errors:
            try:
                count = services.fill_table(draft, table=number, cells=read.cells, by=request.user)
            except ValidationError as error:
                read.errors += error.messages
            else:
                messages.success(request, _("{count} cells entered.").format(count=count))
                return redirect(f"{draft.get_absolute_url()}#part-{number}")
        tables = queries.tables_of(draft)
        current = tables[number].values
        context |= {
            # What the checks will say of the table once entered (they block final, not entry).
            "findings": _table_findings(draft, tables, number, read.cells),
            "read": read,
            "table": number,
            "grid": table_grid(fmt.table(number)).filled(read.cells, set(read.cells)),
            "changed": sum(current.get(c) != v for c, v in read.cells.items()),
            "paste": table_entry.rows_as_paste(rows),
        }
    return render(request, "reporting/report_table_entry.html", context)


def _table_findings(draft, tables, number: int, cells) -> list:
    values = {n: dict(t.values) for n, t in tables.items()}
    values[number].update(cells)
    report = checks.Report(values, queries.texts_of(draft), queries.notes_of(draft))
    fmt = queries.report_format(draft)
    return [f for f in checks.run_all(fmt, report, None) if f.table == number and not f.ok]


@login_required
def report_previous(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Last year's published report, pasted as text: its tables read back for the cross-year
    checks; preview, then confirm."""
    draft = permissions.get_report_or_404(request.user, pk, permissions.MANAGE)
    year = draft.year - 1
    form = PublishedReportForm(request.POST or None)
    stored = PublishedReport.objects.filter(department=draft.department_id, year=year).first()
    context: dict = {"draft": draft, "form": form, "year": year, "stored": stored}
    if request.method == "POST" and form.is_valid():
        fmt = format_for(year)
        read = table_entry.read_published(form.cleaned_data["text"], fmt)
        if request.POST.get("action") == "confirm" and not read.errors:
            services.save_published_report(
                draft.department,
                year,
                source=form.cleaned_data["text"],
                values=read.values,
                texts=read.texts,
                by=request.user,
            )
            messages.success(
                request, _("The {year} report is kept for the checks.").format(year=year)
            )
            return redirect(draft)
        # The tables' own rules (T3-1 …) on what was read: a misread row shows up here.
        report = checks.Report({n: dict(v) for n, v in read.values.items()}, read.texts)
        context |= {
            "read": read,
            "grids": [table_grid(t).filled(read.values.get(t.number, {})) for t in fmt.tables],
            "findings": [f for f in checks.run_all(fmt, report, None) if f.table and not f.ok],
        }
    return render(request, "reporting/report_previous.html", context)
