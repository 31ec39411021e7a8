"""The registers' lists; overdue requests stand out."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from org.tables import IsoDateColumn, Table

from . import queries
from .models import DisclosureRequest, ReviewCase


def _status(record: DisclosureRequest) -> str:
    return queries.status_of(record, timezone.localdate())


class RequestTable(Table):
    received_on = IsoDateColumn(verbose_name=_("received on"), linkify=True)
    applicant = tables.Column(_("applicant"), accessor="applicant_name", default="—")
    applicant_type = tables.Column(_("applicant type"))
    channel = tables.Column(_("channel"))
    content = tables.Column(_("content requested"), orderable=False)
    reply_due = IsoDateColumn(verbose_name=_("reply due"))
    status = tables.Column(_("status"), empty_values=(), order_by=("replied_on", "reply_due"))
    outcome = tables.Column(_("outcome"))
    replied_on = IsoDateColumn(verbose_name=_("replied on"))

    class Meta:
        model = DisclosureRequest
        fields = [
            "received_on",
            "applicant",
            "applicant_type",
            "channel",
            "content",
            "reply_due",
            "status",
            "outcome",
            "replied_on",
        ]
        order_by = ("-received_on",)
        empty_text = _("No requests match.")
        row_attrs = {"class": _status}

    def render_content(self, value: str) -> str:
        return Truncator(value).chars(40)

    def render_status(self, record: DisclosureRequest) -> str:
        return str(queries.Status.labels[_status(record)])


class ReviewCaseTable(Table):
    filed_on = IsoDateColumn(
        verbose_name=_("filed on"),
        linkify=("registers:reviewcase_update", {"pk": tables.A("pk")}),
    )
    kind = tables.Column(_("kind"))
    reference = tables.Column(_("case number"))
    result = tables.Column(_("result"), default="尚未审结")
    closed_on = IsoDateColumn(verbose_name=_("decided on"))
    request = tables.Column(_("disclosure request"), linkify=True)

    class Meta:
        model = ReviewCase
        fields = ["filed_on", "kind", "reference", "result", "closed_on", "request"]
        order_by = ("-filed_on",)
        empty_text = _("No review cases match.")
