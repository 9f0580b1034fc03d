"""Enforcement actions and the settlements that resolved them."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from timeline.api.filters.actions import ActionFilterSet
from timeline.api.filters.settlements import SettlementFilterSet
from timeline.api.nested_schema import (
    ACTION_LISTS,
    ACTION_PATCH_EXAMPLES,
    SETTLEMENT_LISTS,
    SETTLEMENT_PATCH_EXAMPLES,
    nested_write_docs,
)
from timeline.api.schema import SETTLEMENT_WRITE_EXAMPLE
from timeline.api.serializers.actions import ActionDetailSerializer, ActionListSerializer, ActionWriteSerializer
from timeline.api.serializers.settlements import (
    SettlementDetailSerializer,
    SettlementListSerializer,
    SettlementWriteSerializer,
)
from timeline.api.views.base import RecordViewSet
from timeline.models import EnforcementAction, Settlement
from timeline.selectors import records

ACTION_DOCS = nested_write_docs(
    ACTION_LISTS, "a party's `entity` and `role`, a charge's `number`, a citation's `statute`"
)
SETTLEMENT_DOCS = nested_write_docs(SETTLEMENT_LISTS, "`key`")


@extend_schema_view(
    list=extend_schema(summary="List enforcement actions"),
    retrieve=extend_schema(
        summary="An enforcement action",
        description="With its authority, court, judge, parties and roles, charges with statutes (and whether each "
        "citation is confirmed), settlements, sentences and sources.",
    ),
    create=extend_schema(summary="Create an action with its parties and charges"),
    update=extend_schema(summary="Replace an action with its parties and charges", description=ACTION_DOCS[1]),
    partial_update=extend_schema(
        summary="Update an action (nested items merged by identity)",
        description=ACTION_DOCS[0],
        examples=ACTION_PATCH_EXAMPLES,
    ),
    destroy=extend_schema(
        summary="Delete an action", description="Refused (409) while settlements or sentences exist."
    ),
)
class ActionViewSet(RecordViewSet):
    """One proceeding brought by one authority, addressed by slug. Writes keep the timeline in line."""

    queryset = EnforcementAction.objects.all()
    lookup_field = "slug"
    filterset_class = ActionFilterSet
    ordering_fields = ["filed_on", "resolved_on", "caption", "slug", "status", "created_at"]
    ordering = ["-filed_on", "caption"]
    list_serializer_class = ActionListSerializer
    detail_serializer_class = ActionDetailSerializer
    write_serializer_class = ActionWriteSerializer
    csv_filename = "actions"
    csv_children = {"parties": records.action_parties}

    def list_queryset(self):
        return records.action_list()

    def detail_queryset(self):
        return records.action_detail()


@extend_schema_view(
    list=extend_schema(summary="List settlements"),
    retrieve=extend_schema(
        summary="A settlement",
        description="With its components (parts nested), the credits on each component and the components they "
        "are credited against, its monitors and its bars or injunctions.",
    ),
    create=extend_schema(
        summary="Create a settlement with its components, credits, monitors and bars (all or nothing)",
        examples=[SETTLEMENT_WRITE_EXAMPLE],
    ),
    update=extend_schema(
        summary="Replace a settlement and its children (all or nothing)",
        description=SETTLEMENT_DOCS[1],
    ),
    partial_update=extend_schema(
        summary="Update a settlement (nested items merged by key)",
        description=SETTLEMENT_DOCS[0],
        examples=SETTLEMENT_PATCH_EXAMPLES,
    ),
    destroy=extend_schema(summary="Delete a settlement with its components, credits, monitors and bars"),
)
class SettlementViewSet(RecordViewSet):
    """The terms that resolved an action: typed amounts in exact decimals with their currency, addressed by slug."""

    queryset = Settlement.objects.all()
    lookup_field = "slug"
    filterset_class = SettlementFilterSet
    ordering_fields = ["agreed_on", "approved_on", "title", "slug", "stated_total", "created_at"]
    ordering = ["-agreed_on", "title"]
    list_serializer_class = SettlementListSerializer
    detail_serializer_class = SettlementDetailSerializer
    write_serializer_class = SettlementWriteSerializer
    csv_filename = "settlements"
    csv_children = {"components": records.settlement_components}

    def list_queryset(self):
        return records.settlement_list()

    def detail_queryset(self):
        return records.settlement_detail()
