"""OpenAPI documentation helpers: the error answers every operation can give, and shared examples.

drf-spectacular documents the success bodies from the serializers; the error answers follow from
the project's rules (strict parameters, model permissions, throttling, protected deletes), so
they are added to every operation by one postprocessing hook rather than by hand per view.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample

WRITE_METHODS = {"post", "put", "patch", "delete"}

ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": "Messages keyed by the query parameter or field at fault; nested objects mirror a "
        'nested payload, list items keyed by position (components, "1", amount). non_field_errors holds the rest.',
        "additionalProperties": {},
    },
    "ConflictError": {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "dependents": {"type": "array", "items": {"type": "string"}, "description": "Records in the way."},
        },
        "required": ["detail"],
    },
}


def _response(description, schema, example, headers=None):
    response = {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"},
                "examples": {"example": {"value": example}},
            }
        },
    }
    if headers:
        response["headers"] = headers
    return response


BAD_REQUEST = _response(
    "Unknown query parameter, invalid parameter value or invalid body; nothing was saved.",
    "FieldErrors",
    {"party": ["No record with this identifier: binance."], "partie": ["Unknown query parameter. Allowed here: ..."]},
)
UNAUTHENTICATED = _response(
    "No or invalid credentials: send 'Authorization: Token <key>' or use a logged-in session.",
    "Error",
    {"detail": "Authentication credentials were not provided."},
)
FORBIDDEN = _response(
    "Authenticated, but without the Django model permission this method needs.",
    "Error",
    {"detail": "You do not have permission to perform this action."},
)
NOT_FOUND = _response("No record with this slug or key.", "Error", {"detail": "No Entity matches the given query."})
CONFLICT = _response(
    "Other records depend on this one, or the write clashes with a record stored meanwhile.",
    "ConflictError",
    {
        "detail": "Other records depend on this one; remove or change them first.",
        "dependents": ["United States v. Binance Holdings Limited"],
    },
)
PAGE_NOT_FOUND = _response(
    "No record with this slug or key, or a page number past the last page.",
    "Error",
    {"detail": "Invalid page."},
)
THROTTLED = _response(
    "Too many requests from an anonymous client; retry after the given number of seconds.",
    "Error",
    {"detail": "Request was throttled. Expected available in 42 seconds."},
    headers={"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}},
)


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: document 400, 401, 403, 404, 409 and 429 where each can occur.

    404 is for a path naming a record, and for a numbered page past the last one.
    """
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            # Any operation answers 401 to an invalid token; writes and audit trails also to none.
            wanted = {"400": BAD_REQUEST, "401": UNAUTHENTICATED, "429": THROTTLED}
            if "{" in path:
                wanted["404"] = NOT_FOUND
            if any(parameter.get("name") == "page" for parameter in operation.get("parameters", [])):
                wanted["404"] = PAGE_NOT_FOUND
            if method in WRITE_METHODS:
                wanted.update({"403": FORBIDDEN, "409": CONFLICT})
            for code, response in wanted.items():
                responses.setdefault(code, response)
    return result


class TimelineAutoSchema(AutoSchema):
    """Writes take the resource's write shape and answer with its detail shape."""

    def get_request_serializer(self):
        write_class = getattr(self.view, "write_serializer_class", None)
        if write_class is not None and self.method in ("POST", "PUT", "PATCH"):
            return write_class
        return super().get_request_serializer()

    def get_response_serializers(self):
        detail_class = getattr(self.view, "detail_serializer_class", None)
        if detail_class is not None and self.method in ("POST", "PUT", "PATCH"):
            return detail_class
        return super().get_response_serializers()


SETTLEMENT_WRITE_EXAMPLE = OpenApiExample(
    "A settlement with a suspended penalty and a credit",
    request_only=True,
    value={
        "slug": "example-consent-order",
        "action": "fincen-binance-consent-order",
        "kind": "consent_order",
        "title": "Consent order",
        "agreed_on": "2023-11-21",
        "agreed_precision": "day",
        "sources": ["binance-b05"],
        "components": [
            {
                "key": "example-civil-money-penalty",
                "payer": "binance-holdings",
                "kind": "civil_money_penalty",
                "amount": "3400000000.00",
                "currency": "USD",
                "suspended_amount": "150000000.00",
                "sources": ["binance-b05"],
                "credits": [
                    {
                        "key": "example-credit",
                        "kind": "credited",
                        "amount": "2470000000.00",
                        "currency": "USD",
                        "against": ["binance-doj-criminal-fine"],
                        "sources": ["binance-b05"],
                    }
                ],
            }
        ],
    },
)

PENALTY_STATS_EXAMPLE = OpenApiExample(
    "Binance totals by authority (case=binance-changpeng-zhao&group_by=authority)",
    response_only=True,
    value={
        "group_by": "authority",
        "results": [
            {
                "group": "fincen",
                "label": "Financial Crimes Enforcement Network (U.S. Treasury)",
                "currency": "USD",
                "gross": "3400000000.00",
                "credited": "2470000000.00",
                "suspended": "150000000.00",
                "net": "780000000.00",
                "net_lower": "0.00",
                "net_is_range": True,
                "unquantified_credits": [
                    {
                        "key": "binance-fincen-cash-within-doj",
                        "component": "binance-fincen-civil-money-penalty",
                        "kind": "offset",
                        "amount_given_as": "unknown",
                        "amount": None,
                        "currency": "USD",
                        "evidence": "inferred",
                        "at_most": "780000000.00",
                    }
                ],
                "components": 1,
            }
        ],
        "totals": [
            {
                "group": None,
                "label": None,
                "currency": "USD",
                "gross": "11586244988.00",
                "credited": "3418618825.00",
                "suspended": "150000000.00",
                "net": "8017626163.00",
                "net_lower": "4467626163.00",
                "net_is_range": True,
                "unquantified_credits": [],
                "components": 9,
            }
        ],
        "headline": {
            "case": "binance-changpeng-zhao",
            "title": "Binance and Changpeng Zhao: 2023 U.S. global resolution, SEC suit and 2025 pardon",
            "headline_text": "over $4.3 billion",
            "amount": "4300000000.00",
            "currency": "USD",
            "sources": [],
        },
    },
)
