"""Root URLs: the admin (compliance staff), the API (developers), bulk releases, the public pages (readers),
health."""

from django.contrib import admin
from django.urls import include, path

from timeline.health import healthz
from timeline.sync.bulk_views import bulk_file

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("timeline.api.urls")),
    path("bulk/<path:path>", bulk_file, name="bulk-file"),
    path("", include("timeline.pages.urls")),
]
