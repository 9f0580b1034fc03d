"""Fuzz every API operation with schemathesis against the project's own OpenAPI schema.

The schema is the one /api/schema/ serves, rendered by that view in process; requests go to the
WSGI application in process too, so the test database holds the curated fixtures and each
operation's writes roll back with its test. An editor's token authenticates every call, so the
write paths are fuzzed as well as the reads; path parameters are drawn from the stored slugs,
keys and ids half the time, and half the writes to a stored record carry its current
ETag in If-Match, so updates and deletes get past the precondition check.

Checks: no server error, status code documented, response body conforming to the schema. Bounded
for CI by FUZZ_MAX_EXAMPLES (default 8 per operation) and a fixed seed (FUZZ_SEED); see the
README ("Security and reliability") for a longer campaign.
"""

import json
import os
import zlib

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client, RequestFactory
from django.urls import resolve
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests import factories
from timeline import models

pytestmark = pytest.mark.fuzz

SCHEMA_URL = "/api/schema/"
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "8"))
SEED = int(os.environ.get("FUZZ_SEED", "20231121"))
# The coverage phase enumerates boundary values of every body property (over a thousand cases for a
# settlement): worth a long campaign, too slow for every CI run. FUZZ_PHASES=examples,coverage,fuzzing adds it.
PHASES = os.environ.get("FUZZ_PHASES", "examples,fuzzing").split(",")
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# The path parameter of each resource, and where its stored values come from.
IDENTIFIERS = {
    "/api/v1/entities/": (models.Entity, "slug"),
    "/api/v1/cases/": (models.Case, "slug"),
    "/api/v1/actions/": (models.EnforcementAction, "slug"),
    "/api/v1/settlements/": (models.Settlement, "slug"),
    "/api/v1/sentences/": (models.Sentence, "id"),
    "/api/v1/pardon-requests/": (models.PardonRequest, "slug"),
    "/api/v1/sources/": (models.Source, "key"),
    "/api/v1/events/": (models.Event, "key"),
}
WRITES = {"PUT", "PATCH", "DELETE"}


def served_schema():
    """The document /api/schema/ serves, rendered by its own view (no database needed to build it)."""
    response = resolve(SCHEMA_URL).func(RequestFactory().get(SCHEMA_URL, {"format": "json"}))
    response.render()
    return json.loads(response.content)


def strict_start_response(start_response):
    """Refuse headers a strict WSGI server refuses: PEP 3333 wants names and values of type str exactly.

    The test clients accept a str subclass (DRF's Hyperlink, say) that wsgiref, behind runserver,
    answers with a 500.
    """

    def checked(status, headers, exc_info=None):
        wrong = [
            (name, type(value).__name__) for name, value in headers if type(name) is not str or type(value) is not str
        ]
        assert not wrong, f"header values must be str (PEP 3333): {wrong}"
        return start_response(status, headers, exc_info)

    return checked


class InTestTransaction:
    """The WSGI application, keeping the test's connection (and transaction) open across requests,
    and held to the header types a strict WSGI server requires.

    A WSGI server closes connections that are not in autocommit mode when a request finishes,
    which inside a test would drop the test's transaction; Django's test client avoids it the
    same way.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = self.application(environ, strict_start_response(start_response))
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_dict(served_schema())
schema.app = InTestTransaction(get_wsgi_application())
schema.location = SCHEMA_URL
schema.config.seed = SEED
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)
schema.config.phases.update(phases=PHASES)


def stored_identifiers(path):
    """Identifiers of stored records of the resource a path belongs to (timelines and histories included)."""
    source = next((source for prefix, source in IDENTIFIERS.items() if path.startswith(prefix)), None)
    if source is None:
        return []
    model, field = source
    return list(model.objects.order_by("pk").values_list(field, flat=True)[:25])


def point_at_stored_record(case):
    """Half the cases address a stored record instead of the generated identifier, so detail reads,
    timelines, histories and writes reach real rows; which half follows from the generated value,
    so a run stays reproducible."""
    if not case.path_parameters:
        return
    stored = stored_identifiers(case.operation.path)
    name, value = next(iter(case.path_parameters.items()))
    digest = zlib.crc32(repr(value).encode())
    if stored and digest % 2:
        case.path_parameters = {**case.path_parameters, name: stored[digest % len(stored)]}


def name_current_version(case):
    """Half the writes to a stored record name its current version, so they pass If-Match and run."""
    if case.method.upper() not in WRITES or not case.path_parameters:
        return
    given = (case.headers or {}).get("If-Match", "")
    if zlib.crc32(given.encode()) % 2:
        return
    url = case.formatted_path
    etag = Client().get(url).headers.get("ETag")
    if etag:
        case.headers = {**(case.headers or {}), "If-Match": etag}


@pytest.fixture
def editor_token(curated_data):
    user = factories.UserFactory(username="fuzz-editor")
    user.groups.add(Group.objects.get(name="editor"))
    return Token.objects.create(user=user).key


@schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_api_conforms_to_its_schema(case, editor_token):
    point_at_stored_record(case)
    name_current_version(case)
    case.call_and_validate(headers={"Authorization": f"Token {editor_token}"}, checks=CHECKS)


def test_fuzzed_schema_is_the_served_one(client, db):
    """What is fuzzed is exactly what /api/schema/ answers, through the whole middleware stack."""
    response = client.get(SCHEMA_URL, {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content) == served_schema()


def test_every_operation_is_fuzzed():
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {f"{operation.method.upper()} {operation.path}" for operation in operations}
    paths = {operation.path for operation in operations}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= {label.split()[0] for label in labels}
    for prefix in IDENTIFIERS:
        assert prefix in paths
        assert any(path.startswith(prefix) and path.endswith("/history/") for path in paths), prefix
    assert {"/api/v1/stats/penalties/", "/api/v1/cases/{slug}/timeline/", "/api/v1/entities/{slug}/timeline/"} <= paths
