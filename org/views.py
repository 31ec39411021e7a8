from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .http import AuthenticatedRequest
from .permissions import is_admin, is_leader, sees_whole_department


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Leaders start on the dashboard (工作台), office staff on the task list, a unit's people
    on their own work."""
    if is_leader(request.user):
        return redirect("reporting:dashboard")
    if is_admin(request.user) or sees_whole_department(request.user):
        return redirect("tasks:task_list")
    return redirect("tasks:assignment_list")


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("profile")
    return render(request, "org/profile.html", {"form": form})
