"""Penalty totals net of credits, per group and currency."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from timeline.api.filters.base import StrictFilterBackend, allowed_params, reject_unknown_params, validated_filterset
from timeline.api.filters.settlements import PenaltyStatsFilterSet
from timeline.api.response_cache import CachedReadMixin
from timeline.api.schema import PENALTY_STATS_EXAMPLE
from timeline.api.serializers.stats import PenaltyStatsSerializer
from timeline.api.views.base import CSVAttachmentMixin
from timeline.models import Settlement
from timeline.selectors.penalties import penalty_totals


class PenaltyStatsView(CachedReadMixin, CSVAttachmentMixin, generics.GenericAPIView):
    """Penalty totals over the settlements the filters select (the settlement filters, plus group_by).

    Per group and currency: gross, credited (credited against or deemed satisfied by another
    component's payment), suspended (payable only on breach) and net = gross - credited -
    suspended, so a dollar paid once is counted once and the nets of the groups add up to the
    net in ``totals``. Component-level filters (party, component_kind, currency, amount_min,
    amount_max) also select which components are counted. With ``case``, the case's stated
    headline figure comes back in ``headline``, beside the computed figures, never in their place.
    """

    queryset = Settlement.objects.all()
    serializer_class = PenaltyStatsSerializer
    filterset_class = PenaltyStatsFilterSet
    filter_backends = [StrictFilterBackend]
    # Read-only: no write handlers, so any other method is a 405 for everyone.
    permission_classes = [AllowAny]
    pagination_class = None
    csv_filename = "penalty-totals"

    @extend_schema(summary="Penalty totals, gross and net of credits", filters=True, examples=[PENALTY_STATS_EXAMPLE])
    def get(self, request, *args, **kwargs):
        reject_unknown_params(request, allowed_params(self, PenaltyStatsFilterSet))
        filterset = validated_filterset(PenaltyStatsFilterSet, request, self.get_queryset())
        scope = filterset.penalty_scope()
        components = None if scope is not None else filterset.penalty_components()
        results = penalty_totals(components, filterset.grouping, scope=scope)
        totals = penalty_totals(components, "currency", scope=scope)
        for total in totals:
            total.group = total.label = None
        stats = {
            "group_by": filterset.grouping,
            "results": [total.as_dict() for total in results],
            "totals": [total.as_dict() for total in totals],
            "headline": filterset.form.cleaned_data.get("case"),
        }
        return Response(self.get_serializer(stats).data)
