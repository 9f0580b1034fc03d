"""Filters of the enforcement-action list."""

from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters

from timeline.api.filters.base import (
    INCLUDE_RELATED_HELP,
    SlugFilter,
    StrictBooleanFilter,
    StrictFilterSet,
    TextFilter,
    authority_filter,
    court_filter,
    entity_filter,
)
from timeline.models import (
    ActionParty,
    ActionStatus,
    ActionType,
    Case,
    ChargeStatute,
    EnforcementAction,
    PartyRole,
    Statute,
)
from timeline.selectors.search import matching


class ActionFilterSet(StrictFilterSet):
    authority = authority_filter("authority", help_text="Slug of the authority that brought the action, e.g. doj.")
    type = filters.ChoiceFilter(field_name="action_type", choices=ActionType.choices, help_text="Type of proceeding.")
    status = filters.ChoiceFilter(choices=ActionStatus.choices, help_text="Current status.")
    party = entity_filter("Slug of an entity that is a party, e.g. binance-holdings.", method="applied_later")
    include_related = StrictBooleanFilter(method="applied_later", help_text=INCLUDE_RELATED_HELP)
    role = filters.ChoiceFilter(
        choices=PartyRole.choices,
        method="applied_later",
        help_text="Role of a party; with party, the role that entity holds.",
    )
    statute = SlugFilter(
        queryset=Statute.objects.all(),
        to_field_name="citation",
        method="filter_statute",
        help_text="Citation of a statute charged, exactly as stored, e.g. 31 U.S.C. § 5318(h).",
    )
    case = SlugFilter(queryset=Case.objects.all(), help_text="Slug of the case, e.g. binance-changpeng-zhao.")
    court = court_filter("court", help_text="Slug of the court.")
    filed_after = filters.DateFilter(
        field_name="filed_on", lookup_expr="gte", help_text="Filed on or after (YYYY-MM-DD)."
    )
    filed_before = filters.DateFilter(
        field_name="filed_on", lookup_expr="lte", help_text="Filed on or before (YYYY-MM-DD)."
    )
    resolved_after = filters.DateFilter(
        field_name="resolved_on", lookup_expr="gte", help_text="Resolved on or after (YYYY-MM-DD)."
    )
    resolved_before = filters.DateFilter(
        field_name="resolved_on", lookup_expr="lte", help_text="Resolved on or before (YYYY-MM-DD)."
    )
    q = TextFilter(
        method="filter_q",
        help_text="Words in the caption, docket number, summary or a party's name or alias (web-search syntax).",
    )

    class Meta:
        model = EnforcementAction
        fields = [
            "authority",
            "type",
            "status",
            "party",
            "include_related",
            "role",
            "statute",
            "case",
            "court",
            "filed_after",
            "filed_before",
            "resolved_after",
            "resolved_before",
            "q",
        ]

    def filter_statute(self, queryset, name, value):
        return queryset.filter(Exists(ChargeStatute.objects.filter(charge__action=OuterRef("pk"), statute=value)))

    def filter_q(self, queryset, name, value):
        return matching(queryset, value)

    def filter_queryset(self, queryset):
        """party and role must hold on the same party row: one entity in that role."""
        queryset = super().filter_queryset(queryset)
        party, role = self.form.cleaned_data.get("party"), self.form.cleaned_data.get("role")
        if party or role:
            parties = ActionParty.objects.filter(action=OuterRef("pk"))
            if party:
                parties = parties.filter(entity_id__in=self.entity_ids(party))
            if role:
                parties = parties.filter(role=role)
            queryset = queryset.filter(Exists(parties))
        return queryset
