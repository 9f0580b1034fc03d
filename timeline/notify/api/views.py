"""Webhooks and saved searches (each user's own), delivery logs, test deliveries, and deadlines."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from timeline.api.filters.base import reject_unknown_params
from timeline.api.pagination import RecordPagination
from timeline.notify.api.serializers import (
    DeadlineQuerySerializer,
    DeadlineSerializer,
    DeliverySerializer,
    SavedSearchSerializer,
    WebhookSerializer,
)
from timeline.notify.models import SavedSearch, WebhookDelivery, WebhookSubscription
from timeline.notify.selectors.deadlines import deadlines_within, today
from timeline.selectors.timelines import related_entity_ids

PAGE_PARAMS = {"page", "page_size", "format"}


class OwnRecordsViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A user's own records: others' are not found (404), whatever the user's role."""

    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = RecordPagination
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return self.model.objects.none()
        return self.model.objects.filter(user=self.request.user).order_by("id")

    def list(self, request, *args, **kwargs):
        reject_unknown_params(request, PAGE_PARAMS)
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)


class WebhookViewSet(OwnRecordsViewSet):
    """Your webhooks: a URL told by signed POSTs about changes to an entity (optionally with its
    subsidiaries and officers), a case, an authority, a saved search, or deadlines within a window.

    Each delivery is JSON (``version`` 1) signed with HMAC-SHA256 over ``<timestamp>.<body>`` with
    the webhook's secret (``X-Timeline-Timestamp``, ``X-Timeline-Signature: sha256=<hex>``) and
    carries an ``Idempotency-Key``, the same on every retry. Failed tries are retried after 3, 9,
    27, 81, 243, 729 and 2187 minutes; a delivery that fails all eight disables the webhook and its
    owner is emailed. Set ``enabled`` to true again to resume.
    """

    model = WebhookSubscription
    serializer_class = WebhookSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("entity", "case", "authority", "saved_search")

    @extend_schema(summary="Send a test delivery", request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"], url_path="test")
    def test(self, request, pk=None):
        from timeline.notify.services.deliveries import subscription_test_send
        from timeline.notify.tasks import delivery_send

        delivery = subscription_test_send(self.get_object())
        transaction.on_commit(lambda: delivery_send.enqueue(str(delivery.pk)))
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="The webhook's delivery log, newest first", responses={200: DeliverySerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="deliveries", filter_backends=[])
    def deliveries(self, request, pk=None):
        reject_unknown_params(request, PAGE_PARAMS)
        subscription = self.get_object()
        deliveries = (
            WebhookDelivery.objects.filter(subscription=subscription)
            .prefetch_related("attempt_log")
            .order_by("-created_at", "id")
        )
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


class SavedSearchViewSet(OwnRecordsViewSet):
    """Your saved searches, and how often their new and changed matches are emailed to you."""

    model = SavedSearch
    serializer_class = SavedSearchSerializer


class DeadlineListView(generics.GenericAPIView):
    """Deadlines ending from today to ``within_days`` (default 30) days on: monitorships, bars,
    injunctions, undertakings, deferred-prosecution terms and scheduled releases, soonest first."""

    permission_classes = [AllowAny]
    serializer_class = DeadlineSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(summary="Deadlines within a window", parameters=[DeadlineQuerySerializer])
    def get(self, request):
        reject_unknown_params(request, {"within_days", "kind", "entity", "include_related", "case", "format"})
        params = DeadlineQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        entity_slugs = None
        if query.get("entity"):
            ids = related_entity_ids(query["entity"]) if query["include_related"] else {query["entity"].pk}
            entity_slugs = set(query["entity"].__class__.objects.filter(pk__in=ids).values_list("slug", flat=True))
        day = today()
        found = deadlines_within(
            query["within_days"],
            kinds=query.get("kind"),
            entity_slugs=entity_slugs,
            case_slug=query["case"].slug if query.get("case") else None,
            on=day,
        )
        return Response(DeadlineSerializer([deadline.as_dict(day) for deadline in found], many=True).data)
