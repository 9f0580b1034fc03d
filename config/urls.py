"""Root URLs: the admin (compliance staff), the API (developers), the public pages (readers), health."""

from django.contrib import admin
from django.urls import include, path

from timeline.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("timeline.api.urls")),
    path("", include("timeline.pages.urls")),
]
