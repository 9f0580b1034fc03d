"""Screening routes, mounted under /api/v1/ in the API's namespace."""

from django.urls import path

from timeline.screening.api.views import DecisionListView, MatchView, ReconcileView, SuggestEntityView

urlpatterns = [
    path("match/", MatchView.as_view(), name="match"),
    path("screening/decisions/", DecisionListView.as_view(), name="screening-decisions"),
    path("reconcile/", ReconcileView.as_view(), name="reconcile"),
    path("reconcile/suggest/entity/", SuggestEntityView.as_view(), name="reconcile-suggest-entity"),
]
