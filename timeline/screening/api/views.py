"""The screening API: POST /match/ (yente's shape), decisions, and the W3C reconciliation service.

Nothing here writes a screened name to a log or, for anonymous callers, anywhere at all; answers
are never put in the anonymous answer cache.
"""

import json

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from timeline.models import Entity
from timeline.screening.api.serializers import (
    MAX_QUERIES,
    DecisionSerializer,
    MatchParamsSerializer,
    MatchRequestSerializer,
    decision_representation,
    result_data,
)
from timeline.screening.decisions import may_screen, visible_decisions
from timeline.screening.matching import (
    DEFAULT_CUTOFF,
    DEFAULT_LIMIT,
    DEFAULT_THRESHOLD,
    KIND_SCHEMA,
    SCHEMA_KINDS,
    MatchQuery,
    match_queries,
)
from timeline.screening.names import name_key
from timeline.screening.services import screening_decision_record
from timeline.screening.validation import InvalidValue, check_name
from timeline.selectors.search import entity_ids_matching

MATCHER = "timeline-name-v1"
MATCH_PARAMETERS = [
    OpenApiParameter("threshold", float, description="Results scoring at least this (0..1, default 0.75) match."),
    OpenApiParameter("cutoff", float, description="Results scoring less (0..1, default 0.5) are left out."),
    OpenApiParameter("limit", int, description="Results per query (1..50, default 5)."),
    OpenApiParameter("exclude_entity_ids", str, many=True, description="Entity slugs never returned."),
    OpenApiParameter("include_rejected", bool, description="Screening staff: keep candidates decided false positives."),
    OpenApiParameter("algorithm", str, description="Accepted for yente clients; timeline has one matcher."),
]
SUGGEST_LIMIT = 10


def strict_params(request, allowed):
    if unknown := sorted(set(request.query_params) - set(allowed)):
        raise ValidationError({name: ["Unknown parameter."] for name in unknown})


class MayScreen(permissions.BasePermission):
    """Signed-in staff allowed to screen (upload lists or hold the screening role)."""

    def has_permission(self, request, view):
        return may_screen(request.user)


class MatchView(APIView):
    """Match entities by example, as yente's POST /match does: several queries, each scored and explained.

    Each result carries the entity's enforcement summary. Signed-in screening staff also see the
    earlier decision on each (name, candidate); candidates decided false positives are left out
    unless ``include_rejected=true``.
    """

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Match entities by example (yente's /match)",
        request=MatchRequestSerializer,
        responses=OpenApiTypes.OBJECT,
        parameters=MATCH_PARAMETERS,
    )
    def post(self, request):
        strict_params(request, ("threshold", "cutoff", "limit", "exclude_entity_ids", "include_rejected", "algorithm"))
        params = {key: request.query_params.get(key) for key in request.query_params if key != "exclude_entity_ids"}
        if "exclude_entity_ids" in request.query_params:
            params["exclude_entity_ids"] = request.query_params.getlist("exclude_entity_ids")
        params_serializer = MatchParamsSerializer(data=params)
        params_serializer.is_valid(raise_exception=True)
        options = params_serializer.validated_data
        body = MatchRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        queries = {
            key: MatchQuery.from_properties(query["schema"], query["properties"])
            for key, query in body.validated_data["queries"].items()
        }
        excluded = []
        if options.get("exclude_entity_ids"):
            excluded = list(Entity.objects.filter(slug__in=options["exclude_entity_ids"]).values_list("pk", flat=True))
        threshold = options.get("threshold", DEFAULT_THRESHOLD)
        limit = options.get("limit", DEFAULT_LIMIT)
        cutoff = options.get("cutoff", DEFAULT_CUTOFF)
        answers = match_queries(
            queries,
            threshold=threshold,
            cutoff=cutoff,
            limit=limit,
            exclude_ids=excluded,
            decisions_user=request.user if may_screen(request.user) else None,
            include_rejected=options.get("include_rejected", False),
        )
        responses = {}
        for key, results in answers.items():
            query = body.validated_data["queries"][key]
            responses[key] = {
                "status": 200,
                "results": [result_data(result, request) for result in results],
                "total": {"value": len(results), "relation": "eq"},
                "query": {"id": key, "schema": query["schema"], "properties": query["properties"]},
            }
        return Response(
            {
                "responses": responses,
                "matcher": {"name": MATCHER, "threshold": threshold, "cutoff": cutoff},
                "limit": limit,
            }
        )


class DecisionListView(APIView):
    """Screening decisions: list those you may see (``?name=`` for one name), or record one.

    Posting the same name and candidate again revises the decision; the audit trail keeps each version.
    """

    permission_classes = [MayScreen]

    @extend_schema(
        summary="Screening decisions you may see",
        responses={200: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("name", str, description="Only decisions on this name, however written.")],
    )
    def get(self, request):
        strict_params(request, ("name",))
        decisions = visible_decisions(request.user)
        if name := request.query_params.get("name"):
            decisions = decisions.filter(name_key=name_key(check_name_param(name)))
        return Response({"results": [decision_representation(decision) for decision in decisions[:500]]})

    @extend_schema(
        summary="Record or revise a screening decision",
        request=DecisionSerializer,
        responses={201: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        strict_params(request, ())
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entity = Entity.objects.filter(slug=data["entity"], kind__in=KIND_SCHEMA).first()
        if entity is None:
            raise ValidationError({"entity": ["No person, company or organisation with this slug."]})
        decision = screening_decision_record(request.user, data["name"], entity, data["verdict"], data["note"])
        return Response(decision_representation(decision), status=status.HTTP_201_CREATED)


def check_name_param(value, param="name"):
    try:
        return check_name(value)
    except InvalidValue as error:
        raise ValidationError({param: [str(error)]}) from error


def _manifest(request):
    base = request.build_absolute_uri(reverse("api:reconcile"))
    page = request.build_absolute_uri("/entities/")
    types = [{"id": schema, "name": schema} for schema in ("LegalEntity", "Person", "Company", "Organization")]
    return {
        "versions": ["0.2"],
        "name": "timeline enforcement records",
        "identifierSpace": page,
        "schemaSpace": "https://www.opensanctions.org/reference/#schema",
        "defaultTypes": types,
        "view": {"url": page + "{{id}}/"},
        "suggest": {"entity": {"service_url": base.rstrip("/"), "service_path": "/suggest/entity/"}},
    }


def _reconcile_queries(raw):
    if isinstance(raw, dict):
        queries = raw
    elif isinstance(raw, str):
        try:
            queries = json.loads(raw)
        except ValueError as error:
            raise ValidationError({"queries": ["Not JSON."]}) from error
    else:
        raise ValidationError({"queries": ["A JSON object of queries."]})
    if not isinstance(queries, dict) or not queries:
        raise ValidationError({"queries": ["An object of queries."]})
    if len(queries) > MAX_QUERIES:
        raise ValidationError({"queries": [f"At most {MAX_QUERIES} queries per request."]})
    parsed, limits, errors = {}, {}, {}
    for key, query in queries.items():
        if not isinstance(query, dict) or not isinstance(query.get("query"), str):
            errors[key] = ["Each query needs a 'query' string."]
            continue
        schema = query.get("type") or "LegalEntity"
        if not isinstance(schema, str) or schema not in SCHEMA_KINDS:
            errors[key] = [f"Unknown type; use one of: {', '.join(sorted(SCHEMA_KINDS))}."]
            continue
        limit = query.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int) or not 1 <= limit <= 50:
            errors[key] = ["'limit' is a whole number from 1 to 50."]
            continue
        properties = {"name": [query["query"]]}
        properties_given = query.get("properties") or []
        for prop in properties_given if isinstance(properties_given, list) else []:
            if isinstance(prop, dict) and prop.get("pid") in ("country", "leiCode", "registrationNumber"):
                properties.setdefault(prop["pid"], []).append(str(prop.get("v", "")))
        try:
            properties = {prop: [check_name(value) for value in values] for prop, values in properties.items()}
        except InvalidValue as error:
            errors[key] = [str(error)]
            continue
        parsed[key] = MatchQuery.from_properties(schema, properties)
        limits[key] = limit
    if errors:
        raise ValidationError({"queries": errors})
    return parsed, limits


class ReconcileView(APIView):
    """W3C Reconciliation Service API (0.2): the manifest, or answers to ``queries`` (GET or POST)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Reconciliation manifest, or answers to queries",
        responses=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter("queries", str, description="JSON object of reconciliation queries.")],
    )
    def get(self, request):
        return self.answer(request, request.query_params)

    @extend_schema(
        summary="Reconciliation answers to queries (form field)",
        request=OpenApiTypes.OBJECT,
        responses=OpenApiTypes.OBJECT,
    )
    def post(self, request):
        return self.answer(request, request.data)

    def answer(self, request, data):
        if not isinstance(data, dict):
            raise ValidationError({"queries": ["Send the queries as a form field or a JSON object."]})
        if unknown := sorted(set(data) - {"queries", "callback", "format"}):
            raise ValidationError({name: ["Unknown parameter."] for name in unknown})
        if "queries" not in data:
            return Response(_manifest(request))
        queries, limits = _reconcile_queries(data["queries"])
        answers = match_queries(queries, limit=max(limits.values()))
        return Response(
            {
                key: {
                    "result": [
                        {
                            "id": result.entity.slug,
                            "name": result.entity.name,
                            "type": [{"id": KIND_SCHEMA[result.entity.kind], "name": KIND_SCHEMA[result.entity.kind]}],
                            "score": round(result.score * 100, 1),
                            "match": result.match,
                            "description": f"{result.enforcement['actions']} enforcement action(s)",
                        }
                        for result in answers[key][: limits[key]]
                    ]
                }
                for key in queries
            }
        )


class SuggestEntityView(APIView):
    """Entity suggest for the reconciliation service: names and aliases containing ``prefix``."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Entity suggest for reconciliation",
        responses=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter("prefix", str, description="Part of a name or alias.")],
    )
    def get(self, request):
        strict_params(request, ("prefix", "cursor"))
        prefix = check_name_param(request.query_params.get("prefix", ""), "prefix")
        entities = (
            Entity.objects.filter(pk__in=entity_ids_matching(prefix), kind__in=KIND_SCHEMA)
            .order_by("name", "pk")
            .only("slug", "name", "kind")[:SUGGEST_LIMIT]
        )
        return Response(
            {
                "result": [
                    {"id": entity.slug, "name": entity.name, "description": KIND_SCHEMA[entity.kind]}
                    for entity in entities
                ]
            }
        )
