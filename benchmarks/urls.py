"""The site's URLs plus the framework-floor views, mounted only for benchmark runs."""

from django.urls import include, path

from benchmarks.floor import FloorListView

urlpatterns = [
    path("bench-floor/<str:name>/", FloorListView.as_view(), name="bench-floor"),
    path("", include("config.urls")),
]
