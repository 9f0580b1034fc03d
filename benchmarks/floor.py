"""The framework floor: a plain DRF ListAPIView with a flat ModelSerializer over the same page.

It runs the same middleware, authentication, pagination style and JSON rendering as the real
endpoint, but no joins, no nested serializers and no filter backends: the cheapest page DRF can
serve for those rows. The harness registers one floor per request of the mix in ``FLOORS``.
"""

from dataclasses import dataclass
from functools import cache

from django.http import Http404
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.renderers import JSONRenderer


@dataclass(frozen=True)
class FloorSpec:
    """``queryset()`` gives the same rows as the endpoint; ``cursor`` orders by (date, id) like timelines."""

    model: type
    queryset: object
    ordering: tuple
    page_size: int = 20
    cursor: bool = False


FLOORS: dict[str, FloorSpec] = {}


@cache
def flat_serializer(model):
    """A ModelSerializer of the model's own columns: foreign keys as ids, nothing nested."""
    meta = type("Meta", (), {"model": model, "fields": [field.name for field in model._meta.concrete_fields]})
    return type(f"Flat{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


class FloorPages(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000


class FloorCursor(CursorPagination):
    ordering = ("date", "id")
    page_size_query_param = "page_size"
    max_page_size = 1000


class FloorListView(generics.ListAPIView):
    """One floor page, chosen by name from FLOORS."""

    filter_backends = []
    renderer_classes = [JSONRenderer]

    @property
    def spec(self):
        try:
            return FLOORS[self.kwargs["name"]]
        except KeyError:
            raise Http404("No such floor") from None

    @property
    def paginator(self):
        if not hasattr(self, "_floor_paginator"):
            spec = self.spec
            paginator = FloorCursor() if spec.cursor else FloorPages()
            paginator.page_size = spec.page_size
            self._floor_paginator = paginator
        return self._floor_paginator

    def get_queryset(self):
        spec = self.spec
        queryset = spec.queryset()
        return queryset if spec.cursor else queryset.order_by(*spec.ordering)

    def get_serializer_class(self):
        return flat_serializer(self.spec.model)
