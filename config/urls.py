from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from org.views import LoginView, home, oidc_callback, oidc_login, profile, unit_pending

from .health import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/oidc/login/", oidc_login, name="oidc_login"),
    path("accounts/oidc/callback/", oidc_callback, name="oidc_callback"),
    path("accounts/unit-pending/", unit_pending, name="unit_pending"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", profile, name="profile"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("organisation/", include("org.urls")),
    path("plans/", include("plans.urls")),
    path("registers/", include("registers.urls")),
    path("reporting/", include("reporting.urls")),
    path("assessment/", include("assessment.urls")),
    path("", include("api.urls")),
    path("", include("tasks.urls")),
]

handler400 = "config.errors.bad_request"
