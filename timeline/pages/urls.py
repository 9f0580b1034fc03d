"""Public read-only pages and feeds.

The admin links here by name: reverse("pages:case-detail", kwargs={"slug": ...}) and
reverse("pages:entity-detail", kwargs={"slug": ...}).
"""

from django.urls import path

from timeline.pages import feeds, views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/<slug:slug>/", views.case_detail, name="case-detail"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity-detail"),
    path("penalties/", views.penalties, name="penalties"),
    path("penalties/csv/", views.penalties_csv, name="penalties-csv"),
    path("search/", views.search, name="search"),
    path("feeds/events/", feeds.EventsFeed(), name="feed-events"),
    path("feeds/cases/<slug:slug>/", feeds.CaseEventsFeed(), name="feed-case"),
    path("feeds/entities/<slug:slug>/", feeds.EntityEventsFeed(), name="feed-entity"),
]
