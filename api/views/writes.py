"""What the API writes: each endpoint looks its object up through the app's permission choke
point (unseen 404, not allowed 403, before any input is read), then calls the one service the
page's button calls. The services check again and refuse bad input; nothing is half-saved."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers as fields
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers
from org.models import User
from tasks import activity, permissions, reminders, services
from tasks.evidence import Upload
from tasks.models import Assignment, Task


class AuthenticatedRequest(Request):
    """A request past DRF's IsAuthenticated (every endpoint's): its user is a User. Only the
    type checker sees this class."""

    user: User


def _valid(serializer_class: type[fields.Serializer], request: Request, **context):
    given = serializer_class(data=request.data, context={"request": request, **context})
    given.is_valid(raise_exception=True)
    return given.validated_data


class AssignmentProgress(APIView):
    """Report progress on an assignment, with evidence; ``submit`` hands it in for review (the
    unit's head). Files are sent as multipart form data."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=serializers.ProgressInput,
        responses={201: serializers.ProgressUpdateSerializer},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        user = request.user
        assignment = permissions.get_assignment_or_404(user, pk, permissions.UPDATE)
        data = _valid(serializers.ProgressInput, request, assignment=assignment)
        if data["submit"] and not permissions.can(user, permissions.SUBMIT, assignment):
            raise PermissionDenied
        report = services.Report(
            text=data["text"],
            summary=data["summary"],
            percent=data.get("percent"),
            files=[Upload(f.name, b"".join(f.chunks())) for f in data["files"]],
            links=[(link["url"], link["title"]) for link in data["links"]],
            figures=[(figure["metric"], figure["value"]) for figure in data["figures"]],
        )
        update = services.record_progress(
            assignment, report, submit=data["submit"], version=data.get("version"), by=user
        )
        shown = serializers.ProgressUpdateSerializer(update, context={"request": request})
        return Response(shown.data, status=status.HTTP_201_CREATED)


class AssignmentReview(APIView):
    """The office accepts a submitted assignment (销号) or returns it, saying why."""

    @extend_schema(
        request=serializers.ReviewInput,
        responses={201: serializers.ProgressUpdateSerializer},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        user = request.user
        assignment = permissions.get_assignment_or_404(user, pk, permissions.REVIEW)
        data = _valid(serializers.ReviewInput, request)
        update = services.review_assignment(
            assignment,
            accept=data["accept"],
            comment=data["comment"],
            version=data.get("version"),
            by=user,
        )
        shown = serializers.ProgressUpdateSerializer(update, context={"request": request})
        return Response(shown.data, status=status.HTTP_201_CREATED)


class CommentCreate(APIView):
    """A comment in the thread of an assignment or a task; whoever sees it may comment, but
    a superior, who only reads what is below it (403)."""

    lookup: Callable[..., Assignment | Task] = staticmethod(permissions.get_assignment_or_404)

    @extend_schema(request=serializers.CommentInput, responses={201: serializers.CommentSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        target = self.lookup(request.user, pk, permissions.COMMENT)
        data = _valid(serializers.CommentInput, request)
        with transaction.atomic():  # the comment with its events and notifications, or nothing
            remark = activity.comment(target, data["text"], by=request.user)
        shown = serializers.CommentSerializer(remark, context={"request": request})
        return Response(shown.data, status=status.HTTP_201_CREATED)


class TaskComment(CommentCreate):
    lookup = staticmethod(permissions.get_task_or_404)


class NotificationsRead(APIView):
    """Mark every notification of the person read, as the bell's button does."""

    @extend_schema(
        request=None,
        responses={200: inline_serializer("MarkedRead", {"marked": fields.IntegerField()})},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        return Response({"marked": reminders.mark_read(request.user)})
