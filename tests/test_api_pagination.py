"""Numbered pages of the record lists: counts exact up to a cap, pages past it, links and query counts."""

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline.api.pagination import COUNT_CAP

pytestmark = pytest.mark.django_db
URL = "api:source-list"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def eight_sources():
    return [factories.SourceFactory(key=f"source-{n}") for n in range(1, 9)]


def keys(response):
    assert response.status_code == 200, response.content
    return [row["key"] for row in response.json()["results"]]


def test_the_default_cap_is_ten_thousand():
    assert COUNT_CAP == 10_000


def test_count_is_exact_below_the_cap(api, eight_sources):
    with override_settings(API_COUNT_CAP=8):
        data = api.get(reverse(URL), {"page_size": 3}).json()
    assert (data["count"], data["count_is_exact"]) == (8, True)
    assert [row["key"] for row in data["results"]] == ["source-1", "source-2", "source-3"]


def test_count_stops_at_the_cap(api, eight_sources):
    with override_settings(API_COUNT_CAP=5):
        first = api.get(reverse(URL), {"page_size": 2})
        last = api.get(reverse(URL), {"page_size": 2, "page": 4})
    for response in (first, last):
        data = response.json()
        assert (data["count"], data["count_is_exact"]) == (5, False)
    assert keys(last) == ["source-7", "source-8"]


def test_pages_past_the_cap_are_served_and_linked(api, eight_sources):
    with override_settings(API_COUNT_CAP=5):
        third = api.get(reverse(URL), {"page_size": 2, "page": 3})
        assert keys(third) == ["source-5", "source-6"]
        data = third.json()
        assert "page=4" in data["next"]
        assert third["Link"] == f'<{data["next"]}>; rel="next", <{data["previous"]}>; rel="prev"'
        fourth = api.get(data["next"])
        assert keys(fourth) == ["source-7", "source-8"]
        assert fourth.json()["next"] is None
        assert fourth["Link"] == f'<{fourth.json()["previous"]}>; rel="prev"'
        beyond = api.get(reverse(URL), {"page_size": 2, "page": 5})
    assert beyond.status_code == 404
    assert beyond.json() == {"detail": "Invalid page."}


def test_next_link_only_when_a_further_row_exists(api, eight_sources):
    exactly = api.get(reverse(URL), {"page_size": 4, "page": 2})
    assert keys(exactly) == ["source-5", "source-6", "source-7", "source-8"]
    assert exactly.json()["next"] is None
    assert 'rel="next"' not in exactly["Link"]
    single = api.get(reverse(URL), {"page_size": 8})
    assert single.json()["next"] is None and single.json()["previous"] is None
    assert not single.has_header("Link")


def test_an_empty_list_is_an_exact_zero_on_page_one(api):
    data = api.get(reverse(URL)).json()
    assert (data["count"], data["count_is_exact"], data["results"]) == (0, True, [])
    assert api.get(reverse(URL), {"page": 2}).status_code == 404


def test_last_page_with_an_exact_count(api, eight_sources):
    response = api.get(reverse(URL), {"page_size": 3, "page": "last"})
    assert keys(response) == ["source-7", "source-8"]
    assert response.json()["count_is_exact"] is True
    assert "page=2" in response.json()["previous"]


def test_last_page_past_the_cap_is_a_400_naming_page(api, eight_sources):
    with override_settings(API_COUNT_CAP=5):
        response = api.get(reverse(URL), {"page_size": 3, "page": "last"})
    assert response.status_code == 400
    assert list(response.json()) == ["page"]
    assert "exact count" in response.json()["page"][0]


def test_an_absurd_page_number_is_a_404(api, eight_sources):
    assert api.get(reverse(URL), {"page": str(10**30)}).status_code == 404


def test_csv_pages_past_the_cap_carry_link_headers(api, eight_sources):
    with override_settings(API_COUNT_CAP=5):
        response = api.get(reverse(URL), {"format": "csv", "page_size": 2, "page": 3})
    assert response.status_code == 200
    assert response.content.decode().splitlines()[1].split(",")[1] == "source-5"
    assert 'rel="next"' in response["Link"] and 'rel="prev"' in response["Link"]


def query_count(django_assert_max_num_queries, api, params):
    with django_assert_max_num_queries(100) as context:
        response = api.get(reverse(URL), params)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize(("cap", "sizes"), [(10_000, (2, 50)), (5, (6, 50))], ids=["counted", "past-the-cap"])
def test_queries_do_not_grow_with_the_page_size(api, django_assert_max_num_queries, cap, sizes):
    factories.SourceFactory.create_batch(60)
    with override_settings(API_COUNT_CAP=cap):
        counts = [query_count(django_assert_max_num_queries, api, {"page_size": size}) for size in sizes]
    assert counts[0] == counts[1]


def test_a_list_that_fits_on_its_page_runs_no_count(api, django_assert_max_num_queries, eight_sources):
    fits = query_count(django_assert_max_num_queries, api, {"page_size": 8})
    more = query_count(django_assert_max_num_queries, api, {"page_size": 7})
    with override_settings(API_COUNT_CAP=5):
        past_the_cap = query_count(django_assert_max_num_queries, api, {"page_size": 7})
    assert more == fits + 1  # the capped COUNT
    assert past_the_cap == fits  # the page alone shows the cap is passed


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_empty_timeline_page_is_a_404_only_for_an_unknown_subject(api, fmt):
    factories.CaseFactory(slug="quiet-case")
    factories.EntityFactory(slug="quiet-entity")
    for name, slug in (("api:case-timeline", "quiet-case"), ("api:entity-timeline", "quiet-entity")):
        empty = api.get(reverse(name, kwargs={"slug": slug}), {"format": fmt})
        assert empty.status_code == 200
        assert api.get(reverse(name, kwargs={"slug": "no-such-" + slug}), {"format": fmt}).status_code == 404
    related = api.get(reverse("api:entity-timeline", kwargs={"slug": "quiet-entity"}), {"include_related": "true"})
    assert related.json()["results"] == []


def test_the_browsable_api_pages_past_the_cap(api, eight_sources):
    with override_settings(API_COUNT_CAP=5):
        response = api.get(reverse(URL), {"page_size": 2, "page": 4}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"source-8" in response.content
    assert b"page=3" in response.content  # the previous-page control
