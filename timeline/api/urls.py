"""API routes under /api/: version 1 of the resources, the OpenAPI schema and the interactive docs.

Entities, cases, actions, settlements and pardon requests are addressed by slug; sources and
events by key; sentences (which have no slug) by id.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from timeline.api.views.actions import ActionViewSet, SettlementViewSet
from timeline.api.views.entities import CaseViewSet, EntityViewSet, SourceViewSet
from timeline.api.views.events import CaseTimelineView, EntityTimelineView, EventViewSet
from timeline.api.views.people import PardonRequestViewSet, SentenceViewSet
from timeline.api.views.stats import PenaltyStatsView
from timeline.notify.api import urls as notify_urls

app_name = "api"

router = DefaultRouter()
router.register("entities", EntityViewSet, basename="entity")
router.register("cases", CaseViewSet, basename="case")
router.register("actions", ActionViewSet, basename="action")
router.register("settlements", SettlementViewSet, basename="settlement")
router.register("sentences", SentenceViewSet, basename="sentence")
router.register("pardon-requests", PardonRequestViewSet, basename="pardon-request")
router.register("sources", SourceViewSet, basename="source")
router.register("events", EventViewSet, basename="event")

urlpatterns = [
    path("v1/entities/<slug:slug>/timeline/", EntityTimelineView.as_view(), name="entity-timeline"),
    path("v1/cases/<slug:slug>/timeline/", CaseTimelineView.as_view(), name="case-timeline"),
    path("v1/stats/penalties/", PenaltyStatsView.as_view(), name="stats-penalties"),
    path("v1/", include(router.urls)),
    path("v1/", include(notify_urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
