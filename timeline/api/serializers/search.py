"""The site-wide search: its query parameters and its typed, ranked results."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from timeline.api.filters.base import MAX_TEXT_LENGTH
from timeline.selectors.search import DEFAULT_LIMIT, KINDS, MAX_LIMIT

DETAIL_ROUTES = {name: f"api:{name}-detail" for name in KINDS}


@extend_schema_field(OpenApiTypes.STR)
class KindListField(serializers.Field):
    """Comma-separated kinds (``entity,case``); an unknown kind is a field error."""

    def to_internal_value(self, data):
        names = [name.strip() for name in str(data).split(",") if name.strip()]
        unknown = sorted(set(names) - set(KINDS))
        if unknown or not names:
            raise serializers.ValidationError(f"Use one or more of {', '.join(KINDS)}, separated by commas.")
        return list(dict.fromkeys(names))


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_TEXT_LENGTH,
        help_text='Words, "a phrase", or / -word as a web search takes them; the last word also finds names it begins.',
    )
    type = KindListField(required=False, help_text=f"Only these kinds: {', '.join(KINDS)} (comma-separated).")
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT, help_text="How many results."
    )


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField(source="kind", help_text=f"One of {', '.join(KINDS)}.")
    key = serializers.CharField(help_text="Slug (entities, cases, actions) or key (events, sources).")
    title = serializers.CharField(help_text="Name, title or caption.")
    url = serializers.SerializerMethodField(help_text="The record in this API.")
    rank = serializers.FloatField(help_text="Relevance: higher is better; comparable within one answer only.")
    match = serializers.CharField(help_text='"text" (the words matched) or "fuzzy" (a name spelt alike).')
    snippet = serializers.CharField(help_text="HTML: the matching text, escaped, with the matches in <mark>.")

    def get_url(self, hit) -> str:
        path = reverse(DETAIL_ROUTES[hit.kind], kwargs={KINDS[hit.kind].key: hit.key})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class SearchAnswerSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = SearchHitSerializer(many=True)
