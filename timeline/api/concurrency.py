"""No lost updates: every record carries an ETag, and a write must name the version it was based on.

The ETag is a hash of the record's detail representation, the one a client reads before editing,
so it changes when anything shown there changes, the children a nested write replaces (a
settlement's components, an action's charges) included. PUT, PATCH and DELETE must send
``If-Match`` with that ETag: without it the answer is 428 Precondition Required (our editors
cannot accept a silent overwrite), and when the record changed meanwhile it is 412 Precondition
Failed with the current ETag. The check runs inside the write's transaction after locking the
row (SELECT ... FOR UPDATE on PostgreSQL; SQLite runs one writer at a time), so of two writers
sending the same ETag exactly one succeeds.
"""

import hashlib
import json
import re

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status

# An entity tag as RFC 9110 section 8.8.3 writes it: optionally weak, quoted, without quotes or controls inside.
ENTITY_TAG = re.compile(r'(W/)?"[\x21\x23-\x7e\x80-\xff]*"')
CONDITIONAL_ACTIONS = {"update", "partial_update", "destroy"}

IF_MATCH = OpenApiParameter(
    name="If-Match",
    location=OpenApiParameter.HEADER,
    required=True,
    type=str,
    description="The ETag of the version this write is based on, as the record's GET (or the previous write) "
    'returned it, e.g. "3f2a...". Without it: 428; when the record changed since: 412 with the current ETag; '
    "a value that is not a quoted entity tag: 400.",
)
ETAG = OpenApiParameter(
    name="ETag",
    location=OpenApiParameter.HEADER,
    type=str,
    response=True,
    description="Version of the record; send it back in If-Match to change or delete the record.",
)

PRECONDITION_SCHEMAS = {
    "PreconditionFailedError": {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "etag": {"type": "string", "description": "The record's current ETag."},
        },
        "required": ["detail", "etag"],
    },
}
PRECONDITION_FAILED_RESPONSE = {
    "description": "The record changed since the version named in If-Match; nothing was saved.",
    "headers": {"ETag": {"schema": {"type": "string"}, "description": "The record's current ETag."}},
    "content": {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/PreconditionFailedError"},
            "examples": {
                "example": {
                    "value": {
                        "detail": "This record changed since you read it; nothing was saved. Read it again, "
                        "reapply your change and send the new ETag in If-Match.",
                        "etag": '"6d1f0c0b7b9e4c3aa5d2f0e1c9b8a7d6"',
                    }
                }
            },
        }
    },
}
PRECONDITION_REQUIRED_RESPONSE = {
    "description": "If-Match missing (or '*'): send the ETag of the version the write is based on.",
    "content": {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/Error"},
            "examples": {"example": {"value": {"detail": "Send If-Match with the ETag of the version you read ..."}}},
        }
    },
}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "This record changed since you read it; nothing was saved. Read it again, reapply your change "
        "and send the new ETag in If-Match."
    )
    default_code = "precondition_failed"

    def __init__(self, etag):
        super().__init__({"detail": self.default_detail, "etag": etag})
        self.etag = etag


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = (
        "Send If-Match with the ETag of the version you read (GET the record first): a write without it "
        "could silently overwrite another editor's change."
    )
    default_code = "precondition_required"


def representation_etag(data, request):
    """A strong ETag of a detail representation, independent of the host name the client used."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    origin = request.build_absolute_uri("/")[:-1]
    text = text.replace(origin, "")
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return f'"{digest}"'


def if_match_tags(request):
    """The entity tags listed in If-Match (empty when the header is absent or blank).

    A value that is neither ``*`` nor quoted entity tags (RFC 9110) is a 400: answering 412 would
    tell the client the record changed when it only sent a malformed header.
    """
    header = request.headers.get("If-Match", "")
    tags = {tag.strip() for tag in header.split(",") if tag.strip()}
    malformed = sorted(tag for tag in tags if tag != "*" and not ENTITY_TAG.fullmatch(tag))
    if malformed:
        raise exceptions.ValidationError(
            {"If-Match": [f"Not an entity tag: {malformed[0]}. Send the ETag as the GET returned it, quotes included."]}
        )
    return tags


class ConditionalWriteMixin:
    """ETag on every detail answer; If-Match required and checked under a row lock on every write.

    For RecordViewSet: relies on its ``detail_data(instance)`` (the representation a GET returns).
    """

    def etag(self, data):
        return representation_etag(data, self.request)

    @extend_schema(parameters=[ETAG])
    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = self.etag(response.data)
        return response

    @extend_schema(parameters=[ETAG])
    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response["ETag"] = self.etag(response.data)
        return response

    @extend_schema(parameters=[IF_MATCH, ETAG])
    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().update(request, *args, **kwargs)
        response["ETag"] = self.etag(response.data)
        return response

    @extend_schema(parameters=[IF_MATCH, ETAG])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().destroy(request, *args, **kwargs)

    def get_object(self):
        instance = super().get_object()
        if self.action not in CONDITIONAL_ACTIONS:
            return instance
        tags = if_match_tags(self.request)
        if not tags or "*" in tags:
            raise PreconditionRequired()
        try:
            instance = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        except type(instance).DoesNotExist:
            raise Http404 from None
        current = self.etag(self.detail_data(instance))
        if current not in tags:
            raise PreconditionFailed(current)
        return instance

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, PreconditionFailed):
            response["ETag"] = exc.etag
        return response


def add_precondition_responses(result, generator, request, public):
    """Postprocessing hook: document 412 and 428 on every operation that takes If-Match."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(PRECONDITION_SCHEMAS)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            parameters = operation.get("parameters", [])
            if any(p.get("in") == "header" and p.get("name") == "If-Match" for p in parameters):
                responses = operation.setdefault("responses", {})
                responses.setdefault("412", PRECONDITION_FAILED_RESPONSE)
                responses.setdefault("428", PRECONDITION_REQUIRED_RESPONSE)
    return result
