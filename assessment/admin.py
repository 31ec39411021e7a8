from django.contrib import admin

from .models import Indicator, Scheme


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["department", "year", "scope", "updated_at"]
    list_filter = ["year", "scope"]
    inlines = [IndicatorInline]
