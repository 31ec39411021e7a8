"""Django's ModelBackend, reading a person's unit with them: every page's header names it, and
the unit's row was one more query on every request."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .models import User


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user = User._default_manager.select_related("unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
