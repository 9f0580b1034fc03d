"""Bad input never hurts the API: every write endpoint and every list filter answers a 4xx naming
the field or parameter at fault, saves nothing and never answers 500.

Write cases corrupt *every* field of a kind at once (every text field gets a NUL, every date is
impossible, ...) across the nested items too, and expect each corrupted field to be named in
the 400. Injection strings are data, not errors: in free text they are stored and given back
verbatim (the pages test that HTML escapes them); in identifiers, codes, choices and URLs they
are refused.
"""

import base64
import copy
import json
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import DataError
from django.urls import resolve, reverse
from django_filters import rest_framework as filters
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from tests.write_payloads import RESOURCES, WRITE_METHODS, build_world, module_transaction, row_counts, send
from timeline.api.exceptions import exception_handler
from timeline.api.filters.base import CountryFilter, CurrencyFilter, SlugFilter, StrictBooleanFilter
from timeline.api.filters.entities import IdentifierFilter
from timeline.api.filters.people import MonthsFilter
from timeline.api.serializers.common import KeyReferenceField
from timeline.services.nested import DELETE

SQL_INJECTIONS = [
    "'; DROP TABLE timeline_entity; --",
    '" OR "1"="1',
    "1; DELETE FROM timeline_source WHERE 1=1",
    "Robert'); DROP TABLE timeline_case;--",
]
HTML_INJECTIONS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    "{{ 7|add:7 }} {% debug %}",
]
SQL = SQL_INJECTIONS[0]
HTML = HTML_INJECTIONS[0]
ESCAPE_SEQUENCE = "\x1b[2J"  # a terminal "clear screen": a control character that is not NUL


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            data = build_world()
            user = factories.UserFactory(username="bad-input-editor")
            user.groups.add(Group.objects.get(name="editor"))
            data.token = Token.objects.create(user=user).key
        yield data


@pytest.fixture
def api(world, db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.token}")
    return client


# --- The fields of each write body, by kind ---------------------------------------------------------


@dataclass(frozen=True)
class Field:
    path: tuple
    kind: str
    max_length: int | None = None


def write_serializer(resource):
    return resolve(resource.list_url()).func.cls.write_serializer_class


def char_kind(name, field):
    if name.endswith("currency") or name == "country":
        return "code"
    if isinstance(field, serializers.URLField):
        return "url"
    if isinstance(field, (serializers.SlugField, KeyReferenceField)):
        return "slug"
    return "text"


def kind_of(name, field):
    """What sort of value a serializer field takes; nested lists are walked by ``fields_of``."""
    if isinstance(field, serializers.ManyRelatedField):
        return "references" if isinstance(field.child_relation, serializers.SlugRelatedField) else "ids"
    if isinstance(field, serializers.SlugRelatedField):
        return "reference"
    if isinstance(field, serializers.ListField):
        return "values"
    if isinstance(field, serializers.ChoiceField):
        return "choice"
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.DateField):
        return "date"
    if isinstance(field, serializers.DecimalField):
        return "decimal"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    if isinstance(field, serializers.CharField):
        return char_kind(name, field)
    raise AssertionError(f"no kind for {name}: {type(field).__name__}")


def fields_of(serializer, body, prefix=()):
    for name, field in serializer.fields.items():
        if field.read_only or name == DELETE:
            continue
        path = (*prefix, name)
        if isinstance(field, serializers.ListSerializer):
            yield Field(path, "nested")
            for index, item in enumerate(body.get(name) or []):
                yield from fields_of(field.child, item, (*path, index))
            continue
        max_length = getattr(field, "max_length", None)
        if isinstance(field, serializers.ListField):
            max_length = getattr(field.child, "max_length", None)
        yield Field(path, kind_of(name, field), max_length)


def writable_names(serializer):
    """Fields a body can give; the ``_delete`` marker of nested items is not data (test_api_nested_writes)."""
    return {name for name, field in serializer.fields.items() if not field.read_only and name != DELETE}


def check_covers(serializer, body, where):
    """The body gives every writable field, at every level, so no field escapes the corruption cases."""
    assert writable_names(serializer) == set(body), where
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer) and not field.read_only:
            assert body[name], f"{where}.{name} needs one item"
            for index, item in enumerate(body[name]):
                check_covers(field.child, item, f"{where}.{name}[{index}]")


# --- How each case corrupts a field (None: the case does not apply to that kind) ----------------------

CHAR_KINDS = {"text", "slug", "url", "code"}


def appended(value, suffix):
    return f"{value or 'value'}{suffix}"


def each_value(kind, value, make):
    if kind in CHAR_KINDS or kind == "reference":
        return make(value)
    if kind in {"references", "values"}:
        return [make(item) for item in (value or ["value"])]
    return None


def wrong_type(field, value):
    return {
        "text": {"$gt": ""},
        "slug": {"$gt": ""},
        "url": ["https://example.org/"],
        "code": {"$ne": None},
        "reference": 42,
        "references": "w-cited",
        "ids": "1",
        "values": "Example",
        "choice": ["criminal"],
        "boolean": "perhaps",
        "date": 20231121,
        "decimal": {"amount": 1},
        "integer": "twelve",
    }.get(field.kind)


def overlong(field, value):
    if field.max_length is None or field.kind not in CHAR_KINDS | {"values"}:
        return None
    long = "a" * (field.max_length + 1)
    if field.kind == "url":
        long = "https://example.org/" + long
    return [long] if field.kind == "values" else long


def injection(text):
    def mutate(field, value):
        if field.kind == "url":
            return "javascript:alert(document.cookie)"
        if field.kind in {"slug", "code", "choice", "reference"}:
            return text
        if field.kind == "references":
            return [text]
        return None

    return mutate


def only(kinds, value):
    return lambda field, current: value if field.kind in kinds else None


def unknown_code(field, value):
    if field.kind != "code":
        return None
    return "XYZ" if field.path[-1].endswith("currency") else "XX"


def per_kind(values):
    return lambda field, value: values.get(field.kind)


FIELD_CASES = {
    "wrong-type": wrong_type,
    "nested-not-a-list": only({"nested"}, {"key": "not-a-list"}),
    "nul-character": lambda field, value: each_value(field.kind, value, lambda v: appended(v, "\x00")),
    "control-character": lambda field, value: each_value(field.kind, value, lambda v: appended(v, ESCAPE_SEQUENCE)),
    "over-long": overlong,
    "unknown-choice": only({"choice"}, "no-such-choice"),
    "unknown-code": lambda field, value: (
        ("XYZ" if "currency" in field.path[-1] else "XX") if field.kind == "code" else None
    ),
    "unknown-reference": per_kind({"reference": "no-such-record", "references": ["no-such-record"], "ids": [10**9]}),
    "impossible-date": only({"date"}, "2023-02-30"),
    "date-out-of-range": only({"date"}, "10000-01-01"),
    "negative-number": per_kind({"decimal": "-1.00", "integer": -1}),
    "absurdly-large-number": per_kind({"decimal": "1" + "0" * 25, "integer": 10**20}),
    "too-many-decimal-places": only({"decimal"}, "1.001"),
    "not-a-number": per_kind({"decimal": "NaN", "integer": "1.5"}),
    "infinite-number": only({"decimal"}, "Infinity"),
    "sql-injection-in-identifiers": injection(SQL),
    "html-injection-in-identifiers": injection(HTML),
}


def set_path(body, path, value):
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def value_at(body, path):
    value = body
    for step in path:
        value = value[step]
    return value


def applicable_cases(field, value):
    return [case for case, mutate in FIELD_CASES.items() if mutate(field, value) is not None]


def corruption_rounds(resource, world, method):
    """Bodies that between them apply every case to every field it fits: [(body, {path: case})].

    DRF validates each field on its own and reports every field's error at once, so one body can
    carry a NUL in every text field, an impossible date in every date field and an unknown value
    in every choice; each field takes its kind's cases one round at a time. A nested list is
    replaced whole (nested-not-a-list) only once its items have taken all of theirs.
    """
    base = resource.body(world, method)
    fields = list(fields_of(write_serializer(resource)(), base))
    pending = {
        field.path: [
            case for case, mutate in FIELD_CASES.items() if mutate(field, value_at(base, field.path)) is not None
        ]
        for field in fields
    }
    rounds = []
    while any(pending.values()):
        body, applied = copy.deepcopy(base), {}
        for field in fields:
            if not pending[field.path] or any(field.path[: len(path)] == path for path in applied):
                continue
            descendants = [path for path in pending if path[: len(field.path)] == field.path and path != field.path]
            if any(pending[path] for path in descendants):
                continue
            case = pending[field.path].pop(0)
            set_path(body, field.path, FIELD_CASES[case](field, value_at(base, field.path)))
            applied[field.path] = case
        rounds.append((body, applied))
    return rounds


def error_at(errors, path):
    """The messages the 400 gives at ``path``; DRF keys list items by position, as int or str."""
    node = errors
    for step in path:
        if isinstance(node, dict):
            node = node.get(str(step), node.get(step)) if isinstance(step, int) else node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return None
        if node is None:
            return None
    return node


def patch_body(body, paths):
    """A PATCH sends only the top-level fields holding a corrupted value."""
    return {name: body[name] for name in {path[0] for path in paths}}


def target_url(resource, world, method):
    return resource.list_url() if method == "post" else resource.detail_url(world)


@dataclass
class Snapshot:
    """The database before a write: row counts, and the target's representation when it is compared after."""

    rows: dict
    headers: dict
    detail: dict | None = None


# The targets' ETags: every test rolls back its writes, so a target's ETag holds for the whole module.
ETAGS = {}


def version_headers(api, resource, world):
    if resource.name not in ETAGS:
        ETAGS[resource.name] = api.get(resource.detail_url(world)).headers.get("ETag")
    etag = ETAGS[resource.name]
    return {"HTTP_IF_MATCH": etag} if etag else {}


def snapshot(api, resource, world, method, with_detail=False):
    """Field and parse errors refuse a write before anything runs: row counts (audit trail included,
    so any save shows) prove nothing was saved. Model rules fail inside the write service, after
    children may have been written: there the whole representation is compared too."""
    if method == "post":
        return Snapshot(row_counts(), {})
    detail = api.get(resource.detail_url(world)).json() if with_detail else None
    return Snapshot(row_counts(), version_headers(api, resource, world), detail)


def assert_refused(api, resource, world, method, response, before):
    assert response.status_code < 500, response.content
    assert row_counts() == before.rows, "a refused write changed the database"
    if before.detail is not None:
        assert api.get(resource.detail_url(world)).json() == before.detail, "a refused write changed the record"


# --- Tests ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_bodies_give_every_writable_field(resource, world, db):
    for method in WRITE_METHODS:
        check_covers(write_serializer(resource)(), resource.body(world, method), resource.name)


@pytest.mark.parametrize("method", WRITE_METHODS)
@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_valid_body_is_accepted(resource, method, world, api):
    """The control: what the cases corrupt is a body the API takes."""
    body = resource.body(world, method)
    response = send(api, method, target_url(resource, world, method), body)
    assert response.status_code == (201 if method == "post" else 200), response.content


def resource_method_params():
    for resource in RESOURCES:
        for method in WRITE_METHODS:
            yield pytest.param(resource, method, id=f"{resource.name}-{method}")


def test_every_field_case_reaches_a_field(world, db):
    reached = set()
    for resource in RESOURCES:
        for _body, applied in corruption_rounds(resource, world, "post"):
            reached |= set(applied.values())
    assert reached == set(FIELD_CASES)


@pytest.mark.parametrize(("resource", "method"), list(resource_method_params()))
def test_corrupting_every_field_is_a_400_naming_each(resource, method, world, api):
    """Every case of FIELD_CASES on every field it fits, nested items included: a 400 naming each, nothing saved."""
    before = snapshot(api, resource, world, method)
    failures = []
    for body, applied in corruption_rounds(resource, world, method):
        sent = patch_body(body, applied) if method == "patch" else body
        response = send(api, method, target_url(resource, world, method), sent, **before.headers)
        if response.status_code != 400:
            failures.append(f"{sorted(set(applied.values()))}: {response.status_code} {response.content[:300]}")
            continue
        errors = response.json()
        failures += [
            f"{case} at {'.'.join(map(str, path))} not named in {errors}"
            for path, case in applied.items()
            if not error_at(errors, path)
        ]
        assert row_counts() == before.rows, f"a refused write changed the database: {sorted(set(applied.values()))}"
    assert not failures, "\n".join(failures)


# (resource, case name, path, value, path expected in the 400)
MODEL_RULE_CASES = [
    ("action", "resolved-before-filed", ("resolved_on",), "2022-01-01", ("resolved_on",)),
    ("action", "resolved-status-without-date", ("resolved_on",), None, ("resolved_on",)),
    ("action", "docket-without-court", ("court",), None, ("court",)),
    ("action", "court-that-is-a-company", ("court",), "w-company", ("court",)),
    ("settlement", "approved-before-agreed", ("approved_on",), "2023-01-01", ("approved_on",)),
    ("settlement", "month-precision-mid-month", ("agreed_precision",), "month", ("agreed_on",)),
    (
        "settlement",
        "monitor-ends-before-it-starts",
        ("monitors", 0, "end_date"),
        "2023-01-01",
        ("monitors", 0, "end_date"),
    ),
    (
        "settlement",
        "bar-ends-before-it-starts",
        ("restrictions", 0, "end_date"),
        "2023-01-01",
        ("restrictions", 0, "end_date"),
    ),
    (
        "settlement",
        "suspended-over-amount",
        ("components", 0, "suspended_amount"),
        "2000000.00",
        ("components", 0, "suspended_amount"),
    ),
    (
        "settlement",
        "credit-over-what-is-payable",
        ("components", 0, "credits", 0, "amount"),
        "950000.00",
        ("components", 0, "credits", 0, "amount"),
    ),
    (
        "settlement",
        "part-in-another-currency",
        ("components", 0, "parts", 0, "currency"),
        "EUR",
        ("components", 0, "parts", 0, "currency"),
    ),
    ("sentence", "reported-before-sentenced", ("report_date",), "2024-01-01", ("report_date",)),
    ("sentence", "released-before-sentenced", ("released_on",), "2024-01-01", ("released_on",)),
    ("sentence", "life-sentence-with-months", ("is_life_sentence",), True, ("custody_months",)),
    ("sentence", "fine-without-currency", ("fine_currency",), "", ("fine_currency",)),
    ("pardon-request", "grantor-while-not-granted", ("granted_by",), "w-judge", ("granted_by",)),
    ("pardon-request", "status-against-history", ("status",), "denied", ("status",)),
    ("event", "claim-without-claimant", ("claimed_by",), None, ("claimed_by",)),
    ("source", "not-a-web-address", ("url",), "example.org/release", ("url",)),
]


def model_rule_params():
    by_name = {resource.name: resource for resource in RESOURCES}
    for name, case, path, value, expected in MODEL_RULE_CASES:
        for method in WRITE_METHODS:
            yield pytest.param(by_name[name], method, path, value, expected, id=f"{name}-{method}-{case}")


@pytest.mark.parametrize(("resource", "method", "path", "value", "expected"), list(model_rule_params()))
def test_model_rule_broken_is_a_400_naming_the_field(resource, method, path, value, expected, world, api):
    body = resource.body(world, method)
    set_path(body, path, value)
    before = snapshot(api, resource, world, method, with_detail=True)
    response = send(api, method, target_url(resource, world, method), body, **before.headers)
    assert response.status_code == 400, response.content
    assert error_at(response.json(), expected), response.json()
    assert_refused(api, resource, world, method, response, before)


def clashing_identity(resource, world, method):
    """(field, value) naming another stored record of the same kind: a write must not take it."""
    if resource.name == "sentence":
        return "defendant", world.judge  # already sentenced in that action
    field = "key" if resource.name in {"source", "event"} else "slug"
    if method == "post":
        return field, str(getattr(world, resource.target))
    others = {
        "entity": lambda: world.company,
        "case": lambda: "w-case",
        "action": lambda: "w-action",
        "settlement": lambda: "w-other-settlement",
        "pardon-request": lambda: factories.PardonRequestFactory(slug="w-other-pardon").slug,
        "source": lambda: world.cited_source,
        "event": lambda: factories.EventFactory(key="w-other-event").key,
    }
    return field, others[resource.name]()


@pytest.mark.parametrize("method", WRITE_METHODS)
@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_identity_taken_by_another_record_is_a_400(resource, method, world, api):
    name, value = clashing_identity(resource, world, method)
    body = resource.body(world, method)
    body[name] = value
    before = snapshot(api, resource, world, method, with_detail=True)
    sent = {name: value} if method == "patch" else body
    response = send(api, method, target_url(resource, world, method), sent, **before.headers)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert error_at(errors, (name,)) or error_at(errors, ("non_field_errors",)), errors
    assert_refused(api, resource, world, method, response, before)


# Whole requests that are not a usable body: (raw body, content type, status, text the answer contains).
REQUEST_CASES = {
    "malformed-json": (b'{"slug": ', "application/json", 400, "JSON parse error"),
    "json-array-not-object": (b'["slug"]', "application/json", 400, "Expected a dictionary"),
    "json-string-not-object": (b'"slug"', "application/json", 400, "Expected a dictionary"),
    "json-nan-literal": (b'{"slug": NaN}', "application/json", 400, "JSON parse error"),
    "invalid-utf8": (b'{"slug": "\xff\xfe"}', "application/json", 400, "JSON parse error"),
    "deeply-nested-json": (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "JSON parse error"),
    "form-encoded-not-json": (b"slug=x&name=y", "text/plain", 415, "Unsupported media type"),
    "body-over-the-size-limit": (
        json.dumps({"summary": "x" * 3_000_000}).encode(),
        "application/json",
        413,
        "larger than",
    ),
}


@pytest.mark.parametrize(("resource", "method"), list(resource_method_params()))
def test_unusable_request_body_is_a_4xx_saying_why(resource, method, world, api):
    before = snapshot(api, resource, world, method)
    failures = []
    for case, (raw, content_type, status, text) in REQUEST_CASES.items():
        response = send(
            api, method, target_url(resource, world, method), raw=raw, content_type=content_type, **before.headers
        )
        if response.status_code != status or text.lower() not in response.content.decode().lower():
            failures.append(f"{case}: {response.status_code} {response.content[:300]}")
        assert row_counts() == before.rows, f"{case} changed the database"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("method", ["post", "put"])
@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_empty_object_names_the_required_fields(resource, method, world, api):
    before = snapshot(api, resource, world, method)
    response = send(api, method, target_url(resource, world, method), {}, **before.headers)
    assert response.status_code == 400, response.content
    required = {name for name, field in write_serializer(resource)().fields.items() if field.required}
    assert required and required <= set(response.json()), response.json()
    assert_refused(api, resource, world, method, response, before)


def text_fields(resource, world):
    body = resource.body(world, "post")
    return body, [field for field in fields_of(write_serializer(resource)(), body) if field.kind == "text"]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_injection_strings_in_free_text_are_stored_verbatim(resource, world, api):
    """SQL and HTML in a summary or a name are data: stored as sent, given back as sent, nothing run."""
    body, fields = text_fields(resource, world)
    payloads = SQL_INJECTIONS + HTML_INJECTIONS
    expected = {}
    for index, field in enumerate(fields):
        payload = payloads[index % len(payloads)]
        if field.max_length is not None:
            payload = payload[: field.max_length]
        set_path(body, field.path, payload)
        expected[field.path] = payload
    if resource.name == "entity":
        body["aliases"] = [HTML_INJECTIONS[1], SQL_INJECTIONS[1]]
    before = row_counts()
    response = send(api, "post", resource.list_url(), body)
    assert response.status_code == 201, response.content
    stored = api.get(response["Location"]).json()
    for path, payload in expected.items():
        if len(path) == 1:  # nested items come back reshaped (components with parts, ...)
            assert stored[path[0]] == payload, path
    if resource.name == "entity":
        assert sorted(stored["aliases"]) == sorted(body["aliases"])
    after = row_counts()
    assert all(after[table] >= count for table, count in before.items()), "rows vanished"
    assert resource.model.objects.count() == before[resource.model._meta.db_table] + 1


# --- Filters of every list endpoint --------------------------------------------------------------------


def list_endpoints(world):
    """Every endpoint that answers a list, with the URL to call."""
    endpoints = {resource.name: resource.list_url() for resource in RESOURCES}
    endpoints["entity-timeline"] = reverse("api:entity-timeline", kwargs={"slug": world.company})
    endpoints["case-timeline"] = reverse("api:case-timeline", kwargs={"slug": world.case})
    endpoints["stats-penalties"] = reverse("api:stats-penalties")
    for resource in RESOURCES:
        endpoints[f"{resource.name}-history"] = resource.detail_url(world) + "history/"
    return endpoints


LIST_ENDPOINTS = [
    *(resource.name for resource in RESOURCES),
    "entity-timeline",
    "case-timeline",
    "stats-penalties",
    *(f"{resource.name}-history" for resource in RESOURCES),
]


def filter_kind(query_filter):
    if isinstance(query_filter, StrictBooleanFilter):
        return "boolean"
    if isinstance(query_filter, SlugFilter):
        return "reference"
    if isinstance(query_filter, filters.ChoiceFilter):
        return "choice"
    if isinstance(query_filter, filters.DateFilter):
        return "date"
    if isinstance(query_filter, MonthsFilter):
        return "integer"
    if isinstance(query_filter, filters.NumberFilter):
        return "decimal"
    if isinstance(query_filter, (CurrencyFilter, CountryFilter)):
        return "code"
    if isinstance(query_filter, IdentifierFilter):
        return "identifier"
    if isinstance(query_filter, filters.CharFilter):
        return "text"
    raise AssertionError(f"no kind for {type(query_filter).__name__}")


def endpoint_params(url):
    """The query parameters an endpoint takes, by kind, read from its view, filters and paginator."""
    match = resolve(url)
    view, initkwargs = match.func.cls, getattr(match.func, "initkwargs", {})
    params = {}
    backends = initkwargs.get("filter_backends", view.filter_backends)
    filterset = getattr(view, "filterset_class", None) if backends else None
    if filterset is not None:
        params.update({name: filter_kind(f) for name, f in filterset.base_filters.items()})
    if backends and getattr(view, "ordering_fields", None):
        params["ordering"] = "ordering"
    paginator = initkwargs.get("pagination_class", view.pagination_class)
    for attribute in ("page_query_param", "page_size_query_param", "cursor_query_param"):
        name = getattr(paginator, attribute, None) if paginator else None
        if name:
            params[name] = attribute.removesuffix("_query_param")
    return params


ALL_KINDS = {
    "boolean",
    "reference",
    "choice",
    "date",
    "integer",
    "decimal",
    "code",
    "identifier",
    "text",
    "ordering",
    "page",
    "page_size",
    "cursor",
}
NUMERIC = {"integer", "decimal", "page", "page_size"}

# case: (value, kinds it applies to)
FILTER_CASES = {
    "nul-character": ("ab\x00", ALL_KINDS),
    "control-character": (f"ab{ESCAPE_SEQUENCE}", ALL_KINDS),
    "sql-injection": ("' OR '1'='1' --", ALL_KINDS),
    "sql-injection-union": ("x' UNION SELECT username, password FROM auth_user --", ALL_KINDS),
    "html-injection": (HTML, ALL_KINDS),
    "over-long": ("a" * 5000, ALL_KINDS),
    "wrong-value": ("not-a-value", ALL_KINDS - {"text"}),
    "impossible-date": ("2023-02-30", {"date"}),
    "negative-number": ("-1", NUMERIC),
    "zero": ("0", {"page", "page_size"}),
    "absurdly-large-number": ("1" + "0" * 30, NUMERIC),
    "too-many-decimal-places": ("1.001", {"decimal"}),
}
# Free text matches nothing stored; every other kind refuses these values.
ACCEPTED_AS_TEXT = {"sql-injection", "sql-injection-union", "html-injection"}


def results_of(data):
    return data.get("results", data) if isinstance(data, dict) else data


# Parameters a FilterSet validates together (one 400 names them all); the others are checked on their own
# (the entity timeline reads include_related before its filters).
FILTERSET_KINDS = ALL_KINDS - {"ordering", "page", "page_size", "cursor", "boolean"}


def filter_case_params():
    """(endpoint, case) for each case that applies to at least one of the endpoint's parameters."""
    urls = list_endpoints(SimpleNamespace(company="x", **{resource.target: 1 for resource in RESOURCES}))
    for endpoint in LIST_ENDPOINTS:
        kinds = set(endpoint_params(urls[endpoint]).values())
        for case, (_value, applies_to) in FILTER_CASES.items():
            if kinds & applies_to:
                yield pytest.param(endpoint, case, id=f"{endpoint}-{case}")


@pytest.mark.parametrize(("endpoint", "case"), list(filter_case_params()))
def test_bad_filter_value_is_a_400_naming_the_parameter(endpoint, case, world, api):
    url = list_endpoints(world)[endpoint]
    value, kinds = FILTER_CASES[case]
    params = {name: kind for name, kind in endpoint_params(url).items() if kind in kinds}
    searches = [name for name, kind in params.items() if kind == "text" and case in ACCEPTED_AS_TEXT]
    together = [name for name, kind in params.items() if kind in FILTERSET_KINDS and name not in searches]
    alone = [name for name, kind in params.items() if kind not in FILTERSET_KINDS]
    failures = []
    if together:
        response = api.get(url, dict.fromkeys(together, value))
        named = response.json() if response.status_code == 400 else {}
        failures += [
            f"{name}: {response.status_code} {response.content[:300]}" for name in together if name not in named
        ]
    for name in alone:
        response = api.get(url, {name: value})
        if params[name] == "page" and case == "absurdly-large-number":
            # A page number past the last page is DRF's 404 "Invalid page."
            if response.status_code != 404 or "page" not in response.json()["detail"].lower():
                failures.append(f"{name}: {response.status_code} {response.content[:300]}")
        elif response.status_code != 400 or name not in response.json():
            failures.append(f"{name}: {response.status_code} {response.content[:300]}")
    for name in searches:
        response = api.get(url, {name: value})
        if response.status_code != 200 or results_of(response.json()):
            failures.append(f"{name}: searching for {value!r} gave {response.status_code} {response.content[:300]}")
    assert not failures, failures


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_unknown_parameter_is_a_400_naming_it(endpoint, world, api):
    url = list_endpoints(world)[endpoint]
    for name in ("nonexistent", "Page_Size", "page_size[]", "<script>", "' OR 1=1 --"):
        response = api.get(url, {name: "1"})
        assert response.status_code == 400, (name, response.content)
        message = response.json()[name][0]
        assert message.startswith("Unknown query parameter. Allowed here:"), message


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_every_endpoint_parameter_is_known_to_the_cases(endpoint, world, api):
    """A new parameter kind would otherwise slip past the cases above."""
    params = endpoint_params(list_endpoints(world)[endpoint])
    assert params
    assert set(params.values()) <= ALL_KINDS


@pytest.mark.parametrize("value", ["-1", "0", "101", "1" + "0" * 20, "ten", "1.5", ""])
def test_page_sizes_outside_one_to_a_hundred_are_refused(value, world, api):
    response = api.get(reverse("api:entity-list"), {"page_size": value})
    if value == "":
        assert response.status_code == 200  # empty means the default
        return
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Give a whole number from 1 to 100."]}


def test_crafted_cursor_with_an_impossible_position_is_a_400(world, api):
    for position in ("p=2023-02-30", "p=%00", "o=-1", "r=2&p=x", "zz=1"):
        cursor = base64.b64encode(position.encode()).decode()
        response = api.get(reverse("api:event-list"), {"cursor": cursor})
        assert response.status_code == 400, (position, response.content)
        assert response.json() == {"cursor": ["Invalid cursor: use the next or previous link."]}


def test_nul_in_a_detail_url_is_a_400_not_a_database_error(world, api):
    for resource in RESOURCES:
        if resource.name == "sentence":
            continue  # ids are digits only: the route does not match
        response = api.get(resource.list_url() + "%00/")
        assert response.status_code == 400, response.content
        assert "NUL" in response.json()["path"][0]


def test_a_value_the_database_refuses_is_a_400_should_validation_ever_miss_one(db, caplog):
    """The net behind validation: a DataError is a 400 and a logged warning, never a 500."""
    response = exception_handler(DataError("integer out of range"), {"view": None, "request": None})
    assert response.status_code == 400
    assert response.data["detail"].startswith("The database refused a value in this request")
    assert "integer out of range" in caplog.text
