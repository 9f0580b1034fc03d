"""Penalty totals: gross, credited, suspended and net per group and currency, beside a case's stated headline."""

from rest_framework import serializers

from timeline.api.serializers.common import SourceRefSerializer
from timeline.models import Case

TOTAL_DIGITS = 24


def money(help_text):
    return serializers.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=2, read_only=True, help_text=help_text)


class UnquantifiedCreditSerializer(serializers.Serializer):
    """A credit documented without a stated amount: why the net is a range."""

    key = serializers.CharField(read_only=True)
    component = serializers.CharField(read_only=True, help_text="Key of the credited component.")
    kind = serializers.CharField(read_only=True)
    amount_given_as = serializers.CharField(
        read_only=True, help_text="up_to (a bound), share (of a stated total) or unknown."
    )
    amount = serializers.DecimalField(
        max_digits=TOTAL_DIGITS,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="The bound or stated total.",
    )
    currency = serializers.CharField(read_only=True)
    evidence = serializers.CharField(read_only=True, help_text="primary, reported or inferred.")
    at_most = money("The most this credit can take off the net.")


class PenaltyTotalSerializer(serializers.Serializer):
    group = serializers.CharField(
        allow_null=True, read_only=True, help_text="Slug, year or currency of the group; null when unknown."
    )
    label = serializers.CharField(allow_null=True, read_only=True, help_text="Name or title of the group.")
    currency = serializers.CharField(read_only=True)
    gross = money("Sum of the amounts of the components (breakdown parts are not added again).")
    credited = money("Part of the gross credited against, or deemed satisfied by, another component's payment.")
    suspended = money("Part of the gross payable only on breach.")
    net = money(
        "gross - credited - suspended: each dollar counted once. Only stated credits are subtracted, so with "
        "unquantified credits this is the most that is paid."
    )
    net_lower = money("The least that is paid: net less the most the unquantified credits can take.")
    net_is_range = serializers.BooleanField(read_only=True, help_text="True when a credit's amount is not documented.")
    unquantified_credits = UnquantifiedCreditSerializer(
        many=True, read_only=True, help_text="Credits documented without a stated amount, named."
    )
    components = serializers.IntegerField(read_only=True, help_text="Number of components counted.")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in ("group", "label"):
            data[name] = None if data[name] is None else str(data[name])
        return data


class CaseHeadlineSerializer(serializers.ModelSerializer):
    """The figure officials announced, shown beside the computed totals, never in their place."""

    case = serializers.CharField(source="slug", read_only=True)
    amount = serializers.DecimalField(
        source="headline_amount", max_digits=TOTAL_DIGITS, decimal_places=2, read_only=True, allow_null=True
    )
    currency = serializers.CharField(source="headline_currency", read_only=True)
    sources = SourceRefSerializer(source="headline_sources", many=True, read_only=True)

    class Meta:
        model = Case
        fields = ["case", "title", "headline_text", "amount", "currency", "sources"]
        read_only_fields = fields


class PenaltyStatsSerializer(serializers.Serializer):
    group_by = serializers.CharField(read_only=True)
    results = PenaltyTotalSerializer(many=True, read_only=True, help_text="One row per group and currency.")
    totals = PenaltyTotalSerializer(
        many=True, read_only=True, help_text="One row per currency over everything selected (group is null)."
    )
    headline = CaseHeadlineSerializer(
        read_only=True, allow_null=True, help_text="With case=: the case's stated headline figure; else null."
    )
