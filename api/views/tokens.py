"""The profile's page of personal API tokens: make one (shown once), see them, revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import permissions, services
from api.forms import TokenForm
from org.http import AuthenticatedRequest


@login_required
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, created = services.create_token(request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Rendered in this response, not redirected through a message: the token would
            # otherwise sit in the session or a cookie until shown.
            form = TokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": permissions.own_tokens(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "api/token_list.html", context)


@login_required
@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = permissions.get_token_or_404(request.user, pk)
    services.revoke_token(token)
    messages.success(request, _("“{name}” is revoked: it no longer works.").format(name=token.name))
    return redirect("api:token_list")
