"""Django's ModelBackend, reading a person's unit with them: every page's header names it, and
the unit's row was one more query on every request. Whether their department has any below it
comes in the same query (``oversees``): most people's have none, and their pages then ask
nothing more of the tree (org.permissions.overseen_departments)."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Exists, OuterRef

from .models import Department, User


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        users = User._default_manager.select_related("unit").annotate(
            oversees=Exists(Department.objects.filter(parent=OuterRef("department")))
        )
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
