"""The audit trail of every record through the API: who changed which field from what to what, newest first."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline import models

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return factories.SourceFactory(key="s")


def history_url(name, lookup):
    return reverse(f"api:{name}-history", args=[lookup])


def patch(client, url, body):
    response = client.patch(url, body, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 200, response.content
    return response


def changes_of(entry):
    return {change["field"]: (change["old"], change["new"]) for change in entry["changes"]}


# Every resource has its trail


def entity(source):
    return factories.EntityFactory(slug="acme"), "acme", "name"


def case(source):
    return factories.CaseFactory(slug="one", sources=[source]), "one", "title"


def action(source):
    return factories.EnforcementActionFactory(slug="one", sources=[source]), "one", "caption"


def settlement(source):
    return factories.SettlementFactory(slug="one", sources=[source]), "one", "title"


def sentence(source):
    record = factories.SentenceFactory(sources=[source])
    return record, record.pk, "facility"


def pardon_request(source):
    return factories.PardonRequestFactory(slug="one", sources=[source]), "one", "summary"


def source_record(source):
    return factories.SourceFactory(key="other"), "other", "title"


def event(source):
    return factories.EventFactory(key="one", sources=[source]), "one", "title"


RESOURCES = {
    "entity": entity,
    "case": case,
    "action": action,
    "settlement": settlement,
    "sentence": sentence,
    "pardon-request": pardon_request,
    "source": source_record,
    "event": event,
}


def grow_history(record, field, changes):
    """Save ``record`` ``changes`` times, each time with a new value of ``field``."""
    for number in range(changes):
        setattr(record, field, f"Version {number + 1}")
        record.save()


# Resources whose factory cites the source after creating the record: that is an entry of its own.
CITED_ON_CREATION = {"case", "action", "settlement", "sentence", "pardon-request", "event"}

# Many-to-many fields each resource's trail snapshots: one query each reads them for a whole page.
RELATION_FIELDS = {
    "entity": 1,
    "case": 2,
    "action": 1,
    "settlement": 1,
    "sentence": 1,
    "pardon-request": 3,
    "source": 0,
    "event": 2,
}
# A record written with nested items: the entry after the page, and each nested list's trail (a list whose
# owners are items of another list, credits of components, costs nothing while that list is empty).
NESTED_LISTS = {"action": 1 + 2, "settlement": 1 + 3, "pardon-request": 1 + 1}


@pytest.mark.parametrize("name", RESOURCES)
def test_every_resource_lists_its_changes_newest_first(name, source, viewer):
    record, lookup, field = RESOURCES[name](source)
    before = getattr(record, field)
    grow_history(record, field, 2)

    response = viewer.get(history_url(name, lookup))

    assert response.status_code == 200, response.content
    results = response.json()["results"]
    cited = name in CITED_ON_CREATION
    assert [entry["type"] for entry in results] == ["changed", "changed", *["changed"] * cited, "created"]
    assert changes_of(results[0]) == {field: ("Version 1", "Version 2")}
    assert changes_of(results[1]) == {field: (before, "Version 1")}
    if cited:
        assert changes_of(results[2]) == {"sources": ([], ["s"])}
    assert all(old is None for old, _ in changes_of(results[-1]).values())
    dates = [entry["date"] for entry in results]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize("name", RESOURCES)
def test_query_count_does_not_grow_with_the_page(name, size, source, django_assert_num_queries):
    record, lookup, field = RESOURCES[name](source)
    grow_history(record, field, size)
    client = APIClient()
    client.force_authenticate(factories.UserFactory(username="reader"))
    # The record's id, the page of entries with their users, the entry before the page's oldest,
    # the related records each many-to-many field held (one query per field), inside the request's
    # savepoint (opened and released), and the trails of nested items.
    with django_assert_num_queries(5 + RELATION_FIELDS[name] + NESTED_LISTS.get(name, 0)):
        response = client.get(history_url(name, lookup), {"page_size": size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == size


# Who, what, when, why


def test_api_changes_name_the_user_and_each_field_old_and_new(source, editor, viewer):
    body = {"slug": "acme", "name": "Acme", "kind": "company", "country": "US"}
    assert editor.post(reverse("api:entity-list"), body, format="json").status_code == 201
    url = reverse("api:entity-detail", args=["acme"])
    patch(editor, url, {"name": "Acme Holdings", "country": "GB", "description": "Exchange operator."})

    results = viewer.get(history_url("entity", "acme")).json()["results"]

    changed, created = results
    assert (changed["type"], changed["user"], created["type"], created["user"]) == (
        "changed",
        "alice",
        "created",
        "alice",
    )
    assert changes_of(changed) == {
        "country": ("US", "GB"),
        "description": ("", "Exchange operator."),
        "name": ("Acme", "Acme Holdings"),
    }
    assert changes_of(created) == {
        "country": (None, "US"),
        "kind": (None, "company"),
        "name": (None, "Acme"),
        "slug": (None, "acme"),
    }
    assert changed["history_id"] > created["history_id"]
    assert datetime.datetime.fromisoformat(changed["date"]) >= datetime.datetime.fromisoformat(created["date"])


def test_change_reason_and_changes_without_a_user(source, viewer):
    record = factories.CaseFactory(slug="one", sources=[source], title="Before")
    record.title = "After"
    record._change_reason = "Corrected from the court's order"
    record.save()

    latest = viewer.get(history_url("case", "one")).json()["results"][0]

    assert latest["change_reason"] == "Corrected from the court's order"
    assert latest["user"] is None
    assert changes_of(latest) == {"title": ("Before", "After")}


def test_values_are_json_exact_decimals_iso_dates_and_ids(source, viewer):
    record = factories.SentenceFactory(sources=[source], fine_amount=None)
    defendant = factories.PersonFactory()
    record.fine_amount = Decimal("250000.00")
    record.sentenced_on = D(2024, 5, 2)
    record.defendant = defendant
    record.save()

    latest = viewer.get(history_url("sentence", record.pk)).json()["results"][0]

    changes = changes_of(latest)
    assert changes["fine_amount"] == (None, "250000.00")
    assert changes["sentenced_on"] == ("2024-04-30", "2024-05-02")
    assert changes["defendant"][1] == defendant.pk


def test_a_deleted_record_keeps_its_trail_under_its_former_identifier(source, editor, viewer):
    factories.EntityFactory(slug="gone", name="Gone Ltd")
    url = reverse("api:entity-detail", args=["gone"])
    assert editor.delete(url, HTTP_IF_MATCH=editor.get(url)["ETag"]).status_code == 204

    response = viewer.get(history_url("entity", "gone"))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [entry["type"] for entry in results] == ["deleted", "created"]
    assert results[0]["user"] == "alice"


# Pages


def test_pages_follow_each_other_and_diff_across_page_boundaries(source, viewer):
    record = factories.EventFactory(key="one", title="Version 0", sources=[source])
    grow_history(record, "title", 6)
    url = history_url("event", "one")

    entries = []
    response = viewer.get(url, {"page_size": 2})
    while True:
        body = response.json()
        assert len(body["results"]) <= 2
        entries.extend(body["results"])
        if not body["next"]:
            break
        assert f'<{body["next"]}>; rel="next"' in response["Link"]
        response = viewer.get(body["next"])

    # Created, cited, then six new titles.
    assert len(entries) == 8
    assert len({entry["history_id"] for entry in entries}) == 8
    # Each entry diffs against the one just before it, even when that one is on the next page.
    for number, entry in enumerate(entries[:6]):
        assert changes_of(entry) == {"title": (f"Version {5 - number}", f"Version {6 - number}")}
    assert changes_of(entries[6]) == {"sources": ([], ["s"])}


# Access and errors


def test_the_trail_is_for_authenticated_users_only(source, viewer):
    factories.EntityFactory(slug="acme")
    url = history_url("entity", "acme")
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, {}, format="json").status_code == 405


def test_unknown_records_parameters_and_cursors_are_refused(source, viewer):
    factories.EntityFactory(slug="acme")
    assert viewer.get(history_url("entity", "nobody")).status_code == 404
    unknown = viewer.get(history_url("entity", "acme"), {"user": "alice"})
    assert unknown.status_code == 400
    assert "user" in unknown.json()
    assert viewer.get(history_url("entity", "acme"), {"cursor": "garbage"}).status_code == 400
    assert viewer.get(history_url("entity", "acme"), {"page_size": 0}).status_code == 400


def test_child_rows_have_their_own_trail_and_show_in_the_parents(source, viewer):
    """A settlement's own fields are in its entries; its components' changes are listed in ``nested``."""
    record = factories.SettlementFactory(slug="one", sources=[source])
    component = factories.SettlementComponentFactory(settlement=record)
    component.amount = Decimal("1.00")
    component.save()
    results = viewer.get(history_url("settlement", "one")).json()["results"]
    assert [entry["type"] for entry in results] == ["changed", "created"]
    assert changes_of(results[0]) == {"sources": ([], ["s"])}
    nested = results[0]["nested"]
    assert [(item["list"], item["item"], item["type"]) for item in nested] == [
        ("components", {"key": component.key}, "created"),
        ("components", {"key": component.key}, "changed"),
        ("components", {"key": component.key}, "changed"),
    ]
    assert {"field": "sources", "old": [], "new": [component.sources.get().key]} in nested[1]["changes"]
    assert nested[2]["changes"] == [{"field": "amount", "old": str(nested[0]["changes"][0]["new"]), "new": "1.00"}]
    # Created, cited by the factory, then the amount.
    assert models.SettlementComponent.audit_trail.filter(id=component.pk).count() == 3


def test_csv_has_one_row_per_entry(source, viewer):
    record = factories.EntityFactory(slug="acme", name="Acme")
    record.name = "Acme Holdings"
    record.save()
    response = viewer.get(history_url("entity", "acme"), {"format": "csv"})
    assert response.status_code == 200
    header, *rows = response.content.decode().strip().splitlines()
    assert header == "history_id,date,type,user,change_reason,changes,nested"
    assert len(rows) == 2
    assert "name (Acme, Acme Holdings)" in rows[0]
