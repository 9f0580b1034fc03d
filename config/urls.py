"""Root URLs: the admin (compliance staff), the API (developers) and the public pages (readers)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("timeline.api.urls")),
    path("", include("timeline.pages.urls")),
]
