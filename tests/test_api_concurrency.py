"""No lost updates through the API: ETags on every detail answer, If-Match required and checked under a row lock."""

import re
import threading
import time
from decimal import Decimal

import pytest
import yaml
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline import models
from timeline.services.events import events_sync

pytestmark = pytest.mark.django_db

STRONG_ETAG = re.compile(r'^"[0-9a-f]{32}"$')


def entity(source):
    factories.EntityFactory(slug="acme", name="Acme")
    return "acme", {"name": "Acme Two"}, {"slug": "acme", "name": "Acme Renamed", "kind": "company"}


def case(source):
    factories.CaseFactory(slug="one", sources=[source])
    return "one", {"title": "Retitled"}, {"slug": "one", "title": "First matter", "sources": [source.key]}


def action(source):
    record = factories.EnforcementActionFactory(slug="one", sources=[source])
    body = {
        "slug": "one",
        "case": record.case.slug,
        "authority": record.authority.slug,
        "action_type": "civil",
        "caption": "SEC v. Example",
        "sources": [source.key],
        "parties": [],
        "charges": [],
    }
    return "one", {"caption": "SEC v. Example Ltd."}, body


def settlement(source):
    record = factories.SettlementFactory(slug="one", sources=[source])
    body = {"slug": "one", "action": record.action.slug, "kind": "consent_order", "title": "C", "sources": [source.key]}
    body.update(components=[], monitors=[], restrictions=[])  # a PUT lists every nested item to keep
    return "one", {"title": "Consent order"}, body


def sentence(source):
    record = factories.SentenceFactory(sources=[source])
    body = {
        "action": record.action.slug,
        "defendant": record.defendant.slug,
        "sentenced_on": "2024-04-30",
        "custody_months": 6,
        "sources": [source.key],
    }
    return record.pk, {"custody_months": 5}, body


def pardon_request(source):
    record = factories.PardonRequestFactory(slug="one", sources=[source])
    body = {"slug": "one", "person": record.person.slug, "status": "requested", "sources": [source.key], "history": []}
    return "one", {"summary": "A petition was filed."}, body


def source_record(source):
    factories.SourceFactory(key="uncited")
    body = {"key": "uncited", "url": "https://example.org/r", "title": "Release", "publisher": "DOJ"}
    return "uncited", {"title": "Press release"}, body


def event(source):
    factories.EventFactory(key="one", sources=[source])
    body = {"key": "one", "date": "2025-03-13", "event_type": "press_report", "title": "A report", "sources": ["s"]}
    return "one", {"title": "A report, retitled"}, body


RESOURCES = {
    "entity": (models.Entity, entity),
    "case": (models.Case, case),
    "action": (models.EnforcementAction, action),
    "settlement": (models.Settlement, settlement),
    "sentence": (models.Sentence, sentence),
    "pardon-request": (models.PardonRequest, pardon_request),
    "source": (models.Source, source_record),
    "event": (models.Event, event),
}


@pytest.fixture
def source():
    return factories.SourceFactory(key="s")


def build(name, source):
    model, builder = RESOURCES[name]
    lookup, patch, put = builder(source)
    return model, reverse(f"api:{name}-detail", args=[lookup]), patch, put


def snapshot(model):
    return sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))


# ETags on reads


@pytest.mark.parametrize("name", RESOURCES)
def test_every_detail_answer_carries_a_strong_etag(name, source):
    _, url, _, _ = build(name, source)
    client = APIClient()
    first = client.get(url)
    assert first.status_code == 200
    assert STRONG_ETAG.match(first["ETag"]), first["ETag"]
    assert client.get(url)["ETag"] == first["ETag"]
    head = client.head(url)
    assert head.status_code == 200
    assert head["ETag"] == first["ETag"]
    # The same record read through another host name has the same version.
    assert client.get(url, HTTP_HOST="localhost")["ETag"] == first["ETag"]


def test_lists_carry_no_etag(source):
    factories.EntityFactory()
    assert not APIClient().get(reverse("api:entity-list")).has_header("ETag")


# Writes need If-Match


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("name", RESOURCES)
def test_write_without_if_match_is_428_and_changes_nothing(name, method, source, editor):
    model, url, patch, put = build(name, source)
    before = snapshot(model)
    body = {"put": put, "patch": patch}.get(method)
    for extra in ({}, {"HTTP_IF_MATCH": "*"}, {"HTTP_IF_MATCH": " "}):
        response = getattr(editor, method)(url, body, format="json", **extra)
        assert response.status_code == 428, response.content
        assert "If-Match" in response.json()["detail"]
    assert snapshot(model) == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("name", RESOURCES)
def test_write_with_the_current_etag_succeeds(name, method, source, editor):
    model, url, patch, put = build(name, source)
    etag = editor.get(url)["ETag"]
    if method == "delete":
        before = model.objects.count()
        assert editor.delete(url, HTTP_IF_MATCH=etag).status_code == 204
        assert editor.get(url).status_code == 404
        assert model.objects.count() == before - 1
        return
    body = put if method == "put" else patch
    response = getattr(editor, method)(url, body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert STRONG_ETAG.match(response["ETag"])
    assert response["ETag"] == editor.get(url)["ETag"]
    assert response["ETag"] != etag


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("name", RESOURCES)
def test_write_based_on_a_stale_version_is_412_with_the_current_etag(name, method, source, editor, api_client_for):
    model, url, patch, put = build(name, source)
    stale = editor.get(url)["ETag"]
    # Another editor changes the record in between.
    other = api_client_for("other", "editor")
    assert other.patch(url, patch, format="json", HTTP_IF_MATCH=stale).status_code == 200
    current = other.get(url)["ETag"]
    before = snapshot(model)

    body = {"put": put, "patch": {**patch}}.get(method)
    response = getattr(editor, method)(url, body, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412, response.content
    assert response.json()["etag"] == current
    assert "changed since you read it" in response.json()["detail"]
    assert response["ETag"] == current
    assert snapshot(model) == before


def test_if_match_may_list_several_tags_and_uses_strong_comparison(source, editor):
    _, url, patch, _ = build("entity", source)
    etag = editor.get(url)["ETag"]
    assert editor.patch(url, patch, format="json", HTTP_IF_MATCH=f"W/{etag}").status_code == 412
    assert editor.patch(url, patch, format="json", HTTP_IF_MATCH=f'"0000", {etag}').status_code == 200


def test_created_record_answers_with_its_etag(source, editor):
    body = {"slug": "new-co", "name": "New Co", "kind": "company"}
    response = editor.post(reverse("api:entity-list"), body, format="json")
    assert response.status_code == 201
    assert response["ETag"] == editor.get(response["Location"])["ETag"]


def test_permissions_and_lookups_come_before_preconditions(source, editor):
    _, url, patch, _ = build("entity", source)
    assert APIClient().patch(url, patch, format="json").status_code == 401
    reader = APIClient()
    reader.force_authenticate(factories.UserFactory(username="reader"))
    assert reader.delete(url).status_code == 403
    missing = reverse("api:entity-detail", args=["nobody"])
    assert editor.patch(missing, patch, format="json").status_code == 404


def test_a_change_to_a_nested_child_changes_the_parent_version(source, editor):
    """A settlement PUT replaces its components: editing one elsewhere must make an older PUT stale."""
    record = factories.SettlementFactory(slug="one", sources=[source])
    component = factories.SettlementComponentFactory(settlement=record, amount=Decimal("100.00"))
    url = reverse("api:settlement-detail", args=["one"])
    read = editor.get(url)
    # Edited on its own admin page, which leaves the settlement row itself untouched.
    component.amount = Decimal("250.00")
    component.save()
    body = {
        "slug": "one",
        "action": record.action.slug,
        "kind": record.kind,
        "title": record.title,
        "sources": [source.key],
        "components": [
            {
                "key": component.key,
                "payer": component.payer.slug,
                "kind": component.kind,
                "amount": "100.00",
                "currency": component.currency,
                "sources": [source.key],
            }
        ],
    }
    response = editor.put(url, body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 412
    component.refresh_from_db()
    assert component.amount == Decimal("250.00")


def test_mirrored_event_answers_409_only_to_a_current_version(editor):
    action_record = factories.EnforcementActionFactory()
    events_sync(action_record)
    url = reverse("api:event-detail", args=[models.Event.objects.get(action=action_record).key])
    assert editor.patch(url, {"title": "X"}, format="json").status_code == 428
    assert editor.patch(url, {"title": "X"}, format="json", HTTP_IF_MATCH=editor.get(url)["ETag"]).status_code == 409


# The schema documents it


def test_schema_documents_if_match_etag_412_and_428():
    schema = yaml.safe_load(APIClient().get(reverse("api:schema")).content)
    detail_paths = [path for path in schema["paths"] if re.fullmatch(r"/api/v1/[a-z-]+/\{\w+\}/", path)]
    assert len(detail_paths) == len(RESOURCES)
    for path in detail_paths:
        operations = schema["paths"][path]
        for method in ("put", "patch", "delete"):
            parameters = {(p["in"], p["name"]): p for p in operations[method]["parameters"]}
            assert parameters[("header", "If-Match")]["required"] is True
            assert {"412", "428"} <= set(operations[method]["responses"])
        assert "ETag" in operations["get"]["responses"]["200"]["headers"]
        assert "ETag" in operations["patch"]["responses"]["200"]["headers"]
    for operation in schema["paths"]["/api/v1/entities/"].values():
        assert "If-Match" not in {p["name"] for p in operation.get("parameters", [])}
        assert "428" not in operation["responses"]


# Concurrent writers (real threads and connections: PostgreSQL)


def run_concurrently(functions):
    """Run each function in its own thread and database connection, released at the same moment."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def runner(index, function):
        try:
            barrier.wait()
            results[index] = function()
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=pair) for pair in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_of_concurrent_writers_with_the_same_etag_exactly_one_wins(api_client_for):
    factories.EventFactory(key="contested", description="", sources=[factories.SourceFactory()])
    url = reverse("api:event-detail", args=["contested"])
    writers = [api_client_for(f"writer-{n}", "editor") for n in range(6)]
    for round_number in range(5):
        etag = writers[0].get(url)["ETag"]

        def write(client, token, etag=etag):
            return lambda: client.patch(url, {"description": token}, format="json", HTTP_IF_MATCH=etag).status_code

        tokens = [f"r{round_number}-w{n}" for n in range(len(writers))]
        statuses = run_concurrently([write(client, token) for client, token in zip(writers, tokens, strict=True)])
        assert sorted(statuses) == [200] + [412] * (len(writers) - 1), statuses
        winner = tokens[statuses.index(200)]
        assert models.Event.objects.get(key="contested").description == winner


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_version_is_checked_after_the_row_lock_is_taken(api_client_for):
    """A writer whose ETag was current when it arrived, but who waited for the lock while another
    transaction changed the record, is refused: the comparison happens under the lock."""
    factories.EventFactory(key="locked", title="Original", sources=[factories.SourceFactory()])
    url = reverse("api:event-detail", args=["locked"])
    writer = api_client_for("editor", "editor")
    etag = writer.get(url)["ETag"]
    outcome = {}

    def late_writer():
        try:
            outcome["status"] = writer.patch(url, {"title": "Late"}, format="json", HTTP_IF_MATCH=etag).status_code
        finally:
            connection.close()

    with transaction.atomic():
        held = models.Event.objects.select_for_update().get(key="locked")
        thread = threading.Thread(target=late_writer)
        thread.start()
        time.sleep(1)
        assert thread.is_alive(), "the writer must wait for the row lock"
        held.title = "Changed while the writer waited"
        held.save()
    thread.join(timeout=30)
    assert outcome["status"] == 412
    assert models.Event.objects.get(key="locked").title == "Changed while the writer waited"
