"""The demo bureau's report draft for the year, generated from the demo registers and the demo
plan, so the office finds it already written on 1 December; loaded twice it stays one draft,
generated again."""

import datetime
from decimal import Decimal

from django.utils import timezone

from org.models import Department, User

from . import services
from .formats import format_for
from .models import ReportDraft


def load_demo_report(department: Department, year: int, *, by: User | None = None) -> ReportDraft:
    """The year's draft, generated now (in this process: `make setup` runs before any worker).
    A draft the office has marked final is left as it is."""
    draft = ReportDraft.objects.filter(department=department, year=year).first()
    if draft is None:
        draft = services.create_draft(department, year, by=by)
    if draft.status == ReportDraft.Status.FINAL:
        return draft
    return services.generate(draft, by=by)


# 区卫健局's figures, entered by hand as a department that does not keep its registers here
# would: (table, row, column) → value. Table 三 balances (新收 + 结转 = 办理结果 + 结转下年).
HEALTH_CELLS = {
    (2, "normative", "issued"): 2,
    (2, "normative", "in_force"): 11,
    (2, "licensing", "decisions"): 136,
    (2, "punishment", "decisions"): 41,
    (3, "new", "natural_person"): 6,
    (3, "new", "business"): 1,
    (3, "disclosed", "natural_person"): 4,
    (3, "unavailable_not_held", "natural_person"): 2,
    (3, "disclosed", "business"): 1,
}


# 区卫健局's part 一 as its office wrote it (it keeps no plan here to generate it from).
HEALTH_OVERVIEW = """{year}年，区卫健局围绕医疗服务和公共卫生重点领域推进政务公开工作。
（一）主动公开
全年在区政府门户网站卫健栏目发布医疗机构执业登记、传染病防控等信息，及时更新办事指南。
（二）依申请公开
规范依申请公开受理、审核和答复流程，申请均在法定期限内答复。
（三）政府信息管理
落实信息发布前保密审查，定期清理过时政策文件。
（四）政府信息公开平台建设
维护门户网站卫健栏目和“丰泽卫健”公众号，做到专人管理。
（五）监督保障
将政务公开纳入科室年度考核，组织业务培训1次。"""


def load_demo_health_reports(
    department: Department, year: int, *, by: User | None = None
) -> tuple[ReportDraft, ReportDraft]:
    """The 区卫健局's report of last year, final, and this year's draft with a few cells, so
    the district office's roll-up page shows one department final and one not. Loaded twice,
    the same two drafts."""
    last = _health_draft(department, year - 1, by=by)
    if last.status != ReportDraft.Status.FINAL and by is not None:
        services.mark_final(last, by=by)
        # Drafted in December and final ten days before the deadline, as an office on time.
        zone = timezone.get_current_timezone()
        ReportDraft.objects.filter(pk=last.pk).update(
            created_at=datetime.datetime(year - 1, 12, 20, 9, tzinfo=zone),
            finalised_at=datetime.datetime(year, 1, 21, 16, tzinfo=zone),
        )
        last.refresh_from_db()
    return last, _health_draft(department, year, by=by)


def _health_draft(department: Department, year: int, *, by: User | None) -> ReportDraft:
    draft = ReportDraft.objects.filter(department=department, year=year).first()
    if draft is None:
        draft = services.create_draft(department, year, by=by)
    if draft.status == ReportDraft.Status.FINAL or by is None:
        return draft
    # This year's figures a little under last year's: the year is not over.
    share = 1 if year < timezone.localdate().year else 0.5
    fmt = format_for(year)
    for (table, row, column), value in HEALTH_CELLS.items():
        if (row, column) in fmt.table(table).cells():
            services.set_cell(
                draft,
                table=table,
                row=row,
                column=column,
                value=Decimal(round(value * share)),
                by=by,
            )
    draft = services.generate(draft, by=by)
    services.edit_section(
        draft.sections.get(number=1), text=HEALTH_OVERVIEW.format(year=year), by=by
    )
    return draft
