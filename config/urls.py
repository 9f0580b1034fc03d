"""Root URLs: mounts the admin (compliance staff) and the API (developers)."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
