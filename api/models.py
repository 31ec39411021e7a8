"""Personal API tokens: a program acts as the person who made the token, no more."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> "ApiTokenQuerySet":
        """Not revoked and not yet expired (a token is good through its expiry date)."""
        return self.filter(revoked_at__isnull=True, expires_on__gte=timezone.localdate())


class ApiToken(models.Model):
    """A personal token for the REST API. Only the SHA-256 of the secret is kept: the token
    itself is shown once, when it is made, and cannot be read back from the database."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    # The token's first characters, which identify it in the list without revealing it.
    prefix = models.CharField(_("begins with"), max_length=12)
    # A token has 256 random bits: a plain SHA-256 suffices, no slow password hash (those
    # exist to protect guessable passwords), and the digest is the lookup key.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_on = models.DateField(_("expires on"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
