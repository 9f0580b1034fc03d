"""Saved searches emailed as digests, and deadline reminders, with the real task worker."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from tests.notify_support import Receiver, fast_forward, run_worker, sent_emails
from timeline.models.money import SettlementKind
from timeline.notify.models import ScheduledJob
from timeline.notify.selectors.deadlines import today

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner():
    user = factories.UserFactory(username="compliance", email="compliance@example.org")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def save_search(client, **fields):
    response = client.post(reverse("api:saved-search-list"), fields, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def run_due(job, mail_dir):
    """Make a recurring job due, as if its hour had come, and let the worker run it."""
    run_worker(mail_dir)  # the worker queues the schedule and matches what changed so far
    ScheduledJob.objects.filter(name=job).update(next_run_at=timezone.now() - datetime.timedelta(seconds=1))
    assert fast_forward("schedule_run") == 1
    run_worker(mail_dir)


def test_daily_digest_lists_a_saved_search_new_match_once(owner, tmp_path):
    zhao = factories.PersonFactory(slug="changpeng-zhao", name="Changpeng Zhao")
    save_search(owner, name="CZ", kind="filters", query={"entity": "changpeng-zhao"}, rate="dly")
    save_search(owner, name="pleas", kind="text", query={"q": "pleads guilty"}, rate="dly")
    with transaction.atomic():
        factories.EventFactory(key="zhao-sentenced", title="Zhao sentenced to four months", entities=[zhao])
        factories.EventFactory(key="unrelated", title="Another firm settles")

    run_due("digests-daily", tmp_path)
    emails = sent_emails(tmp_path)
    assert [(subject, to) for subject, _, to in emails] == [
        ("timeline: 1 for your saved search “CZ”", ["compliance@example.org"])
    ]
    assert "Zhao sentenced to four months" in emails[0][1]
    assert "Another firm settles" not in emails[0][1]

    run_due("digests-daily", tmp_path)
    assert len(sent_emails(tmp_path)) == 1, "a match already sent is not sent again"


def test_real_time_saved_search_is_emailed_after_the_change(owner, tmp_path):
    save_search(owner, name="Zhao", kind="screening", query={"q": "zhao"}, rate="rt")
    zhao = factories.PersonFactory(slug="changpeng-zhao", name="Changpeng Zhao")
    with transaction.atomic():
        factories.EventFactory(key="zhao-pardoned", title="Pardon granted", entities=[zhao])
    run_worker(tmp_path)
    emails = sent_emails(tmp_path)
    assert len(emails) == 1 and "Pardon granted" in emails[0][1]


def deadlines_world():
    day = today()
    action = factories.EnforcementActionFactory(slug="binance-doj")
    factories.ActionPartyFactory(action=action, entity=factories.EntityFactory(slug="binance-holdings"))
    settlement = factories.SettlementFactory(slug="binance-plea", action=action)
    dpa = factories.SettlementFactory(slug="some-dpa", kind=SettlementKind.DEFERRED_PROSECUTION, action=action)
    with transaction.atomic():
        factories.MonitorFactory(
            key="binance-monitor",
            settlement=settlement,
            start_date=day - datetime.timedelta(days=1000),
            end_date=day + datetime.timedelta(days=20),
        )
        factories.MonitorFactory(
            key="later-monitor", settlement=settlement, start_date=day, end_date=day + datetime.timedelta(days=45)
        )
        factories.RestrictionFactory(
            key="dpa-undertaking",
            settlement=dpa,
            kind="undertaking",
            is_permanent=False,
            end_date=day + datetime.timedelta(days=5),
        )
        factories.SentenceFactory(
            action=action,
            defendant=factories.PersonFactory(slug="changpeng-zhao"),
            scheduled_release_on=day + datetime.timedelta(days=29),
        )


def test_deadlines_api_lists_what_ends_within_the_window(client):
    deadlines_world()
    url = reverse("api:deadline-list")
    found = client.get(url, {"within_days": 30}).json()
    assert [(row["kind"], row["key"]) for row in found] == [
        ("dpa_term", "dpa-undertaking"),
        ("monitorship", "binance-monitor"),
        ("scheduled_release", found[2]["key"]),
    ]
    assert found[1]["days_left"] == 20 and found[1]["entities"] == ["binance-holdings"]
    assert [row["key"] for row in client.get(url, {"within_days": 60, "kind": "monitorship"}).json()] == [
        "binance-monitor",
        "later-monitor",
    ]
    assert [row["kind"] for row in client.get(url, {"entity": "changpeng-zhao"}).json()] == ["scheduled_release"]


def test_a_monitorship_ending_within_30_days_triggers_its_reminder(owner, tmp_path, admin_client):
    with Receiver() as receiver:
        response = owner.post(
            reverse("api:webhook-list"), {"url": receiver.url, "kind": "deadline", "window_days": 30}, format="json"
        )
        assert response.status_code == 201, response.content
        deadlines_world()
        run_worker(tmp_path)
        run_due("reminders", tmp_path)  # the daily run finds them already told

    told = sorted((payload["type"], payload["data"]["deadline"]["key"]) for payload in receiver.payloads())
    assert told[:2] == [("deadline.approaching", "binance-monitor"), ("deadline.approaching", "dpa-undertaking")]
    assert len(told) == 3 and "later-monitor" not in str(told)
    page = admin_client.get(reverse("admin:timeline_notify_deadlines"), {"within_days": 30})
    assert page.status_code == 200
    assert b"binance-monitor" not in page.content and b"Monitorship under" in page.content


def test_deadline_saved_search_is_emailed_daily(owner, tmp_path):
    save_search(owner, name="Ending soon", kind="deadlines", query={"within_days": 30}, rate="dly")
    deadlines_world()
    run_due("digests-daily", tmp_path)
    ((subject, body, _),) = sent_emails(tmp_path)
    assert subject == "timeline: 3 for your saved search “Ending soon”"
    assert "Monitorship under" in body and "(20 days)" in body
