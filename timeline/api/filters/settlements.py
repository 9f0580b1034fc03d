"""Filters of the settlement list and of the penalty totals, which take the same parameters."""

from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters

from timeline.api.filters.base import (
    INCLUDE_RELATED_HELP,
    CurrencyFilter,
    SlugFilter,
    StrictBooleanFilter,
    StrictFilterSet,
    authority_filter,
    entity_filter,
)
from timeline.models import Case, ComponentKind, Settlement, SettlementComponent
from timeline.models.common import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from timeline.selectors.penalties import PenaltyScope

GROUP_BY_CHOICES = [
    ("currency", "currency only"),
    ("authority", "authority that brought the action"),
    ("year", "year agreed (else approved, else the action's resolution)"),
    ("entity", "paying entity"),
    ("case", "case"),
]


def amount_filter(help_text):
    return filters.NumberFilter(
        method="applied_later",
        min_value=0,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        help_text=help_text,
    )


class SettlementFilterSet(StrictFilterSet):
    """Settlement-level filters narrow settlements; component-level ones (party, component_kind, currency,
    amount_min, amount_max) must all hold on one and the same component of the settlement."""

    authority = authority_filter("action__authority", help_text="Slug of the authority, e.g. fincen.")
    party = entity_filter("Slug of an entity paying a component, e.g. binance-holdings.", method="applied_later")
    include_related = StrictBooleanFilter(method="applied_later", help_text=INCLUDE_RELATED_HELP)
    case = SlugFilter(field_name="action__case", queryset=Case.objects.all(), help_text="Slug of the case.")
    component_kind = filters.ChoiceFilter(
        choices=ComponentKind.choices, method="applied_later", help_text="Kind of a component."
    )
    currency = CurrencyFilter(method="applied_later", help_text="ISO 4217 currency of a component, e.g. USD.")
    amount_min = amount_filter("A component of at least this amount (exact decimal, e.g. 1000000.00).")
    amount_max = amount_filter("A component of at most this amount (exact decimal).")
    date_after = filters.DateFilter(
        field_name="agreed_on", lookup_expr="gte", help_text="Agreed or announced on or after (YYYY-MM-DD)."
    )
    date_before = filters.DateFilter(
        field_name="agreed_on", lookup_expr="lte", help_text="Agreed or announced on or before (YYYY-MM-DD)."
    )

    class Meta:
        model = Settlement
        fields = [
            "authority",
            "party",
            "include_related",
            "case",
            "component_kind",
            "currency",
            "amount_min",
            "amount_max",
            "date_after",
            "date_before",
        ]

    def component_conditions(self):
        data = self.form.cleaned_data
        conditions = {}
        if data.get("party"):
            conditions["payer_id__in"] = self.entity_ids(data["party"])
        if data.get("component_kind"):
            conditions["kind"] = data["component_kind"]
        if data.get("currency"):
            conditions["currency"] = data["currency"]
        if data.get("amount_min") is not None:
            conditions["amount__gte"] = data["amount_min"]
        if data.get("amount_max") is not None:
            conditions["amount__lte"] = data["amount_max"]
        return conditions

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        conditions = self.component_conditions()
        if conditions:
            components = SettlementComponent.objects.filter(settlement=OuterRef("pk"), **conditions)
            queryset = queryset.filter(Exists(components))
        return queryset


class PenaltyStatsFilterSet(SettlementFilterSet):
    group_by = filters.ChoiceFilter(
        choices=GROUP_BY_CHOICES,
        method="applied_later",
        help_text="How to group the totals; each group is further split by currency. Default: currency.",
    )

    class Meta(SettlementFilterSet.Meta):
        fields = [*SettlementFilterSet.Meta.fields, "group_by"]

    @property
    def grouping(self):
        return self.form.cleaned_data.get("group_by") or "currency"

    def penalty_scope(self):
        """The filters as a PenaltyScope when they only name an authority or a currency (the totals
        table answers those); None when any other filter is given."""
        data = self.form.cleaned_data
        given = {name for name, value in data.items() if value not in (None, "", False)}
        if not given <= {"authority", "currency", "group_by"}:
            return None
        authority = data.get("authority")
        return PenaltyScope(authority_id=authority.pk if authority else None, currency=data.get("currency") or None)

    def penalty_components(self):
        """The components counted: those of the matching settlements that meet the component conditions."""
        return SettlementComponent.objects.filter(settlement__in=self.qs.values("pk"), **self.component_conditions())
