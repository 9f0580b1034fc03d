"""GET /api/v1/search/?q=: entities, cases, actions, events and sources in one ranked answer."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings

from timeline.api.filters.base import reject_unknown_params
from timeline.api.response_cache import CachedReadMixin
from timeline.api.serializers.search import SearchAnswerSerializer, SearchParamsSerializer
from timeline.selectors.search import search_ranked


class SearchView(CachedReadMixin, generics.GenericAPIView):
    """Ranked full-text search across every kind of record, with highlighted snippets.

    One statement on PostgreSQL: each kind's best matches from its search document's index, merged
    by rank, snippets made for the rows returned only. A name spelt wrong still finds its entity
    (trigram similarity, ``match: "fuzzy"``) when no entity matches the words.
    """

    serializer_class = SearchAnswerSerializer
    permission_classes = [AllowAny]
    pagination_class = None
    filter_backends = []

    @extend_schema(summary="Search every kind of record", parameters=[SearchParamsSerializer])
    def get(self, request, *args, **kwargs):
        reject_unknown_params(request, set(SearchParamsSerializer().fields) | {api_settings.URL_FORMAT_OVERRIDE})
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data["q"]
        hits = search_ranked(query, params.validated_data.get("type"), params.validated_data["limit"])
        return Response(self.get_serializer({"query": query, "results": hits}).data)
