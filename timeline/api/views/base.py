"""The shape shared by every record endpoint: public reads, permissioned writes, strict filters."""

from rest_framework import status, viewsets
from rest_framework.response import Response

from timeline.api.concurrency import ConditionalWriteMixin
from timeline.api.filters.base import StrictFilterBackend, WhitelistOrderingFilter
from timeline.api.pagination import RecordPagination
from timeline.api.views.history import RecordHistoryMixin


class CSVAttachmentMixin:
    """Name CSV downloads after the resource (``settlements.csv``)."""

    csv_filename = "records"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) == "csv":
            response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response


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
    ConditionalWriteMixin, RecordHistoryMixin, CSVAttachmentMixin, DetailAnswersMixin, viewsets.ModelViewSet
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
