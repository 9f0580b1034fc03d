"""Webhooks end to end: a committed write, the real task worker, a real receiver on 127.0.0.1."""

import datetime
import hashlib
import hmac

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from tests.notify_support import Receiver, fast_forward, run_worker, sent_emails
from timeline.notify.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from timeline.notify.services.deliveries import MAX_ATTEMPTS

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "s" * 40


@pytest.fixture
def owner():
    user = factories.UserFactory(username="compliance", email="compliance@example.org")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def zhao():
    return factories.PersonFactory(slug="changpeng-zhao", name="Changpeng Zhao")


def subscribe(client, url, **target):
    response = client.post(reverse("api:webhook-list"), {"url": url, "secret": SECRET, **target}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def add_event(*entities, key="zhao-new-event"):
    with transaction.atomic():
        return factories.EventFactory(key=key, entities=list(entities))


def test_one_signed_delivery_per_added_event(owner, zhao, tmp_path):
    with Receiver() as receiver:
        webhook = subscribe(owner, receiver.url, kind="entity", entity="changpeng-zhao")
        add_event(zhao)
        factories.EventFactory(key="someone-else", entities=[factories.PersonFactory()])
        run_worker(tmp_path)
        run_worker(tmp_path)  # a second pass finds nothing new: still one delivery

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers = {name.lower(): value for name, value in request["headers"].items()}
    expected = hmac.new(
        SECRET.encode(), headers["x-timeline-timestamp"].encode() + b"." + request["body"], hashlib.sha256
    )
    assert headers["x-timeline-signature"] == f"sha256={expected.hexdigest()}"
    payload = receiver.payloads()[0]
    assert headers["idempotency-key"] == payload["id"]
    assert payload["version"] == 1 and payload["type"] == "event.created"
    assert payload["webhook"] == {"id": webhook["id"], "kind": "entity"}
    assert payload["data"]["event"]["key"] == "zhao-new-event"
    assert payload["data"]["event"]["entities"] == ["changpeng-zhao"]

    log = owner.get(reverse("api:webhook-deliveries", args=[webhook["id"]])).json()
    assert [(row["status"], row["attempts"], row["response_status"]) for row in log["results"]] == [
        ("delivered", 1, 200)
    ]


def test_subsidiaries_and_officers_are_included_on_request(owner, zhao, tmp_path):
    company = factories.EntityFactory(slug="binance-holdings", name="Binance Holdings")
    factories.EntityRelationshipFactory(subject=zhao, object=company, kind="founder_of")
    with Receiver() as receiver:
        subscribe(owner, receiver.url, kind="entity", entity="binance-holdings", include_related=True)
        subscribe(owner, receiver.url, kind="entity", entity="binance-holdings")
        add_event(zhao)
        run_worker(tmp_path)
    assert [payload["webhook"]["kind"] for payload in receiver.payloads()] == ["entity"]


def test_retries_after_a_500_with_backoff_and_the_log_shows_them(owner, zhao, tmp_path):
    with Receiver(statuses=[500, 200]) as receiver:
        webhook = subscribe(owner, receiver.url, kind="entity", entity="changpeng-zhao")
        add_event(zhao)
        run_worker(tmp_path)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.RETRYING, 1, 500)
        wait = delivery.next_attempt_at - timezone.now()
        assert datetime.timedelta(minutes=2, seconds=50) < wait <= datetime.timedelta(minutes=3)
        assert fast_forward() == 1
        run_worker(tmp_path)

    assert len(receiver.requests) == 2
    keys = {request["headers"]["Idempotency-Key"] for request in receiver.requests}
    assert keys == {str(delivery.pk)}, "a retry carries the same idempotency key"
    log = owner.get(reverse("api:webhook-deliveries", args=[webhook["id"]])).json()["results"]
    assert log[0]["status"] == "delivered" and log[0]["attempts"] == 2
    assert [(attempt["number"], attempt["response_status"]) for attempt in log[0]["attempt_log"]] == [
        (1, 500),
        (2, 200),
    ]
    assert WebhookSubscription.objects.get().failure_count == 0


@pytest.mark.parametrize(
    ("receiver_options", "error"),
    [
        ({"statuses": [302]}, "redirects are not followed"),
        ({"statuses": [200], "trickle": True}, "took too long"),
        ({"statuses": [200], "delay": 4}, "timed out"),
    ],
    ids=["redirect", "trickle", "timeout"],
)
def test_misbehaving_receivers_are_failed_tries(owner, zhao, tmp_path, settings, receiver_options, error):
    settings.NOTIFY_WEBHOOK_TIMEOUT = 2
    with Receiver(**receiver_options) as receiver:
        subscribe(owner, receiver.url, kind="entity", entity="changpeng-zhao")
        started = timezone.now()
        add_event(zhao)
        assert timezone.now() - started < datetime.timedelta(seconds=1), "the write waited on the receiver"
        run_worker(tmp_path)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert error in delivery.error
    # Bounded by twice the timeout, however the receiver behaves (the worker process uses 2 s too).
    assert delivery.attempt_log.get().duration_ms < 5000


def test_a_webhook_failing_every_try_is_disabled_and_its_owner_told(owner, zhao, tmp_path):
    with Receiver(statuses=[500]) as receiver:
        subscribe(owner, receiver.url, kind="entity", entity="changpeng-zhao")
        add_event(zhao)
        run_worker(tmp_path)
        for _ in range(MAX_ATTEMPTS - 1):
            fast_forward()
            run_worker(tmp_path)
        add_event(zhao, key="after-disabling")
        run_worker(tmp_path)

    assert len(receiver.requests) == MAX_ATTEMPTS
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.GAVE_UP, MAX_ATTEMPTS)
    subscription = WebhookSubscription.objects.get()
    assert not subscription.enabled and "failed all 8 tries" in subscription.disabled_reason
    notices = [sent for sent in sent_emails(tmp_path) if "disabled" in sent[0]]
    assert len(notices) == 1 and notices[0][2] == ["compliance@example.org"]


def test_test_delivery_reaches_the_receiver(owner, tmp_path):
    with Receiver() as receiver:
        webhook = subscribe(owner, receiver.url, kind="deadline", window_days=30)
        response = owner.post(reverse("api:webhook-test", args=[webhook["id"]]))
        assert response.status_code == 202
        run_worker(tmp_path)
    assert [payload["type"] for payload in receiver.payloads()] == ["webhook.test"]
