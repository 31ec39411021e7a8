from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .permissions import is_admin, sees_whole_department


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Office staff and leaders start on the task list; a unit's people on their own work."""
    if is_admin(request.user) or sees_whole_department(request.user):
        return redirect("tasks:task_list")
    return redirect("tasks:assignment_list")
