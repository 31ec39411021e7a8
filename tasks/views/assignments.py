from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from org.history import history_rows
from org.http import AuthenticatedRequest
from org.permissions import office_department
from tasks import cascade, permissions, queries, services
from tasks.forms import (
    CommentForm,
    FigureFormSet,
    LinkFormSet,
    MetricForm,
    ProgressForm,
    ReviewForm,
)
from tasks.models import Assignment, EvidenceFile, Metric
from tasks.views.comments import comments_context, post_comment


def _metrics_for(assignment):
    department = assignment.task.plan.department_id
    return list(Metric.objects.filter(Q(department__isnull=True) | Q(department=department)))


@login_required
def assignment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The assignment's page: its history of updates, and what this person may do next."""
    assignment = permissions.get_assignment_or_404(request.user, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    # Only the forms of the posted button are bound: a review posts no progress formsets, and
    # binding them would show their missing management forms as errors.
    reported = request.POST if action in ("report", "submit") else None
    reviewed = request.POST if action in ("accept", "return") else None
    version = {"version": assignment.version}
    metrics = _metrics_for(assignment)
    updates = list(queries.updates_of(assignment))
    # Returned work starts again from what the unit last reported, not from a blank form.
    again = queries.report_to_resume(assignment, updates)
    files = request.FILES if reported is not None else None
    progress = ProgressForm(reported, files, initial={**version, **again.text}, prefix="p")
    links = LinkFormSet(reported, prefix="link", initial=again.links)
    figures = FigureFormSet(
        reported, prefix="fig", initial=again.figures, form_kwargs={"metrics": metrics}
    )
    review = ReviewForm(reviewed, initial=version, prefix="r")
    remark = CommentForm(request.POST if action == "comment" else None, prefix="c")
    if request.method == "POST":
        if action == "comment":
            if post_comment(request, assignment, remark):
                return redirect(f"{assignment.get_absolute_url()}#comments")
        elif _act(request, assignment, action, progress, links, figures, review):
            return redirect(assignment)
    user = request.user
    return render(
        request,
        "tasks/assignment_detail.html",
        {
            "assignment": assignment,
            "updates": updates,
            "resumed": bool(again.text),
            "can_update": bool(permissions.allowed_statuses(user, assignment)),
            "can_submit": permissions.can(user, permissions.SUBMIT, assignment)
            and Assignment.Status.SUBMITTED in permissions.allowed_statuses(user, assignment),
            "can_review": permissions.can(user, permissions.REVIEW, assignment)
            and assignment.status == Assignment.Status.SUBMITTED,
            "progress": progress,
            "links": links,
            "figures": figures,
            "review": review,
            "history": history_rows(assignment),
            "can_review_any": permissions.can(user, permissions.REVIEW, assignment),
            "reminders": queries.reminders_of(assignment),
            "due": queries.due_of(assignment, timezone.localdate()),
            # Cascaded: the department's own task decides its status (tasks.upstream).
            "downstream": cascade.downstream_of(assignment)
            if permissions.is_cascaded(assignment)
            else None,
            **comments_context(user, assignment, remark),
        },
    )


def _act(request, assignment, action, progress, links, figures, review) -> bool:
    """Run the one service the posted button asks for; False leaves errors on the forms."""
    if action in ("report", "submit"):
        needed = permissions.SUBMIT if action == "submit" else permissions.UPDATE
        if not permissions.can(request.user, needed, assignment):
            raise PermissionDenied
        if not (progress.is_valid() and links.is_valid() and figures.is_valid()):
            return False
        form, call = (
            progress,
            lambda: services.record_progress(
                assignment,
                progress.report(links, figures),
                submit=action == "submit",
                version=progress.cleaned_data["version"],
                by=request.user,
            ),
        )
        done = _("Submitted for review.") if action == "submit" else _("Progress recorded.")
    elif action in ("accept", "return"):
        if not permissions.can(request.user, permissions.REVIEW, assignment):
            raise PermissionDenied
        if not review.is_valid():
            return False
        form, call = (
            review,
            lambda: services.review_assignment(
                assignment,
                accept=action == "accept",
                comment=review.cleaned_data["comment"],
                version=review.cleaned_data["version"],
                by=request.user,
            ),
        )
        done = _("Accepted (销号).") if action == "accept" else _("Returned to the unit.")
    else:
        raise PermissionDenied
    try:
        call()
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, done)
    return True


@login_required
def evidence_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A file is served only to those who may see its assignment, under its original name."""
    evidence_file = get_object_or_404(
        EvidenceFile.objects.select_related("update"),
        pk=pk,
        update__assignment__in=permissions.visible_assignments(request.user),
    )
    response = FileResponse(
        default_storage.open(evidence_file.storage_name),
        as_attachment=True,
        filename=evidence_file.original_name,
        content_type=evidence_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def metric_list(request: AuthenticatedRequest) -> HttpResponse:
    """The catalogue of figures units report; office staff add their own."""
    department = office_department(request.user)
    form = MetricForm(request.POST or None)
    form.instance.department = department
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:  # the same code posted twice at once: the first one stands
            form.add_error("code", _("The code “%(code)s” is already used.") % form.cleaned_data)
        else:
            messages.success(request, _("Metric added."))
            return redirect("tasks:metric_list")
    metrics = Metric.objects.filter(Q(department__isnull=True) | Q(department=department))
    return render(request, "tasks/metric_list.html", {"metrics": metrics, "form": form})
