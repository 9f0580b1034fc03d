"""REST framework and OpenAPI settings, kept apart from the core settings."""

import os

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Anyone reads; POST/PUT/PATCH/DELETE need the add/change/delete model permission.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "timeline.api.filters.base.StrictFilterBackend",
        "timeline.api.filters.base.WhitelistOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "timeline.api.pagination.RecordPagination",
    "PAGE_SIZE": 20,
    # DRF's parsers, with JSON nested too deeply refused as a 400 rather than a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "timeline.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "timeline.api.renderers.FlatCSVRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "timeline.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
    },
    "EXCEPTION_HANDLER": "timeline.api.exceptions.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "timeline.api.negotiation.StrictFormatNegotiation",
    "DEFAULT_SCHEMA_CLASS": "timeline.api.schema.TimelineAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "timeline API",
    "DESCRIPTION": (
        "Regulatory-enforcement timelines: who was charged by whom, for what, how it ended, what was paid, "
        "who went to prison, and who was pardoned.\n\n"
        "**Reading** needs no account; anonymous clients are throttled (429 with Retry-After). "
        "**Writing** needs a token (`Authorization: Token <key>`, from `manage.py drf_create_token <user>`) "
        "or a logged-in session, and the Django model permission for the method (add, change, delete).\n\n"
        "**Filters**: every list documents its parameters; an unknown parameter or a bad value is a 400 "
        "naming the parameter. `ordering` takes the fields listed per endpoint (prefix `-` to reverse).\n\n"
        "**Pagination**: `page` and `page_size` (default 20, at most 100; 1000 for CSV) on record lists; "
        "events and timelines use a `cursor` in (date, id) order. `Link` headers give the next and previous "
        "pages. Record lists count exactly up to 10,000: past that, `count` is 10000 and `count_is_exact` "
        "false, and `page=last` is a 400.\n\n"
        "**Formats**: JSON by default, `?format=csv` on any list, the browsable API in a browser.\n\n"
        "**Versions**: every detail answer carries a strong `ETag`. `PUT`, `PATCH` and `DELETE` must send it in "
        "`If-Match`: without it the answer is 428; if the record changed since, 412 with the current ETag (read "
        "again, reapply, retry). `<resource>/<id>/history/` lists every change (authenticated users).\n\n"
        "**Money** is an exact decimal string beside its ISO 4217 currency; dates carry their precision."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "timeline.api.schema.add_error_responses",
        "timeline.api.concurrency.add_precondition_responses",
    ],
    # One named enum per choice set, shared by every field that uses it.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "timeline.models.common.DatePrecision",
        "ClaimStatusEnum": "timeline.models.common.ClaimStatus",
        "ActionStatusEnum": "timeline.models.actions.ActionStatus",
        "ClemencyStatusEnum": "timeline.models.people.ClemencyStatus",
        "ClemencyKindEnum": "timeline.models.people.ClemencyKind",
        "EntityKindEnum": "timeline.models.entities.EntityKind",
        "RelationshipKindEnum": "timeline.models.entities.RelationshipKind",
        "SourceKindEnum": "timeline.models.sources.SourceKind",
        "SettlementKindEnum": "timeline.models.money.SettlementKind",
        "ComponentKindEnum": "timeline.models.money.ComponentKind",
        "CreditKindEnum": "timeline.models.money.CreditKind",
        "RestrictionKindEnum": "timeline.models.money.RestrictionKind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
