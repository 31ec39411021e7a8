"""The office's webhooks: the list with a form for a new one, and each hook's page with its
delivery log and its switches (on, off, test ping, delete)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import webhooks
from org.http import AuthenticatedRequest
from org.permissions import office_department
from tasks import permissions
from tasks.forms import WebhookForm


@login_required
def webhook_list(request: AuthenticatedRequest) -> HttpResponse:
    department = office_department(request.user)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hook = webhooks.create_hook(department.pk, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown once: the receiver keeps it to check the signatures.
            messages.success(
                request,
                _("Webhook created. Copy its secret now, it is not shown again: {secret}").format(
                    secret=hook.secret
                ),
            )
            return redirect(hook)
    hooks = department.webhooks.order_by("name", "pk")
    return render(request, "tasks/webhook_list.html", {"hooks": hooks, "form": form})


ACTIONS = {
    "enable": (lambda hook: webhooks.set_active(hook, True), gettext_lazy("Webhook switched on.")),
    "disable": (
        lambda hook: webhooks.set_active(hook, False),
        gettext_lazy("Webhook switched off."),
    ),
    "ping": (webhooks.ping, gettext_lazy("Test ping queued; its delivery is in the log below.")),
}


@login_required
def webhook_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hook = permissions.get_webhook_or_404(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "delete":
            hook.delete()
            messages.success(request, _("Webhook deleted."))
            return redirect("tasks:webhook_list")
        if action not in ACTIONS:
            return HttpResponseBadRequest(_("Unknown action."))
        do, done = ACTIONS[action]
        try:
            do(hook)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, str(done))
        return redirect(hook)
    deliveries = hook.deliveries.order_by("-created_at", "-pk")[:100]
    return render(request, "tasks/webhook_detail.html", {"hook": hook, "deliveries": deliveries})
