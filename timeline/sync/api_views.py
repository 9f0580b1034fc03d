"""``GET /api/v1/changes/``: every public record created, changed or deleted, in commit order."""

import re

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from timeline.api.filters.base import reject_unknown_params
from timeline.sync.selectors import ExpiredToken, MalformedToken, changes_page

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
PARAMS = {"since", "page_size", "format"}
PAGE_SIZE_PATTERN = re.compile(r"[0-9]{1,4}")


class FeedChangeSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="Position of the change in commit order; rises with every commit.")
    time = serializers.DateTimeField(help_text="When the change was written.")
    action = serializers.CharField(help_text="created, changed or deleted.")
    model = serializers.CharField(help_text="Record type, e.g. timeline.entity.")
    id = serializers.IntegerField(help_text="Record id, the same across its changes.")
    record = serializers.JSONField(
        allow_null=True,
        help_text="The record as it is now, in the export_timeline format; null once it no longer exists.",
    )


class ChangeFeedSerializer(serializers.Serializer):
    since = serializers.CharField()
    next = serializers.CharField(help_text="Pass as since to read on; the same token when nothing is new.")
    has_more = serializers.BooleanField()
    changes = FeedChangeSerializer(many=True)


class ChangeFeedView(APIView):
    """Changes to public records after ``since``, oldest first, each with the record as it is now.

    Apply them in order (set the record, or drop it when ``record`` is null) and a copy ends equal
    to the data. Start with no ``since``, or from the ``changes_since`` of a bulk release; a token
    older than the changes kept is a 410: load the latest bulk release and read on from its token.
    """

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Changes since a token, in commit order",
        parameters=[
            OpenApiParameter("since", OpenApiTypes.STR, description="The next token of the previous answer."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1 to {MAX_LIMIT}, default {DEFAULT_LIMIT}."),
        ],
        responses={
            200: ChangeFeedSerializer,
            400: OpenApiResponse(description="A malformed token or page size."),
            410: OpenApiResponse(description="The token is older than the changes kept: resync from /bulk/."),
        },
    )
    def get(self, request):
        reject_unknown_params(request, PARAMS)
        since = request.query_params.get("since")
        try:
            page = changes_page(since, self.limit(request))
        except MalformedToken:
            message = "Not a change-feed token: pass the next value of an earlier answer."
            raise ValidationError({"since": [message]}) from None
        except ExpiredToken:
            return Response(
                {
                    "detail": "This token is older than the changes kept. Load the latest bulk release and "
                    "read on from its changes_since token.",
                    "bulk": request.build_absolute_uri(reverse("bulk-file", args=["index.json"])),
                },
                status=status.HTTP_410_GONE,
            )
        changes = [
            {
                "version": change.position,
                "time": change.recorded_at,
                "action": change.action,
                "model": change.model,
                "id": change.row_id,
                "record": page.records.get((change.model, change.row_id)),
            }
            for change in page.changes
        ]
        body = {"since": since or "", "next": page.next_token, "has_more": page.has_more, "changes": changes}
        return Response(ChangeFeedSerializer(body).data)

    def limit(self, request):
        raw = request.query_params.get("page_size")
        if raw in (None, ""):
            return DEFAULT_LIMIT
        if not PAGE_SIZE_PATTERN.fullmatch(raw) or not 1 <= int(raw) <= MAX_LIMIT:
            raise ValidationError({"page_size": [f"Give a whole number from 1 to {MAX_LIMIT}."]})
        return int(raw)
