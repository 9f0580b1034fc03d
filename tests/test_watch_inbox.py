"""The inbox flows on the curated data: a watch run fills it, an editor accepts a multi-agency release
(components, parties and events reach the API and the case page, citing the release), merges a
follow-up release into an existing action, rejects one with a reason; refused decisions write nothing."""

import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.watch_server import SAMPLES
from tests.write_payloads import row_counts
from timeline.models import EnforcementAction, Entity, Event, Source
from timeline.watch.forms import AcceptForm
from timeline.watch.models import InboxItem, ItemStatus
from timeline.watch.publishers import publishers
from timeline.watch.publishers.base import Release
from timeline.watch.services import inbox_item_record

CFTC = "CFTC-PR-8825-23"


@pytest.fixture
def inbox(curated_data):
    call_command("watch_agencies", "--from-dir", str(SAMPLES), stdout=StringIO())
    return {item.release_id: item for item in InboxItem.objects.all()}


@pytest.fixture
def editor_client(db):
    user = factories.StaffUserFactory(username="inbox-editor")
    user.groups.add(Group.objects.get(name="editor"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def viewer_client(db):
    user = factories.StaffUserFactory(username="inbox-viewer")
    user.groups.add(Group.objects.get(name="viewer"))
    client = Client()
    client.force_login(user)
    return client


def post_data(form, **changes):
    """What a browser submits for ``form`` left as prefilled, with ``changes`` applied."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool) or field.widget.input_type == "checkbox":
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else getattr(value, "pk", value)
        if isinstance(value, date):
            data[name] = value.isoformat()
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def errors_shown(response):
    return re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode(), re.S)


def accept_form(item):
    return AcceptForm(item=item, publisher=publishers()[item.publisher])


def test_a_run_over_the_curated_data_finds_the_known_parties(inbox):
    cftc = inbox[CFTC]
    names = [party["value"] for party in cftc.candidates["parties"]]
    assert "Binance" in names and "Changpeng Zhao" in names
    form = accept_form(cftc)
    matched = {party["value"]: [entity.slug for entity in found] for _, party, found, _ in form.party_rows}
    assert matched["Binance"] == ["binance-holdings"]
    assert matched["Changpeng Zhao"] == ["changpeng-zhao"]


def test_accepting_the_cftc_release_records_components_parties_and_events_citing_it(inbox, editor_client):
    item = inbox[CFTC]
    form = accept_form(item)
    parties = {party["value"]: index for index, party, _, _ in form.party_rows}
    amounts = {index: amount for index, amount, _ in form.amount_rows}
    # The prefilled form leaves out the totals and includes the three payments.
    included = [index for index in amounts if form.fields[f"amount_{index}_include"].initial]
    assert [(amounts[i]["value"], amounts[i]["kind"]) for i in included] == [
        ("1350000000", "disgorgement"),
        ("1350000000", "civil_money_penalty"),
        ("150000000", "civil_money_penalty"),
    ]
    changes = {f"party_{i}_include": None for i in range(len(form.party_rows)) if i not in parties.values()}
    changes.update({f"amount_{i}_payer": str(parties["Binance"]) for i in included})
    changes[f"amount_{included[2]}_payer"] = str(parties["Changpeng Zhao"])
    changes["case"] = "binance-changpeng-zhao"
    changes["court"] = str(Entity.objects.get(slug="usdc-nd-ill").pk)
    changes["docket_number"] = "1:23-cv-01887"  # the curated CFTC action already holds this docket

    before = row_counts()
    url = reverse("admin:timeline_watch_inboxitem_accept", args=[item.pk])
    refused = editor_client.post(url, post_data(form, **changes))
    assert refused.status_code == 400
    assert any("already" in error or "docket" in error.lower() for error in errors_shown(refused)), errors_shown(
        refused
    )
    assert row_counts() == before
    item.refresh_from_db()
    assert item.status == ItemStatus.NEW

    changes.update(court="", docket_number="")
    accepted = editor_client.post(url, post_data(form, **changes))
    assert accepted.status_code == 302, errors_shown(accepted)
    item.refresh_from_db()
    assert item.status == ItemStatus.ACCEPTED
    source = Source.objects.get(url="https://www.cftc.gov/PressRoom/PressReleases/8825-23", key=item.source.key)
    action = item.action
    assert action.case.slug == "binance-changpeng-zhao"
    assert list(action.sources.all()) == [source]

    api = APIClient()
    body = api.get(reverse("api:action-detail", args=[action.slug])).json()
    assert {party["entity"]["slug"] for party in body["parties"]} == {"binance-holdings", "changpeng-zhao"}
    settlement = action.settlements.get()
    components = sorted(
        (component.payer.slug, component.kind, component.amount, component.is_approximate)
        for component in settlement.components.all()
    )
    assert components == [
        ("binance-holdings", "civil_money_penalty", Decimal("1350000000.00"), False),
        ("binance-holdings", "disgorgement", Decimal("1350000000.00"), False),
        ("changpeng-zhao", "civil_money_penalty", Decimal("150000000.00"), False),
    ]
    assert all(list(component.sources.all()) == [source] for component in settlement.components.all())
    settlement_body = api.get(reverse("api:settlement-detail", args=[settlement.slug])).json()
    assert "1350000000" in str(settlement_body)
    events = Event.objects.filter(sources=source)
    # Filed and resolved (settled) the day of the release; the settlement's own event is the resolution's.
    assert {event.fact_field for event in events} == {"action_filed", "action_resolved"}
    page = api.get(reverse("pages:case-detail", args=["binance-changpeng-zhao"]))
    assert source.url in page.content.decode()


def test_merging_the_sec_dismissal_adds_its_event_to_the_existing_action(inbox, editor_client):
    item = inbox["LR-26316"]
    action = EnforcementAction.objects.get(slug="sec-v-binance")
    review = editor_client.get(reverse("admin:timeline_watch_inboxitem_change", args=[item.pk]))
    assert review.status_code == 200
    # The docket the release names picks the action; the words pick the event type.
    assert review.context["forms"]["merge"].initial["action"] == action.slug
    assert review.context["forms"]["merge"].initial["event_type"] == "dismissal"
    data = {
        "action": action.slug,
        "event_type": "dismissal",
        "event_date": "2025-05-29",
        "event_title": item.title,
        "new_status": "",
        "resolved_on": "",
    }
    response = editor_client.post(reverse("admin:timeline_watch_inboxitem_merge", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.action) == (ItemStatus.MERGED, action)
    event = Event.objects.get(sources=item.source)
    assert (event.case, event.date, event.event_type) == (action.case, date(2025, 5, 29), "dismissal")
    assert item.source in action.sources.all()
    body = APIClient().get(reverse("api:event-detail", args=[event.key])).json()
    assert body["title"] == item.title and item.url in str(body)


def test_a_merge_with_a_bad_status_change_writes_nothing(inbox, editor_client):
    item = inbox["LR-26316"]
    action = EnforcementAction.objects.get(slug="sec-v-binance")
    before = row_counts()
    data = {
        "action": action.slug,
        "event_type": "dismissal",
        "event_date": "2025-05-29",
        "event_title": item.title,
        "new_status": "dismissed_with_prejudice",
        "resolved_on": "2020-01-01",  # before the action was filed
    }
    response = editor_client.post(reverse("admin:timeline_watch_inboxitem_merge", args=[item.pk]), data)
    assert response.status_code == 400
    assert "resolved_on" in str(errors_shown(response)) or "resolution" in str(errors_shown(response))
    assert row_counts() == before
    item.refresh_from_db()
    assert item.status == ItemStatus.NEW


def test_reject_needs_a_reason_and_keeps_it(inbox, editor_client):
    item = inbox["FinCEN-2023-04"]
    url = reverse("admin:timeline_watch_inboxitem_reject", args=[item.pk])
    assert editor_client.post(url, {"reason": ""}).status_code == 400
    item.refresh_from_db()
    assert item.status == ItemStatus.NEW
    assert editor_client.post(url, {"reason": "Already recorded as the FinCEN consent order."}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.reject_reason) == (ItemStatus.REJECTED, "Already recorded as the FinCEN consent order.")
    # A decided item is not decided again, and a later run leaves it alone.
    assert editor_client.post(url, {"reason": "again"}).status_code == 400
    call_command("watch_agencies", "--from-dir", str(SAMPLES), stdout=StringIO())
    item.refresh_from_db()
    assert item.status == ItemStatus.REJECTED


def test_viewers_read_the_review_page_but_cannot_decide(inbox, viewer_client):
    item = inbox["OFAC-20231121"]
    page = viewer_client.get(reverse("admin:timeline_watch_inboxitem_change", args=[item.pk]))
    assert page.status_code == 200
    assert b'id="accept-form"' not in page.content
    assert b'<mark class="watch-mark watch-amounts" id="cand-amounts-0"' in page.content
    before = row_counts()
    for decision in ("accept", "merge", "reject"):
        url = reverse(f"admin:timeline_watch_inboxitem_{decision}", args=[item.pk])
        assert viewer_client.post(url, {"reason": "no"}).status_code == 403
    assert row_counts() == before


def test_review_page_marks_values_and_shows_a_changed_release(inbox, editor_client):
    item = inbox["OFAC-20231121"]
    changed = Release(item.release_id, item.url, item.title, item.published_on, "A different text: $1 million.")
    assert inbox_item_record("ofac", changed) == "changed"
    page = editor_client.get(reverse("admin:timeline_watch_inboxitem_change", args=[item.pk])).content.decode()
    assert '<mark class="watch-mark watch-amounts" id="cand-amounts-0" title="amount">$968,618,825</mark>' in page
    assert 'id="watch-changed"' in page and "A different text: $1 million." in page
    assert 'data-candidate="cand-amounts-0"' in page


def test_inbox_changelist_filters_and_pinned_queries(inbox, editor_client, django_assert_num_queries):
    url = reverse("admin:timeline_watch_inboxitem_changelist")
    # session, user, permissions, the filtered page, the date hierarchy and the admin's chrome; no query per row
    with django_assert_num_queries(10):
        response = editor_client.get(url, {"publisher": "sec", "status": "new", "has_amounts__exact": "0"})
    assert response.status_code == 200
    assert [row.release_id for row in response.context["cl"].result_list] == ["LR-26316"]
    with_amounts = editor_client.get(url, {"has_amounts__exact": "1"}).context["cl"].result_list
    assert {row.release_id for row in with_amounts} == {
        "DOJ-binance-and-ceo-plead-guilty-federal-charges-4b-resolution",
        "CFTC-PR-8825-23",
        "OFAC-20231121",
    }


def test_a_failed_item_cannot_be_accepted(inbox, editor_client):
    from timeline.watch.publishers.base import Failure
    from timeline.watch.services import inbox_item_fail

    inbox_item_fail("sec", Failure("page without content", release_id="LR-99999"))
    item = InboxItem.objects.get(release_id="LR-99999")
    page = editor_client.get(reverse("admin:timeline_watch_inboxitem_change", args=[item.pk]))
    assert b"page without content" in page.content and b'id="accept-form"' not in page.content
    response = editor_client.post(reverse("admin:timeline_watch_inboxitem_reject", args=[item.pk]), {"reason": "x"})
    assert response.status_code == 400


def test_release_text_is_escaped_on_the_review_page(inbox, editor_client):
    hostile = Release("LR-1", "https://www.sec.gov/x", "<script>alert(1)</script>", None, "Pay $5 <b>now</b>.")
    inbox_item_record("sec", hostile)
    item = InboxItem.objects.get(release_id="LR-1")
    page = editor_client.get(reverse("admin:timeline_watch_inboxitem_change", args=[item.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>now</b>" not in page and ">$5</mark> &lt;b&gt;now&lt;/b&gt;" in page
