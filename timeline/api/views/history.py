"""``<resource>/<lookup>/history/``: the audit trail of one record, newest first.

Open to authenticated users only (any role): the trail names the staff who made each change,
and staff user names are not published to anonymous readers. A deleted record's trail stays
reachable by its old slug, key or id, so its deletion is on the record too.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.settings import api_settings

from timeline.api.filters.base import reject_unknown_params
from timeline.api.pagination import HistoryPagination
from timeline.api.serializers.history import HistoryEntrySerializer
from timeline.selectors.history import history_entries, record_history, record_id
from timeline.selectors.history_nested import nested_changes


class RecordHistoryMixin:
    """Adds the ``history`` action to a record viewset, whose ``get_serializer_class`` defers here for it
    (the serializer also names the CSV columns)."""

    def get_serializer_class(self):
        if self.action == "history":
            return HistoryEntrySerializer
        return super().get_serializer_class()

    @extend_schema(
        summary="The record's audit trail",
        description="Every change saved through the admin, the API, the loaders and commands, newest first: when, "
        "by whom, with which reason, and each field changed with its old and new values; many-to-many fields "
        "(sources, linked entities ...) as sorted lists of the related records' slugs or keys. A record written "
        "with nested items (a settlement's components and credits, an action's parties and charges, a clemency "
        "request's steps) lists in `nested` each item its write added, changed or removed. Authenticated "
        "users only. Still answers for a deleted record, by its former identifier.",
        responses=HistoryEntrySerializer(many=True),
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="history",
        pagination_class=HistoryPagination,
        permission_classes=[IsAuthenticated],
        filter_backends=[],
    )
    def history(self, request, *args, **kwargs):
        paginator = self.paginator
        reject_unknown_params(
            request,
            {api_settings.URL_FORMAT_OVERRIDE, paginator.cursor_query_param, paginator.page_size_query_param},
        )
        model = self.queryset.model
        lookup_value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        pk = record_id(model, self.lookup_field, lookup_value)
        if pk is None:
            raise Http404
        page = self.paginate_queryset(record_history(model, pk))
        entries = history_entries(page)
        nested = nested_changes(model, pk, page)
        for entry in entries:
            entry.nested = nested.get(entry.history_id, [])
        data = self.get_serializer(entries, many=True).data
        return self.get_paginated_response(data)
