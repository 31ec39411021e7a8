from django.urls import path

from config.urls import urlpatterns as app_urls

from .admin import site

urlpatterns = [path("bench-admin/", site.urls), *app_urls]
