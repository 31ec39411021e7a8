from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Department, ExternalIdentity, Unit, UnitGroup, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    list_filter = ["parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "is_office", "department", "position"]
    list_filter = ["department", "kind"]
    search_fields = ["name", "short_name"]

    def save_model(self, request, obj, form, change):
        services.save_unit(obj)


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "rule", "department"]
    list_filter = ["department", "rule"]


class ExternalIdentityInline(admin.TabularInline):
    """How the person signs in through a directory, and the placement it last gave them: while
    department, unit and role still equal it, the directory may move them (org/sso.py).

    One added here (its source, and the identifier the login page showed the person) links the
    person: an OIDC login is not linked to them by their login name (deploy/sso.md)."""

    model = ExternalIdentity
    extra = 0
    fields = ("source", "subject", "assigned_department", "assigned_unit", "assigned_role")
    # Added by hand, the placement is the office's: the directory does not move the person.
    readonly_fields = ("assigned_department", "assigned_unit", "assigned_role")
    can_delete = True  # unlinks


@admin.register(User)
class PersonAdmin(UserAdmin):
    inlines = [ExternalIdentityInline]
    list_display = ["username", "full_name", "department", "unit", "role", "is_active"]
    list_filter = ["department", "role", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Organisation"), {"fields": ("full_name", "department", "unit", "role")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Organisation"), {"fields": ("full_name", "department", "unit", "role")}),
    )

    def save_model(self, request, obj, form, change):
        services.save_person(obj)
