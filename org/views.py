import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from . import importing, sso
from .backends import REFUSAL
from .forms import DepartmentSettingsForm, OrganisationImportForm, ProfileForm
from .http import AuthenticatedRequest
from .models import Department
from .permissions import (
    importable_departments,
    is_admin,
    is_leader,
    is_placed,
    office_department,
    sees_whole_department,
)
from .spreadsheets import SpreadsheetError

# The files between preview and confirmation: the confirmation imports what was previewed, read
# again and checked again against the database as it is then.
IMPORT_SESSION_KEY = "organisation_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Leaders start on the dashboard (工作台), office staff on the task list, a unit's people
    on their own work. (Someone not yet placed never gets here: org.middleware.)"""
    if is_leader(request.user):
        return redirect("reporting:dashboard")
    if is_admin(request.user) or sees_whole_department(request.user):
        return redirect("tasks:task_list")
    return redirect("tasks:assignment_list")


@login_required
def unit_pending(request: AuthenticatedRequest) -> HttpResponse:
    if is_placed(request.user):
        return redirect("home")
    return render(request, "org/unit_pending.html")


def oidc_provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME or _("single sign-on")


class LoginView(auth_views.LoginView):
    """Django's, offering the OIDC provider beside the password when it is turned on."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.OIDC_ENABLED:
            context["oidc_provider"] = oidc_provider_name()
        return context


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)

    def login_failure(self) -> HttpResponse:
        provider = oidc_provider_name()
        refusal = getattr(self.request, REFUSAL, None)
        if isinstance(refusal, sso.LoginTaken):
            # The identifier is what the office needs to link the account (deploy/sso.md).
            message = _(
                "Logging in with {provider} did not succeed: the login name {login} is already "
                "taken by an account here. Ask your office to link that account to your "
                "{provider} identity ({subject})."
            ).format(provider=provider, login=refusal.login, subject=refusal.subject)
        else:
            message = _(
                "Logging in with {provider} did not succeed. Try again, or ask your office."
            ).format(provider=provider)
        messages.error(self.request, message)
        return super().login_failure()


def oidc_login(request: HttpRequest) -> HttpResponse:
    """To the provider's login page (mozilla-django-oidc); not found while OIDC is off."""
    if not settings.OIDC_ENABLED:
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: the code exchanged, the person signed in (org/sso.py)."""
    if not settings.OIDC_ENABLED:
        raise Http404
    return OIDCCallbackView.as_view()(request)


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("profile")
    return render(request, "org/profile.html", {"form": form})


@login_required
def department_settings(request: AuthenticatedRequest) -> HttpResponse:
    """The department's report settings, kept by its office staff (anyone else: 403)."""
    department = office_department(request.user)
    form = DepartmentSettingsForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("org:department_settings")
    return render(request, "org/department_settings.html", {"form": form})


@login_required
def organisation_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload → preview (what would change, and every row's errors) → confirm → summary."""
    departments = importable_departments(request.user)
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_import(request, departments)
    form = OrganisationImportForm(
        request.POST or None, request.FILES or None, departments=departments
    )
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data["department"]
        uploads = [importing.Upload(name, data) for name, data in form.uploads()]
        try:
            plan = importing.plan(department, importing.read(uploads))
        except SpreadsheetError as error:
            form.add_error("file", error.message)
        else:
            request.session[IMPORT_SESSION_KEY] = {
                "department": department.pk,
                "files": [[u.name, base64.b64encode(u.data).decode()] for u in uploads],
            }
            return render(request, "org/organisation_import_preview.html", {"plan": plan})
    context = {
        "form": form,
        "sheets": {importing.UNITS_SHEET: importing.UNIT_COLUMNS,
                   importing.PEOPLE_SHEET: importing.PEOPLE_COLUMNS},
    }  # fmt: skip
    return render(request, "org/organisation_import.html", context)


def _confirm_import(
    request: AuthenticatedRequest, departments: QuerySet[Department]
) -> HttpResponse:
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored:
        messages.error(request, _("Nothing awaits confirmation: upload the file again."))
        return redirect("org:organisation_import")
    department = get_object_or_404(departments, pk=stored["department"])
    uploads = [importing.Upload(name, base64.b64decode(data)) for name, data in stored["files"]]
    plan = importing.plan(department, importing.read(uploads))
    try:
        importing.apply(plan)
    except importing.ImportRefused:
        # Someone changed the department since the preview: show what is wrong now.
        return render(request, "org/organisation_import_preview.html", {"plan": plan})
    del request.session[IMPORT_SESSION_KEY]
    return render(request, "org/organisation_import_preview.html", {"plan": plan, "done": True})


@login_required
@require_GET
def organisation_import_template(request: AuthenticatedRequest) -> HttpResponse:
    importable_departments(request.user)  # refuses who may not import
    response = HttpResponse(importing.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "单位和人员导入模板.xlsx")
    return response
