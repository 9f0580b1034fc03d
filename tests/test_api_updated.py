"""Incremental reads: updated_after / updated_before on every list, in (updated_at, id) order with cursor
pages; bad values and a conflicting ordering are a 400 naming the parameter."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import shared_rows
from tests.write_payloads import RESOURCES, build_world
from timeline.models import Case, Entity

# Each list, the model field its rows are named by, and the key that field has in a list row.
LOOKUP = {
    "entity": ("slug", "slug"),
    "case": ("slug", "slug"),
    "action": ("slug", "slug"),
    "settlement": ("slug", "slug"),
    "sentence": ("pk", "id"),
    "pardon-request": ("slug", "slug"),
    "source": ("key", "key"),
    "event": ("key", "key"),
}
BASE = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)


def build():
    build_world()
    # Spread the update times: three records share each time, so ties must be ordered by id.
    for resource in RESOURCES:
        ids = list(resource.model.objects.order_by("pk").values_list("pk", flat=True))
        for index, pk in enumerate(ids):
            stamp = BASE + datetime.timedelta(hours=index // 3)
            resource.model.objects.filter(pk=pk).update(updated_at=stamp)


shared_updates = shared_rows(build)


@pytest.fixture
def updates(shared_updates, db):
    shared_updates.data()


def read_all(url, params):
    """Every row of a list, following the next links; the row keys in order and the number of pages."""
    client = APIClient()
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    rows, pages = [], 0
    while True:
        body = response.json()
        rows += body["results"]
        pages += 1
        if not body["next"]:
            return rows, pages
        response = client.get(body["next"])
        assert response.status_code == 200


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_updated_window_lists_the_records_updated_in_it_in_update_order(updates, resource):
    field, key = LOOKUP[resource.name]
    after, before = BASE + datetime.timedelta(hours=1), BASE + datetime.timedelta(hours=3)
    expected = list(
        resource.model.objects.filter(updated_at__gte=after, updated_at__lt=before)
        .order_by("updated_at", "pk")
        .values_list(field, flat=True)
    )
    params = {"updated_after": after.isoformat(), "updated_before": before.isoformat(), "page_size": 2}
    rows, pages = read_all(resource.list_url(), params)
    assert [row[key] for row in rows] == expected
    assert pages == max(1, -(-len(expected) // 2))
    everything = list(resource.model.objects.order_by("updated_at", "pk").values_list(field, flat=True))
    rows, _ = read_all(resource.list_url(), {"updated_after": BASE.isoformat(), "page_size": 3})
    assert [row[key] for row in rows] == everything


def test_a_record_updated_while_paging_is_not_lost_or_repeated(updates):
    url = reverse("api:entity-list")
    client = APIClient()
    first = client.get(url, {"updated_after": BASE.isoformat(), "page_size": 2}).json()
    seen = [row["slug"] for row in first["results"]]
    assert first["next"]

    # An earlier record changes after the first page: it moves to the end, and is read there.
    moved = Entity.objects.get(slug=seen[0])
    moved.name = "Renamed while paging"
    moved.save()
    rest, _ = read_all(first["next"], {})
    slugs = seen + [row["slug"] for row in rest]
    assert slugs.count(moved.slug) == 2
    assert set(slugs) == set(Entity.objects.values_list("slug", flat=True))
    assert moved.updated_at > timezone.now() - datetime.timedelta(minutes=5)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"updated_after": "yesterday"}, "updated_after"),
        ({"updated_before": "2024-13-01T00:00:00Z"}, "updated_before"),
        ({"updated_after": "2024-01-01T00:00:00Z", "ordering": "name"}, "ordering"),
        ({"updated_after": "2024-01-01T00:00:00Z", "page": "2"}, "page"),
        ({"updated_after": "2024-01-01T00:00:00Z", "cursor": "garbled"}, "cursor"),
    ],
)
def test_bad_incremental_parameters_are_a_400_naming_them(db, params, field):
    response = APIClient().get(reverse("api:entity-list"), params)
    assert response.status_code == 400
    assert field in response.json()


def test_timelines_take_the_window_too(updates):
    case = Case.objects.get(slug="w-case")
    url = reverse("api:case-timeline", args=[case.slug])
    rows, _ = read_all(url, {"updated_after": BASE.isoformat()})
    expected = list(case.events.order_by("updated_at", "pk").values_list("key", flat=True))
    assert [row["key"] for row in rows] == expected
