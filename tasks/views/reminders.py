"""Reminders as people see them: the bell, the office's policy, calendar and deliveries."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import holidays
from core.models import CalendarDay, Digest
from org.http import AuthenticatedRequest
from org.permissions import office_department
from tasks import activity, permissions, queries, reminders
from tasks.forms import (
    CalendarDayForm,
    NotificationSettingsForm,
    ReminderPolicyForm,
    RemindForm,
)
from tasks.models import Notification


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """The bell's list; posting marks everything read."""
    if request.method == "POST":
        reminders.mark_read(request.user)
        return redirect("tasks:notification_list")
    page = Paginator(queries.notifications_of(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "tasks/notification_list.html", {"page": page})


@login_required
def notification_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Each person chooses how to hear of each kind of event, and their e-mails' language."""
    form = NotificationSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            activity.save_choices(request.user, form.choices())
        messages.success(request, _("Notification settings saved."))
        return redirect("tasks:notification_settings")
    context = {"form": form, "delivery_choices": Notification.Delivery.choices}
    return render(request, "tasks/notification_settings.html", context)


@login_required
@require_POST
def assignment_remind(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """催办: the office reminds a unit by hand, at most once a day per assignment."""
    assignment = permissions.get_assignment_or_404(request.user, pk, permissions.REVIEW)
    form = RemindForm(request.POST)
    if form.is_valid():
        sent = reminders.remind_by_hand(assignment, note=form.cleaned_data["note"], by=request.user)
        if sent:
            messages.success(request, _("Reminder sent to {unit}.").format(unit=assignment.unit))
        else:
            messages.info(
                request, _("{unit} was already reminded today.").format(unit=assignment.unit)
            )
    return redirect(assignment)


@login_required
def reminder_policy(request: AuthenticatedRequest) -> HttpResponse:
    department = office_department(request.user)
    form = ReminderPolicyForm(request.POST or None, instance=reminders.policy_of(department.pk))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Reminder policy saved."))
        return redirect("tasks:reminder_policy")
    return render(request, "tasks/reminder_policy.html", {"form": form})


@login_required
def calendar(request: AuthenticatedRequest) -> HttpResponse:
    """The working-day calendar of a year: the national holidays and make-up days (kept by
    administrators), and the department's own days, which its office sets."""
    department = office_department(request.user)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2004), 2100)
    form = CalendarDayForm(request.POST or None, year=year)
    if request.method == "POST" and form.is_valid():
        holidays.set_day(**form.cleaned_data, department=department.pk)
        messages.success(request, _("Calendar saved."))
        return redirect(f"{request.path}?year={year}")
    own = CalendarDay.objects.filter(date__year=year, department=department)
    context = {
        "year": year,
        "known": holidays.known_year(year),
        "national": holidays.national_days(year),
        "own": own.prefetch_related("history"),  # type: ignore[misc]  # simple_history's
        "form": form,
        "years": (year - 1, year + 1),
    }
    return render(request, "tasks/calendar.html", context)


@login_required
def delivery_list(request: AuthenticatedRequest) -> HttpResponse:
    """Digests that failed or still wait, and the last days' deliveries, for the office."""
    department = office_department(request.user)
    # The department's people's digests and its units' robot digests, of the last 30 days both.
    digests = (
        Digest.objects.filter(date__gte=timezone.localdate() - datetime.timedelta(days=30))
        .filter(Q(recipient__department=department) | Q(unit__department=department))
        .select_related("recipient", "unit")
        .order_by("status", "-date")
    )
    return render(request, "tasks/delivery_list.html", {"digests": digests[:300]})
