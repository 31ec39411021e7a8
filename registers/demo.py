"""Demo registers for the quick start: a dozen disclosure requests of the demo bureau across
the year (replied, pending, one overdue, one carried over from the year before) and a review
case. Our own invented applications; loaded twice they stay one set (keyed by reference)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from org.models import Department, User

from .models import DisclosureRequest, ReviewCase
from .services import save_request, save_review_case

Outcome = DisclosureRequest.Outcome

# reference suffix, received (month, day), applicant, type, channel, content, outcome,
# replied (month, day); a month of 0 means the year before.
REQUESTS = [
    (
        "001",
        (0, 28),
        "周某",
        "natural_person",
        "online",
        "申请公开本区2025年秋季学期中小学学位供给情况。",
        Outcome.DISCLOSED,
        (1, 20),
    ),
    (
        "002",
        (2, 3),
        "",
        "natural_person",
        "letter",
        "申请公开某小学新校区建设项目的环评批复。",
        Outcome.UNAVAILABLE_NOT_HELD,
        (2, 27),
    ),
    (
        "003",
        (3, 9),
        "某教育科技有限公司",
        "business",
        "online",
        "申请公开校外培训机构年检结果名单。",
        Outcome.DISCLOSED,
        (3, 30),
    ),
    (
        "004",
        (3, 18),
        "刘某",
        "natural_person",
        "in_person",
        "申请公开教师招聘面试评分细则及原始评分表。",
        Outcome.PARTLY_DISCLOSED,
        (4, 14),
    ),
    (
        "005",
        (4, 7),
        "某律师事务所",
        "legal_services",
        "letter",
        "申请公开某校安全事故调查过程中的内部讨论记录。",
        Outcome.WITHHELD_PROCESS,
        (5, 6),
    ),
    (
        "006",
        (5, 12),
        "陈某",
        "natural_person",
        "online",
        "申请公开本人子女入学资格审核的全部材料。",
        Outcome.NOT_HANDLED_CONFIRMATION,
        (5, 29),
    ),
    (
        "007",
        (6, 2),
        "某大学教育研究院",
        "research",
        "online",
        "申请提供全区近五年学生体质健康监测汇总数据。",
        Outcome.UNAVAILABLE_TO_CREATE,
        (6, 26),
    ),
    (
        "008",
        (7, 6),
        "吴某",
        "natural_person",
        "fax",
        "申请公开校服采购招标文件及中标价格。",
        Outcome.DISCLOSED,
        (7, 24),
    ),
    (
        "009",
        (8, 17),
        "某公益助学协会",
        "public_interest",
        "online",
        "申请公开本区家庭经济困难学生资助资金发放情况。",
        Outcome.DISCLOSED,
        (9, 8),
    ),
    (
        "010",
        (9, 21),
        "郑某",
        "natural_person",
        "online",
        "举报某培训机构违规收费，要求公开处理结果。",
        Outcome.NOT_HANDLED_PETITION,
        (10, 16),
    ),
]
# Still open on the day the demo is loaded: received this many calendar days before.
PENDING = [
    ("011", 40, "林某", "natural_person", "online", "申请公开学区划分调整的听证会记录。"),
    (
        "012",
        12,
        "某物业服务公司",
        "other_organisation",
        "letter",
        "申请公开某幼儿园周边道路改造涉及学校的协调函。",
    ),
    ("013", 3, "黄某", "natural_person", "in_person", "申请公开某中学食堂承包合同。"),
]


def _day(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year - 1, 12, day) if month == 0 else datetime.date(year, month, day)


def _rows(year: int, today: datetime.date):
    for suffix, (month, day), name, kind, channel, content, outcome, (rm, rd) in REQUESTS:
        received = _day(year, month, day)
        if received <= today:
            replied = _day(year, rm, rd)
            yield (
                suffix,
                received,
                name,
                kind,
                channel,
                content,
                *((outcome, replied) if replied <= today else ("", None)),
            )
    for suffix, days_ago, name, kind, channel, content in PENDING:
        received = min(today, datetime.date(year, 12, 31)) - datetime.timedelta(days=days_ago)
        yield suffix, received, name, kind, channel, content, "", None


@transaction.atomic
def load_demo_registers(department: Department, year: int, *, by: User | None = None) -> int:
    """Create what is missing; returns how many requests were created."""
    today = timezone.localdate()
    created = 0
    for suffix, received, name, kind, channel, content, outcome, replied in _rows(year, today):
        reference = f"依申请〔{year}〕{suffix}号"
        if DisclosureRequest.objects.filter(department=department, reference=reference).exists():
            continue
        request = DisclosureRequest(
            department=department,
            reference=reference,
            received_on=received,
            applicant_name=name,
            applicant_type=kind,
            channel=channel,
            content=content,
            outcome=outcome,
            replied_on=replied,
        )
        if suffix == "004":  # a third party was consulted
            request.consultation_days = 6
        if suffix == "007":
            request.extension_days, request.extension_approved_by = 10, "林晓雯"
        if suffix == "003":  # the company's 14th application this month (第四十二条)
            request.fee = Decimal("400.00")
        save_request(request, by=by)
        created += 1
    reference = f"丰政复〔{year}〕3号"
    first = DisclosureRequest.objects.filter(
        department=department, reference=f"依申请〔{year}〕005号"
    ).first()
    if (
        first
        and first.replied_on is not None  # replied in the demo: the review is of the reply
        and not ReviewCase.objects.filter(department=department, reference=reference)
    ):
        filed = first.replied_on + datetime.timedelta(days=20)
        decided = filed + datetime.timedelta(days=50)
        case = ReviewCase(
            department=department,
            kind=ReviewCase.Kind.REVIEW,
            reference=reference,
            filed_on=filed,
            request=first,
            result=ReviewCase.Result.UPHELD if decided <= today else "",
            closed_on=decided if decided <= today else None,
        )
        save_review_case(case, by=by)
    return created
