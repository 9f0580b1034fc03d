"""The shape shared by every record endpoint: public reads, permissioned writes, strict filters."""

from rest_framework import status, viewsets
from rest_framework.response import Response

from timeline.api.concurrency import ConditionalWriteMixin
from timeline.api.filters.base import UPDATED_PARAMS, StrictFilterBackend, WhitelistOrderingFilter, is_detail_view
from timeline.api.flat_csv import flat_columns
from timeline.api.pagination import RecordPagination, UpdatedPagination
from timeline.api.response_cache import CachedReadMixin
from timeline.api.views.history import RecordHistoryMixin


def wants_csv(request):
    return getattr(getattr(request, "accepted_renderer", None), "format", None) == "csv"


class CSVAttachmentMixin:
    """Name CSV downloads after the resource (``settlements.csv``)."""

    csv_filename = "records"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if wants_csv(request):
            response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response


class FlatCSVListMixin(CSVAttachmentMixin):
    """CSV pages of a list read with ``.values()`` where its serializer allows (``timeline.api.flat_csv``).

    ``csv_children`` maps each to-many column of the list serializer to a selector giving the
    children in the order the JSON page shows them; a column without one keeps the serializer path.
    """

    csv_children = {}
    flat_csv = True

    def list(self, request, *args, **kwargs):
        columns = self.flat_csv_columns() if wants_csv(request) else None
        if columns is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        return self.get_paginated_response(columns.table(self.paginate_queryset(queryset, read=columns.read)))

    def paginate_queryset(self, queryset, read=None):
        """A page of records, or with ``read`` of the rows it makes of them (a CSV page's ``.values()``)."""
        if self.paginator is None:
            return None
        return self.paginator.paginate_queryset(queryset, self.request, view=self, read=read)

    def flat_csv_columns(self):
        if not self.flat_csv or self.paginator is None:
            return None
        serializer = self.get_serializer()
        return flat_columns(serializer, serializer.Meta.model, self.csv_children)


class IncrementalReadMixin:
    """A list read with ``updated_after`` or ``updated_before`` pages by cursor in (updated_at, id) order:
    stable while records change between requests, unlike numbered pages."""

    @property
    def paginator(self):
        request = getattr(self, "request", None)
        incremental = request is not None and any(name in request.query_params for name in UPDATED_PARAMS)
        if incremental and not hasattr(self, "_paginator") and not is_detail_view(self):
            self._paginator = UpdatedPagination()
        return super().paginator


class DetailAnswersMixin:
    """Writes answer with the detail representation (what a GET returns), not the write shape."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_create(serializer)
        data = self.detail_data(instance)
        # str(): the URL is a DRF Hyperlink, and WSGI (PEP 3333) takes header values of type str only.
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": str(data["api_url"])})

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        instance = self.perform_update(serializer)
        return Response(self.detail_data(instance))


class RecordViewSet(
    IncrementalReadMixin,
    CachedReadMixin,
    ConditionalWriteMixin,
    RecordHistoryMixin,
    FlatCSVListMixin,
    DetailAnswersMixin,
    viewsets.ModelViewSet,
):
    """A resource with list, detail, create, replace, update, delete and its audit trail.

    Lists use ``list_queryset`` and ``list_serializer_class`` (summary rows); detail answers,
    including the answer to a write, use ``detail_queryset`` and ``detail_serializer_class``
    (everything embedded); writes take ``write_serializer_class``. Write lookups use plain rows
    so no prefetched children go stale while a service rewrites them. Detail answers carry an
    ETag and writes must send it back in If-Match (``timeline.api.concurrency``).
    """

    list_serializer_class = None
    detail_serializer_class = None
    write_serializer_class = None
    filter_backends = [StrictFilterBackend, WhitelistOrderingFilter]
    pagination_class = RecordPagination

    def list_queryset(self):
        raise NotImplementedError

    def detail_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        if self.action == "list":
            return self.list_queryset()
        if self.action == "retrieve":
            return self.detail_queryset()
        return self.queryset.model._default_manager.all()

    def get_serializer_class(self):
        if self.action == "list":
            return self.list_serializer_class
        if self.action == "retrieve":
            return self.detail_serializer_class
        if self.action == "history":
            return super().get_serializer_class()
        return self.write_serializer_class

    def perform_create(self, serializer):
        instance = serializer.save()
        self.after_write(instance)
        return instance

    def perform_update(self, serializer):
        instance = serializer.save()
        self.after_write(instance)
        return instance

    def after_write(self, instance):
        """Bring derived records (the timeline) in line with a fact just written; a no-op by default."""

    def detail_data(self, instance):
        fresh = self.detail_queryset().get(pk=instance.pk)
        return self.detail_serializer_class(fresh, context=self.get_serializer_context()).data
