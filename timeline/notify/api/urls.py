"""Notification routes, mounted under /api/v1/ in the API's namespace."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from timeline.notify.api.views import DeadlineListView, SavedSearchViewSet, WebhookViewSet

router = SimpleRouter()
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("saved-searches", SavedSearchViewSet, basename="saved-search")

urlpatterns = [path("deadlines/", DeadlineListView.as_view(), name="deadline-list"), *router.urls]
