"""Who may use which token. Everything else the API reads or writes is decided by the apps'
own permission modules (``tasks.permissions``, ``plans.permissions``, …), as for the pages."""

from django.db.models import QuerySet

from org.permissions import VIEW, AnyUser, get_visible_or_404

from .models import ApiToken


def own_tokens(user: AnyUser) -> QuerySet[ApiToken]:
    """A person's own tokens; nobody, not even an administrator, sees another's."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def get_token_or_404(user: AnyUser, pk: int) -> ApiToken:
    return get_visible_or_404(own_tokens(user), pk, user=user, action=VIEW, can=lambda *_: True)
