"""Bad input to webhooks, saved searches and deadlines: a 400 naming each field, nothing written."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from timeline.notify.models import DeliveryStatus, SavedSearch, WebhookDelivery, WebhookSubscription
from timeline.notify.services.deliveries import delivery_attempt, delivery_create

pytestmark = pytest.mark.django_db
GOOD_SECRET = "x" * 32


def client_for(username, email="someone@example.org"):
    user = factories.UserFactory(username=username, email=email)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client, user


@pytest.fixture
def owner():
    return client_for("owner")[0]


@pytest.fixture
def world():
    factories.PersonFactory(slug="changpeng-zhao")
    factories.AuthorityFactory(slug="doj")
    factories.CaseFactory(slug="binance")


def counts():
    return [model.objects.count() for model in (WebhookSubscription, SavedSearch, WebhookDelivery)]


WEBHOOK_CASES = {
    "ftp-scheme": ({"url": "ftp://127.0.0.1/hook"}, "url"),
    "not-a-url": ({"url": "not a url"}, "url"),
    "private-address": ({"url": "http://10.0.0.1/hook"}, "url"),
    "link-local-metadata": ({"url": "http://169.254.169.254/latest/meta-data/"}, "url"),
    "ipv6-link-local": ({"url": "http://[fe80::1]/hook"}, "url"),
    "credentials-in-url": ({"url": "http://user:pw@127.0.0.1/hook"}, "url"),
    "unresolvable-host": ({"url": "http://no-such-host.invalid/hook"}, "url"),
    "bad-port": ({"url": "http://127.0.0.1:99999/hook"}, "url"),
    "unknown-kind": ({"kind": "everything"}, "kind"),
    "secret-too-short": ({"secret": "short"}, "secret"),
    "secret-control-characters": ({"secret": "x" * 31 + "\x07"}, "secret"),
    "unknown-entity": ({"entity": "nobody"}, "entity"),
    "entity-missing": ({"entity": None}, "entity"),
    "entity-kind-with-case": ({"case": "binance"}, "case"),
    "authority-not-an-authority": ({"kind": "authority", "entity": None, "authority": "changpeng-zhao"}, "authority"),
    "related-on-a-case": (
        {"kind": "case", "entity": None, "case": "binance", "include_related": True},
        "include_related",
    ),
    "window-zero": ({"kind": "deadline", "entity": None, "window_days": 0}, "window_days"),
    "window-too-long": ({"kind": "deadline", "entity": None, "window_days": 1000}, "window_days"),
    "unknown-version": ({"version": 2}, "version"),
    "someone-elses-saved-search": ({"kind": "saved_search", "entity": None, "saved_search": -1}, "saved_search"),
}


@pytest.mark.parametrize(("change", "field"), WEBHOOK_CASES.values(), ids=WEBHOOK_CASES.keys())
def test_bad_webhooks_are_refused(owner, world, change, field):
    body = {"url": "http://127.0.0.1:9/hook", "kind": "entity", "entity": "changpeng-zhao", "secret": GOOD_SECRET}
    if change.get("saved_search") == -1:
        _, other = client_for("other")
        change = {**change, "saved_search": SavedSearch.objects.create(user=other, name="x", kind="text").pk}
    before = counts()
    response = owner.post(reverse("api:webhook-list"), {**body, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert counts() == before


def test_production_needs_https_and_refuses_loopback(owner, world, settings):
    settings.NOTIFY_REQUIRE_HTTPS, settings.NOTIFY_ALLOW_LOOPBACK_URLS = True, False
    for url, message in (
        ("http://127.0.0.1:9/hook", "https"),
        ("https://127.0.0.1:9/hook", "127.0.0.1"),
        ("https://[::1]/hook", "::1"),
        ("https://localhost/hook", "resolves to an address"),
    ):
        response = owner.post(
            reverse("api:webhook-list"), {"url": url, "kind": "entity", "entity": "changpeng-zhao"}, format="json"
        )
        assert response.status_code == 400 and message in str(response.json()["url"]), (url, response.content)
    assert counts() == [0, 0, 0]


def test_a_receiver_that_turned_private_is_refused_at_delivery_time(world, settings):
    _, user = client_for("owner2")
    entity = factories.PersonFactory(slug="changpeng-zhao")
    subscription = WebhookSubscription.objects.create(
        user=user, url="http://10.9.8.7/hook", kind="entity", entity=entity
    )
    delivery = delivery_create(subscription, "webhook.test", "probe", {})
    delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.GAVE_UP
    assert "10.9.8.7" in delivery.error and delivery.response_status is None


SEARCH_CASES = {
    "unknown-kind": ({"kind": "magic"}, "kind"),
    "query-not-object": ({"query": ["plea"]}, "query"),
    "unknown-filter": ({"query": {"partie": "x"}}, "query"),
    "no-filter": ({"query": {}}, "query"),
    "unknown-entity": ({"query": {"entity": "nobody"}}, "query"),
    "entity-not-text": ({"query": {"entity": 7}}, "query"),
    "unknown-event-type": ({"query": {"event_type": "coup"}}, "query"),
    "related-not-boolean": ({"query": {"entity": "changpeng-zhao", "include_related": "yes"}}, "query"),
    "text-too-long": ({"kind": "text", "query": {"q": "x" * 201}}, "query"),
    "text-empty": ({"kind": "text", "query": {"q": "  "}}, "query"),
    "text-control": ({"kind": "screening", "query": {"q": "zhao\x00"}}, "query"),
    "deadline-window": ({"kind": "deadlines", "query": {"within_days": 0}}, "query"),
    "deadline-window-bool": ({"kind": "deadlines", "query": {"within_days": True}}, "query"),
    "unknown-rate": ({"rate": "hourly"}, "rate"),
    "name-control": ({"name": "a\x1bb"}, "name"),
}


@pytest.mark.parametrize(("change", "field"), SEARCH_CASES.values(), ids=SEARCH_CASES.keys())
def test_bad_saved_searches_are_refused(owner, world, change, field):
    body = {"name": "CZ", "kind": "filters", "query": {"entity": "changpeng-zhao"}, "rate": "dly"}
    response = owner.post(reverse("api:saved-search-list"), {**body, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert counts() == [0, 0, 0]


def test_digests_need_an_email_address_and_names_are_unique(world):
    client, _ = client_for("no-email", email="")
    body = {"name": "CZ", "kind": "filters", "query": {"entity": "changpeng-zhao"}}
    assert "rate" in client.post(reverse("api:saved-search-list"), body, format="json").json()
    assert client.post(reverse("api:saved-search-list"), {**body, "rate": "off"}, format="json").status_code == 201
    again = client.post(reverse("api:saved-search-list"), {**body, "rate": "off"}, format="json")
    assert again.status_code == 400 and "name" in again.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"within_days": "0"}, "within_days"),
        ({"within_days": "abc"}, "within_days"),
        ({"within_days": "1000"}, "within_days"),
        ({"kind": "coup"}, "kind"),
        ({"entity": "nobody"}, "entity"),
        ({"case": "x\x01"}, "case"),
        ({"windw": "3"}, "windw"),
    ],
)
def test_bad_deadline_parameters(client, params, field):
    response = client.get(reverse("api:deadline-list"), params)
    assert response.status_code == 400 and field in response.json(), response.content


def test_another_users_records_are_not_found(world):
    alice, _ = client_for("alice")
    bob, _ = client_for("bob")
    webhook = alice.post(
        reverse("api:webhook-list"), {"url": "http://127.0.0.1:9/h", "kind": "case", "case": "binance"}, format="json"
    ).json()
    for method, name in (("get", "webhook-detail"), ("get", "webhook-deliveries"), ("post", "webhook-test")):
        assert getattr(bob, method)(reverse(f"api:{name}", args=[webhook["id"]])).status_code == 404
    assert bob.get(reverse("api:webhook-list")).json()["count"] == 0
    assert len(webhook["secret"]) >= 32, "a secret is made when none is given"


def test_the_database_refuses_a_webhook_without_its_target(world):
    _, user = client_for("raw")
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookSubscription.objects.create(user=user, url="https://example.org/h", kind="entity")
    case = factories.CaseFactory(slug="other-case")
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookSubscription.objects.create(user=user, url="https://example.org/h", kind="deadline", case=case)
