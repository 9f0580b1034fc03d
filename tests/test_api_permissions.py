"""Anyone reads; writes need credentials and the Django model permission for the method."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline import models
from timeline.services.roles import roles_ensure

pytestmark = pytest.mark.django_db


def entity_resource(source):
    factories.EntityFactory(slug="acme", name="Acme")
    return {
        "detail": "acme",
        "post": {"slug": "new-co", "name": "New Co", "kind": "company"},
        "put": {"slug": "acme", "name": "Acme Renamed", "kind": "company"},
        "patch": {"name": "Acme Two"},
    }


def case_resource(source):
    factories.CaseFactory(slug="one", sources=[source])
    return {
        "detail": "one",
        "post": {"slug": "two", "title": "Second matter", "sources": [source.key]},
        "put": {"slug": "one", "title": "First matter", "sources": [source.key]},
        "patch": {"title": "First matter, retitled"},
    }


def action_resource(source):
    action = factories.EnforcementActionFactory(slug="one", sources=[source])
    body = {
        "case": action.case.slug,
        "authority": action.authority.slug,
        "action_type": "civil",
        "caption": "SEC v. Example",
        "sources": [source.key],
    }
    return {
        "detail": "one",
        "post": {**body, "slug": "two"},
        "put": {**body, "slug": "one"},
        "patch": {"caption": "SEC v. Example Ltd."},
    }


def settlement_resource(source):
    settlement = factories.SettlementFactory(slug="one", sources=[source])
    body = {"action": settlement.action.slug, "kind": "consent_order", "title": "Consent", "sources": [source.key]}
    return {
        "detail": "one",
        "post": {**body, "slug": "two"},
        "put": {**body, "slug": "one"},
        "patch": {"title": "Consent order"},
    }


def sentence_resource(source):
    sentence = factories.SentenceFactory(sources=[source])
    other = factories.PersonFactory(slug="other-defendant")
    body = {"action": sentence.action.slug, "sentenced_on": "2024-04-30", "sources": [source.key]}
    return {
        "detail": sentence.pk,
        "post": {**body, "defendant": other.slug},
        "put": {**body, "defendant": sentence.defendant.slug, "custody_months": 6},
        "patch": {"custody_months": 5},
    }


def pardon_request_resource(source):
    request = factories.PardonRequestFactory(slug="one", sources=[source])
    body = {"person": request.person.slug, "status": "requested", "sources": [source.key]}
    return {
        "detail": "one",
        "post": {**body, "slug": "two"},
        "put": {**body, "slug": "one"},
        "patch": {"summary": "A petition was filed."},
    }


def source_resource(source):
    factories.SourceFactory(key="uncited")
    body = {"url": "https://example.org/release", "title": "Release", "publisher": "DOJ"}
    return {
        "detail": "uncited",
        "post": {**body, "key": "new-source"},
        "put": {**body, "key": "uncited"},
        "patch": {"title": "Press release"},
    }


def event_resource(source):
    factories.EventFactory(key="one", sources=[source])
    body = {"date": "2025-03-13", "event_type": "press_report", "title": "A report", "sources": [source.key]}
    return {
        "detail": "one",
        "post": {**body, "key": "two"},
        "put": {**body, "key": "one"},
        "patch": {"title": "A report, retitled"},
    }


RESOURCES = {
    "entity": (models.Entity, entity_resource),
    "case": (models.Case, case_resource),
    "action": (models.EnforcementAction, action_resource),
    "settlement": (models.Settlement, settlement_resource),
    "sentence": (models.Sentence, sentence_resource),
    "pardon-request": (models.PardonRequest, pardon_request_resource),
    "source": (models.Source, source_resource),
    "event": (models.Event, event_resource),
}
METHODS = ["get-list", "get-detail", "head", "options", "post", "put", "patch", "delete"]


def call(client, name, method, resource):
    list_url = reverse(f"api:{name}-list")
    detail_url = reverse(f"api:{name}-detail", args=[resource["detail"]])
    if method == "get-list":
        return client.get(list_url)
    if method == "get-detail":
        return client.get(detail_url)
    if method == "head":
        return client.head(detail_url)
    if method == "options":
        return client.options(list_url)
    if method == "post":
        return client.post(list_url, resource["post"], format="json")
    # Writes name the version read, as every client must (otherwise 428).
    current = {"HTTP_IF_MATCH": APIClient().get(detail_url)["ETag"]}
    if method == "put":
        return client.put(detail_url, resource["put"], format="json", **current)
    if method == "patch":
        return client.patch(detail_url, resource["patch"], format="json", **current)
    return client.delete(detail_url, **current)


@pytest.fixture
def source():
    return factories.SourceFactory(key="cited")


@pytest.fixture
def reader():
    user = factories.UserFactory(username="reader")
    client = APIClient()
    client.force_authenticate(user)
    return client


READS = {"get-list": 200, "get-detail": 200, "head": 200, "options": 200}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", RESOURCES)
def test_anonymous_reads_but_cannot_write(name, method, source):
    model, build = RESOURCES[name]
    resource = build(source)
    before = model.objects.count()
    response = call(APIClient(), name, method, resource)
    assert response.status_code == READS.get(method, 401), response.content
    if method not in READS:
        assert response.json() == {"detail": "Authentication credentials were not provided."}
        assert response["WWW-Authenticate"] == "Token"
    assert model.objects.count() == before


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", RESOURCES)
def test_user_without_permissions_reads_but_cannot_write(name, method, source, reader):
    model, build = RESOURCES[name]
    resource = build(source)
    before = model.objects.count()
    response = call(reader, name, method, resource)
    assert response.status_code == READS.get(method, 403), response.content
    assert model.objects.count() == before


EDITOR = {**READS, "post": 201, "put": 200, "patch": 200, "delete": 204}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", RESOURCES)
def test_editor_may_use_every_method(name, method, source, editor):
    model, build = RESOURCES[name]
    resource = build(source)
    before = model.objects.count()
    response = call(editor, name, method, resource)
    assert response.status_code == EDITOR[method], response.content
    expected = {"post": before + 1, "delete": before - 1}.get(method, before)
    assert model.objects.count() == expected


def test_each_method_needs_its_own_permission(source):
    """change_* allows PUT and PATCH but not POST or DELETE: DELETE is checked too."""
    user = factories.UserFactory(username="changer")
    user.user_permissions.add(Permission.objects.get(codename="change_source"))
    client = APIClient()
    client.force_authenticate(user)
    resource = source_resource(source)
    assert call(client, "source", "patch", resource).status_code == 200
    assert call(client, "source", "delete", resource).status_code == 403
    assert call(client, "source", "post", resource).status_code == 403
    assert models.Source.objects.filter(key="uncited").exists()


def test_session_login_may_write_with_csrf_token(source):
    user = factories.UserFactory(username="session-editor")
    user.groups.add(roles_ensure()["editor"])
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    body = {"key": "by-session", "url": "https://example.org/s", "title": "T", "publisher": "P"}
    refused = client.post(reverse("api:source-list"), body, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    token = "k" * 32  # any well-formed token, as long as cookie and header agree
    client.cookies["csrftoken"] = token
    accepted = client.post(reverse("api:source-list"), body, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content


def test_invalid_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(reverse("api:entity-list")).status_code == 401


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("stats-penalties", {}), ("case-timeline", {"slug": "one"}), ("entity-timeline", {"slug": "acme"})],
)
def test_read_only_endpoints_refuse_writes(name, kwargs, editor):
    factories.CaseFactory(slug="one")
    factories.EntityFactory(slug="acme")
    url = reverse(f"api:{name}", kwargs=kwargs)
    assert APIClient().get(url).status_code == 200
    for client in (APIClient(), editor):
        assert client.post(url, {}, format="json").status_code == 405
        assert client.delete(url).status_code == 405


def test_roles_viewer_group_reads_only(source):
    user = factories.UserFactory(username="viewer")
    user.groups.add(roles_ensure()["viewer"])
    client = APIClient()
    client.force_authenticate(user)
    factories.EntityFactory(slug="acme")
    assert client.get(reverse("api:entity-detail", args=["acme"])).status_code == 200
    assert client.delete(reverse("api:entity-detail", args=["acme"])).status_code == 403
    assert client.patch(reverse("api:entity-detail", args=["acme"]), {"name": "X"}, format="json").status_code == 403
    assert models.Entity.objects.get(slug="acme").name != "X"


def test_sentence_lookup_is_by_id(source):
    sentence = factories.SentenceFactory(sources=[source], sentenced_on=datetime.date(2024, 4, 30))
    response = APIClient().get(reverse("api:sentence-detail", args=[sentence.pk]))
    assert response.json()["id"] == sentence.pk
    assert APIClient().get(f"{reverse('api:sentence-list')}abc/").status_code == 404
