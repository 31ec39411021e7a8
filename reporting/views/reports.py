"""The year-end report draft: the list of a department's reports, the draft page with its six
parts, the generation job's progress, edits, cells entered by hand, final, versions, downloads."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.filters import DepartmentFilter
from org.http import AuthenticatedRequest
from org.permissions import office_department, overseen_departments
from org.queries import department_choices
from plans.models import Heading
from reporting import aggregates, exports, pdf_export, permissions, queries, rollup, services
from reporting.formats import MONEY_UNITS, SECTION_TITLES, TABLE_PARTS, cell_code, cell_of
from reporting.forms import (
    CellForm,
    FrontMatterForm,
    NewReportForm,
    OptionsForm,
    SectionForm,
    TopicForm,
)
from reporting.grid import VALUE, table_grid
from reporting.models import ReportDraft, ReportSection, ReportVersion
from reporting.prose import Tree
from reporting.report import MISSING


def _error(request: AuthenticatedRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    """Office staff and leaders see their department's reports (a superior's, those of the
    departments below too); the office starts a year's."""
    permissions.require_reader(request.user)
    form = None
    if permissions.keeps_registers(request.user):
        form = NewReportForm(request.POST or None, initial={"year": timezone.localdate().year})
        if request.method == "POST" and form.is_valid():
            try:
                draft = services.create_draft(
                    office_department(request.user),
                    form.cleaned_data["year"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                services.request_generation(draft, by=request.user)
                return redirect(draft)
    reports = permissions.visible_reports(request.user).select_related("department")
    departments = department_choices(request.user)
    listed = DepartmentFilter(request.GET or None, queryset=reports, departments=departments)
    return render(
        request,
        "reporting/report_list.html",
        {
            "reports": listed.qs,
            "form": form,
            "filter": listed if departments else None,
            "oversees": overseen_departments(request.user),
        },
    )


def _cell_flags(draft: ReportDraft, findings) -> dict:
    failed: dict[tuple[int, tuple[str, str]], list[str]] = {}
    for f in findings:
        if not f.ok and f.table:
            for cell in f.cells:
                failed.setdefault((f.table, cell), []).append(f"{f.rule} {f.message}")
    changed = {tuple(c.split(":", 1)) for c in draft.changed_cells}
    return {"failed": failed, "changed": changed}


def _tables(draft: ReportDraft, findings) -> list[dict]:
    """Each table as rows of grid cells, a value cell with its source, failures and change."""
    flags = _cell_flags(draft, findings)
    fmt = queries.report_format(draft)
    result = []
    for number, values in queries.tables_of(draft).items():
        manual = {c for c, s in values.sources.items() if s == "manual"}
        grid = table_grid(fmt.table(number)).filled(values.values, manual)
        rows = [
            [
                {
                    "cell": cell,
                    "missing": cell.kind == VALUE
                    and cell.key is not None
                    and values.sources.get(cell.key) == MISSING,
                    "computed": values.computed.get(cell.key) if cell.key in manual else None,
                    "failed": flags["failed"].get((number, cell.key), []),
                    "changed": (str(number), f"{cell.key[0]}|{cell.key[1]}") in flags["changed"]
                    if cell.key
                    else False,
                }
                for cell in row
            ]
            for row in grid.rows()
        ]
        choices = [
            (f"{r.key}|{c.key}", " / ".join((*r.path, *c.path)) + _unit_hint(r.key, c.key))
            for b in fmt.table(number).blocks
            for r in b.rows
            for c in b.columns
        ]
        result.append(
            {
                "number": number,
                "title": grid.title,
                "rows": rows,
                "form": CellForm(cells=choices, prefix=f"t{number}"),
            }
        )
    return result


def _unit_hint(row: str, column: str) -> str:
    unit = MONEY_UNITS.get((row, column))
    return _(" (in {unit})").format(unit=unit) if unit else ""


def _headings(draft: ReportDraft) -> list[dict]:
    """The year's top plan headings with the sub-topic each is told under (to change it)."""
    tree = Tree(aggregates.plan_year(draft.department_id, draft.year))
    return [
        {
            "heading": heading,
            "form": TopicForm(
                initial={"heading": heading.pk, "topic": tree.topic(heading.pk)}, auto_id=False
            ),
        }
        for heading in tree.plan.headings
        if heading.parent_id is None
    ]


@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, permissions.get_report_or_404(request.user, pk))


def _section_form(section: ReportSection) -> SectionForm:
    text = section.text
    return SectionForm(initial={"text": text, "seen": text}, prefix=f"s{section.pk}")


def _front_form(draft: ReportDraft) -> FrontMatterForm:
    return FrontMatterForm(instance=draft, initial=queries.front_matter(draft), prefix="front")


def _detail(
    request: AuthenticatedRequest,
    draft: ReportDraft,
    bound: SectionForm | None = None,
    front: FrontMatterForm | None = None,
):
    """The report's page; ``bound`` is a part's form posted back with its error (a save over
    someone else's), shown in place of that part's form so that no typed text is lost; so is
    ``front``, the front matter's form."""
    findings = queries.findings(draft)
    sections = list(draft.sections.all())
    can_write = permissions.can_write_report(request.user, draft)
    parts: list[dict[str, Any]] = [
        {
            "section": s,
            "title": SECTION_TITLES[s.number - 1],
            "form": (bound if bound and bound.prefix == f"s{s.pk}" else _section_form(s))
            if can_write
            else None,
            "changes": queries.data_changes(s),
            "is_table": s.number in TABLE_PARTS,
        }
        for s in sections
    ]
    tables = {t["number"]: t for t in _tables(draft, findings)}
    rolled_up = rollup.parts_of(draft)
    sources = rollup.sources(draft, rolled_up)
    for part in parts:
        part["table"] = tables.get(part["section"].number)
        part["sources"] = [s for s in sources if s.table == part["section"].number]
    return render(
        request,
        "reporting/report_detail.html",
        {
            "draft": draft,
            "parts": parts,
            "findings": findings,
            "failures": [f for f in findings if not f.ok],
            "blocking": any(f.blocks_final for f in findings),
            "can_write": can_write and draft.status == ReportDraft.Status.DRAFT,
            "can_reopen": can_write and draft.status == ReportDraft.Status.FINAL,
            "options": OptionsForm(initial=draft.options) if can_write else None,
            "front": (front or _front_form(draft))
            if can_write and draft.status == ReportDraft.Status.DRAFT
            else None,
            "front_matter": queries.front_matter(draft),
            "pdf_available": pdf_export.available(),
            "headings": _headings(draft) if can_write else [],
            "versions": draft.versions.select_related("created_by")[:20],
            "running": draft.generation
            in (ReportDraft.Generation.QUEUED, ReportDraft.Generation.RUNNING),
            "sources_pending": rollup.sources_pending(draft, rolled_up),
        },
    )


@login_required
def report_status(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """The generation job's state, polled by the page's progress bar."""
    draft = permissions.get_report_or_404(request.user, pk)
    return JsonResponse(
        {
            "generation": draft.generation,
            "progress": draft.progress,
            "error": draft.generation_error,
            "done": draft.generation
            in (ReportDraft.Generation.DONE, ReportDraft.Generation.FAILED),
        }
    )


@login_required
@require_POST
def report_generate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    draft = permissions.get_report_or_404(request.user, pk, permissions.MANAGE)
    try:
        services.request_generation(draft, by=request.user)
    except ValidationError as error:
        _error(request, error)
    return redirect(draft)


@login_required
@require_POST
def report_section(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Save a part's text, go back to the generated text, or keep the edit after a data change."""
    section = get_object_or_404(ReportSection, pk=pk)
    draft = permissions.get_report_or_404(request.user, section.draft_id, permissions.MANAGE)
    section.draft = draft
    action = request.POST.get("action", "save")
    form = SectionForm(request.POST, prefix=f"s{section.pk}")
    try:
        if action == "discard":
            services.discard_edit(section, by=request.user)
        elif action == "keep":
            services.keep_edit(section, by=request.user)
        elif form.is_valid():
            seen = form.cleaned_data["seen"] if form.data.get(form.add_prefix("seen")) else None
            services.edit_section(
                section, text=form.cleaned_data["text"], by=request.user, seen=seen
            )
            messages.success(request, _("Part saved."))
    except ValidationError as error:
        if error.code == "stale":
            form.add_error(None, error)
            data = cast(QueryDict, form.data).copy()  # saving again now goes over what is stored
            data[form.add_prefix("seen")] = section.text
            form.data = data
            return _detail(request, draft, bound=form)
        _error(request, error)
    return redirect(f"{draft.get_absolute_url()}#part-{section.number}")


@login_required
@require_POST
def report_cell(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Enter a table cell by hand, or clear it (back to the computed value)."""
    draft = permissions.get_report_or_404(request.user, pk, permissions.MANAGE)
    # Each table's form has its own prefix, t<number>: the one posted names the table.
    table = next((n for n in TABLE_PARTS if f"t{n}-cell" in request.POST), None)
    fmt = queries.report_format(draft)
    choices = [(cell_code(key), "") for key in fmt.table(table).cells()] if table else []
    form = CellForm(request.POST, cells=choices, prefix=f"t{table}")
    if table is None or not form.is_valid():
        messages.error(request, _("Choose a cell and enter a number."))
        return redirect(draft)
    row, column = cell_of(form.cleaned_data["cell"])
    try:
        services.set_cell(
            draft,
            table=table,
            row=row,
            column=column,
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as error:
        _error(request, error)
    return redirect(f"{draft.get_absolute_url()}#part-{table}")


@login_required
@require_POST
def report_front(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Save the title, opening paragraph and sign-off (refused over someone else's later save,
    the form shown again with what they saved)."""
    draft = permissions.get_report_or_404(request.user, pk, permissions.MANAGE)
    form = FrontMatterForm(request.POST, instance=draft, prefix="front")
    if not form.is_valid():
        return _detail(request, draft, front=form)
    try:
        services.set_front_matter(
            draft,
            title=form.cleaned_data["title"],
            opening=form.cleaned_data["opening"],
            sign_off_name=form.cleaned_data["sign_off_name"],
            sign_off_date=form.cleaned_data["sign_off_date"],
            no_opening=form.cleaned_data["no_opening"],
            by=request.user,
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Title, opening and sign-off saved."))
    return redirect(f"{draft.get_absolute_url()}#front")


@login_required
@require_POST
def report_options(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Part 六's optional items; the draft is generated again to write them."""
    draft = permissions.get_report_or_404(request.user, pk, permissions.MANAGE)
    form = OptionsForm(request.POST)
    if form.is_valid():
        try:
            services.set_options(draft, form.cleaned_data)
            services.request_generation(draft, by=request.user)
        except ValidationError as error:
            _error(request, error)
    return redirect(draft)


@login_required
@require_POST
def report_topics(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Map a plan heading to a sub-topic of 一 (kept for the next generations)."""
    draft = permissions.get_report_or_404(request.user, pk, permissions.MANAGE)
    form = TopicForm(request.POST)
    if form.is_valid():
        heading = get_object_or_404(
            Heading,
            pk=form.cleaned_data["heading"],
            plan__department=draft.department_id,
            plan__year=draft.year,
        )
        services.map_heading(heading, form.cleaned_data["topic"])
        services.request_generation(draft, by=request.user)
    return redirect(draft)


@login_required
@require_POST
def report_final(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark final (refused while an error check fails), or reopen."""
    draft = permissions.get_report_or_404(request.user, pk, permissions.MANAGE)
    try:
        if request.POST.get("action") == "reopen":
            services.reopen(draft, by=request.user)
        else:
            services.mark_final(draft, by=request.user)
            messages.success(request, _("The report is final."))
    except ValidationError as error:
        _error(request, error)
    return redirect(draft)


@login_required
def report_version(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A kept version of the report as a page (its parts and tables as they stood), or its
    JSON document with ?format=json."""
    version = get_object_or_404(ReportVersion.objects.select_related("created_by"), pk=pk)
    draft = permissions.get_report_or_404(request.user, version.draft_id)
    if request.GET.get("format") == "json":
        return JsonResponse(version.document, json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "reporting/report_version.html",
        {"draft": draft, "version": version, "document": version.document},
    )


@login_required
def report_export(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    """The draft as it stands, as .docx, PDF, HTML, .xlsx or JSON, named after its title."""
    draft = permissions.get_report_or_404(request.user, pk)
    writer = exports.WRITERS.get(fmt)
    if writer is None:
        raise Http404
    content = queries.content(draft)
    try:
        document = writer.write(content)
    except pdf_export.PdfUnavailable:
        messages.error(
            request,
            _(
                "The PDF could not be made: LibreOffice is not installed on the server or "
                "failed. Download the Word file and save it as PDF, or ask the administrator "
                "(README, “PDF export”)."
            ),
        )
        return redirect(draft)
    return HttpResponse(
        document,
        content_type=writer.content_type,
        headers={
            "Content-Disposition": content_disposition_header(True, exports.filename(content, fmt))
        },
    )
