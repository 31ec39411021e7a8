"""What the API shows of each object, and what its writes take. Reads only: every write is a
service of its app (``tasks.services``, ``tasks.activity``), called by the view."""

import json

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from plans.models import Heading, Plan
from registers.models import DisclosureRequest
from reporting import exports
from reporting.models import ReportDraft
from tasks.models import (
    Assignment,
    Comment,
    EvidenceFile,
    EvidenceLink,
    Figure,
    Metric,
    Notification,
    ProgressUpdate,
    Task,
)


class PageField(serializers.Field):
    """The object's page in the app, as an absolute address: a person can open it."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


extend_schema_field(OpenApiTypes.URI)(PageField)


def _absolute(serializer: serializers.Field, name: str, pk: int, *args) -> str:
    return serializer.context["request"].build_absolute_uri(reverse(name, args=[pk, *args]))


class HeadingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Heading
        fields = ["id", "parent", "label", "title", "position"]


class PlanSerializer(serializers.ModelSerializer):
    page = PageField()
    headings = HeadingSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "year",
            "number",
            "issuer",
            "issued_on",
            "status",
            "version",
            "page",
            "headings",
        ]


class TaskAssignmentSerializer(serializers.ModelSerializer):
    """An assignment as a task row lists it: only what ``tasks.queries.task_rows`` loads."""

    unit = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "unit", "role"]

    def get_unit(self, assignment: Assignment) -> str:
        return str(assignment.unit)


class TaskSerializer(serializers.ModelSerializer):
    page = PageField()
    assignments = TaskAssignmentSerializer(many=True, read_only=True)
    state = serializers.SerializerMethodField()
    n_assignments = serializers.IntegerField(read_only=True)
    n_completed = serializers.IntegerField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "heading",
            "title",
            "text",
            "deadline_kind",
            "due_date",
            "recurrence",
            "is_milestone",
            "evidence_required",
            "closed_reason",
            "state",
            "n_assignments",
            "n_completed",
            "assignments",
            "page",
        ]

    def get_state(self, task) -> str:
        """Derived from the counts ``with_progress`` annotates, as the task list shows it."""
        if task.n_assignments and task.n_completed >= task.n_assignments:
            return Task.State.COMPLETED
        return Task.State.IN_PROGRESS if task.n_started else Task.State.NOT_STARTED


class UnitField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, unit) -> dict:
        return {"id": unit.pk, "name": str(unit)}


extend_schema_field(
    {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    }
)(UnitField)


class AssignmentSerializer(serializers.ModelSerializer):
    page = PageField()
    unit = UnitField()
    task_title = serializers.CharField(source="task.__str__", read_only=True)
    due_date = serializers.DateField(source="task.due_date", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "task",
            "task_title",
            "unit",
            "role",
            "status",
            "due_date",
            "version",
            "updated_at",
            "page",
        ]


class EvidenceFileSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = ["id", "original_name", "content_type", "size", "download"]

    def get_download(self, evidence: EvidenceFile) -> str:
        """The app's own download, which checks the person may see the assignment."""
        return _absolute(self, "tasks:evidence_download", evidence.pk)


class EvidenceLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceLink
        fields = ["url", "title"]


class FigureSerializer(serializers.ModelSerializer):
    metric_code = serializers.CharField(source="metric.code", read_only=True)
    metric_name = serializers.CharField(source="metric.name", read_only=True)
    unit_of_measure = serializers.CharField(source="metric.unit", read_only=True)

    class Meta:
        model = Figure
        fields = ["metric", "metric_code", "metric_name", "unit_of_measure", "value"]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.__str__", read_only=True)
    files = EvidenceFileSerializer(many=True, read_only=True)
    links = EvidenceLinkSerializer(many=True, read_only=True)
    figures = FigureSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "author",
            "created_at",
            "text",
            "summary",
            "percent",
            "status",
            "files",
            "links",
            "figures",
        ]


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.__str__", read_only=True, default="")

    class Meta:
        model = Comment
        fields = ["id", "author", "text", "created_at"]


class AssignmentDetailSerializer(AssignmentSerializer):
    updates = ProgressUpdateSerializer(many=True, read_only=True, source="prefetched_updates")
    comments = CommentSerializer(many=True, read_only=True, source="prefetched_comments")

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "updates", "comments"]


class NotificationSerializer(serializers.ModelSerializer):
    task = serializers.SerializerMethodField()
    assignment = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "task", "assignment", "note", "created_at", "read_at", "page"]

    def _about(self, notification: Notification) -> Assignment | Task | None:
        """The assignment or task told of; None for a note (a late report's reminder)."""
        if notification.reminder is not None:
            return notification.reminder.assignment
        if notification.event is not None:
            return notification.event.assignment or notification.event.task
        return None

    def get_task(self, notification: Notification) -> int | None:
        about = self._about(notification)
        if about is None:
            return None
        return about.task_id if isinstance(about, Assignment) else about.pk

    def get_assignment(self, notification: Notification) -> int | None:
        about = self._about(notification)
        return about.pk if isinstance(about, Assignment) else None

    def get_note(self, notification: Notification) -> str:
        told = notification.reminder or notification.event
        return told.note if told is not None else notification.note

    def get_page(self, notification: Notification) -> str:
        about = self._about(notification)
        url = about.get_absolute_url() if about is not None else notification.link
        return self.context["request"].build_absolute_uri(url) if url else ""


class DisclosureRequestSerializer(serializers.ModelSerializer):
    page = PageField()

    class Meta:
        model = DisclosureRequest
        fields = [
            "id",
            "reference",
            "channel",
            "submitted_on",
            "received_on",
            "applicant_name",
            "applicant_type",
            "content",
            "correction_requested_on",
            "corrected_on",
            "extension_days",
            "consultation_days",
            "reply_due",
            "outcome",
            "replied_on",
            "fee",
            "note",
            "updated_at",
            "page",
        ]


class ReportDraftSerializer(serializers.ModelSerializer):
    page = PageField()
    exports = serializers.SerializerMethodField()

    class Meta:
        model = ReportDraft
        fields = [
            "id",
            "year",
            "title",
            "format",
            "status",
            "generation",
            "generated_at",
            "finalised_at",
            "page",
            "exports",
        ]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_exports(self, draft: ReportDraft) -> dict[str, str]:
        """The draft in each format, by the app's own export (docx, pdf, html, json, xlsx)."""
        return {
            fmt: _absolute(self, "reporting:report_export", draft.pk, fmt)
            for fmt in exports.WRITERS
        }


# --- What the writes take -----------------------------------------------------------------------


class LinkInput(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FigureInput(serializers.Serializer):
    metric = serializers.PrimaryKeyRelatedField(queryset=Metric.objects.none())
    value = serializers.DecimalField(max_digits=14, decimal_places=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The catalogue's and the assignment's department's own metrics, as the page offers.
        assignment = self.context.get("assignment")
        if assignment is not None:
            department = assignment.task.plan.department_id
            self.fields["metric"].queryset = Metric.objects.filter(  # type: ignore[attr-defined]
                Q(department__isnull=True) | Q(department=department)
            )


class ProgressInput(serializers.Serializer):
    """A progress report, and with ``submit`` the hand-in for review. JSON, or multipart
    form data when files are attached (then ``links`` and ``figures`` are JSON strings)."""

    text = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    percent = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    submit = serializers.BooleanField(default=False)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The assignment's version as read: a report on an older one is refused.",
    )
    links = LinkInput(many=True, required=False, default=list)
    figures = FigureInput(many=True, required=False, default=list)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):  # form data: repeated files, the lists as JSON strings
            plain = {key: data.get(key) for key in data if key != "files"}
            plain["files"] = data.getlist("files")
            for key in ("links", "figures"):
                if isinstance(plain.get(key), str):
                    try:
                        plain[key] = json.loads(plain[key])
                    except ValueError:
                        raise serializers.ValidationError({key: [_("Give a JSON list.")]}) from None
            data = plain
        return super().to_internal_value(data)


class ReviewInput(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true: accept (销号); false: return to the unit.")
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True)


class CommentInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
