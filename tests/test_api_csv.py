"""CSV pages read with ``.values()`` are the pages the serializers would write, cell for cell.

Each list is requested twice against the same rows: once on the flat path, once with it switched
off (``flat_csv = False``, the serializer path), and the two answers must be byte-identical.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from tests import factories
from timeline import models
from timeline.api.flat_csv import flat_columns
from timeline.api.renderers import safe_cell
from timeline.api.serializers.people import StatusChangeSerializer
from timeline.api.serializers.settlements import ComponentSummarySerializer, SettlementListSerializer
from timeline.api.views.actions import ActionViewSet, SettlementViewSet
from timeline.api.views.base import FlatCSVListMixin
from timeline.api.views.entities import CaseViewSet, EntityViewSet, SourceViewSet
from timeline.api.views.events import CaseTimelineView, EntityTimelineView, EventViewSet
from timeline.api.views.people import PardonRequestViewSet, SentenceViewSet
from timeline.selectors import records
from timeline.selectors.timelines import ordered_sources

D = datetime.date
pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("https://example.org","probe")'

LIST_VIEWS = [
    EntityViewSet,
    CaseViewSet,
    ActionViewSet,
    SettlementViewSet,
    SentenceViewSet,
    PardonRequestViewSet,
    SourceViewSet,
    EventViewSet,
    CaseTimelineView,
    EntityTimelineView,
]


@pytest.fixture
def api():
    return APIClient()


def both_paths(api, monkeypatch, url, params):
    flat = api.get(url, {"format": "csv", **params})
    monkeypatch.setattr(FlatCSVListMixin, "flat_csv", False)
    serialized = api.get(url, {"format": "csv", **params})
    monkeypatch.undo()
    assert flat.status_code == serialized.status_code == 200, flat.content
    return flat, serialized


def rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("view", LIST_VIEWS, ids=lambda view: view.__name__)
def test_every_list_compiles_to_flat_columns(view):
    request = Request(APIRequestFactory().get("/"))
    serializer_class = getattr(view, "list_serializer_class", None) or view.serializer_class
    serializer = serializer_class(context={"request": request, "format": None})
    assert flat_columns(serializer, serializer_class.Meta.model, view.csv_children) is not None


def test_a_method_field_keeps_the_serializer_path():
    serializer = StatusChangeSerializer(context={"request": Request(APIRequestFactory().get("/"))})
    assert flat_columns(serializer, models.PardonStatusChange, {"sources": ordered_sources}) is None


class WholesOnly(serializers.ListSerializer):
    def get_attribute(self, instance):
        return instance.components.filter(part_of__isnull=True)


class SettlementWholes(SettlementListSerializer):
    components = WholesOnly(child=ComponentSummarySerializer(), read_only=True)


def test_a_list_read_its_own_way_keeps_the_serializer_path():
    context = {"request": Request(APIRequestFactory().get("/"))}
    children = {"components": records.settlement_components}
    assert flat_columns(SettlementListSerializer(context=context), models.Settlement, children) is not None
    assert flat_columns(SettlementWholes(context=context), models.Settlement, children) is None


LISTS = ["entity", "case", "action", "settlement", "sentence", "pardon-request", "source", "event"]


@pytest.mark.parametrize("name", LISTS)
def test_flat_csv_matches_the_serializer_path_on_the_curated_data(api, monkeypatch, curated_data, name):
    flat, serialized = both_paths(api, monkeypatch, reverse(f"api:{name}-list"), {"page_size": 1000})
    assert flat.content == serialized.content
    assert len(rows(flat)) > 1


@pytest.mark.parametrize(
    ("url_name", "slug", "params"),
    [
        ("api:case-timeline", "binance-changpeng-zhao", {}),
        ("api:entity-timeline", "binance-holdings", {"include_related": "true"}),
    ],
)
def test_flat_csv_matches_the_serializer_path_on_timelines(api, monkeypatch, curated_data, url_name, slug, params):
    flat, serialized = both_paths(api, monkeypatch, reverse(url_name, kwargs={"slug": slug}), params)
    assert flat.content == serialized.content
    assert len(rows(flat)) > 1


@pytest.fixture
def awkward():
    """Empty optional relations, several children in tie-prone orders, and formulas in text."""
    court = factories.CourtFactory(slug="court", name="Court")
    authority = factories.AuthorityFactory(slug="formula-authority", name=FORMULA)
    action = factories.EnforcementActionFactory(
        slug="awkward", caption="-2+3 v. Someone", authority=authority, court=None, docket_number="", resolved_on=None
    )
    other = factories.EnforcementActionFactory(slug="heard", court=court, docket_number="@SUM(A1)")
    for slug, name in (("zed", "Zed"), ("alpha-2", "Alpha"), ("alpha-1", "Alpha")):
        factories.ActionPartyFactory(action=action, entity=factories.EntityFactory(slug=slug, name=name))
    factories.ActionPartyFactory(action=other, role=models.PartyRole.RELIEF_DEFENDANT)
    settlement = factories.SettlementFactory(slug="whole-and-parts", action=action)
    whole = factories.SettlementComponentFactory(settlement=settlement, key="b-whole")
    factories.SettlementComponentFactory(settlement=settlement, key="a-part", part_of=whole, amount=Decimal("1.50"))
    entity = factories.EntityFactory(slug="aliased", name="+Aliased", parent=authority)
    factories.EntityAliasFactory(entity=entity, alias="=alias")
    factories.EntityAliasFactory(entity=entity, alias="another")
    factories.SentenceFactory(action=action, custody_months=None, is_life_sentence=False)
    factories.SentenceFactory(action=other, custody_months=24)
    factories.EventFactory(key="dated", date=D(2024, 3, 1), entities=[entity, authority], case=None)
    return action


@pytest.mark.parametrize("name", LISTS)
def test_flat_csv_matches_the_serializer_path_on_awkward_rows(api, monkeypatch, awkward, name):
    flat, serialized = both_paths(api, monkeypatch, reverse(f"api:{name}-list"), {"page_size": 1000})
    assert flat.content == serialized.content


def test_pages_and_orderings_match_too(api, monkeypatch, awkward):
    factories.EnforcementActionFactory.create_batch(6)
    for params in ({"page_size": 3, "page": 2, "ordering": "caption"}, {"page_size": 2, "ordering": "-slug"}):
        flat, serialized = both_paths(api, monkeypatch, reverse("api:action-list"), params)
        assert flat.content == serialized.content
        assert flat["Link"] == serialized["Link"]


def test_formulas_are_written_as_text_and_numbers_as_numbers(api, awkward):
    actions = {row["slug"]: row for row in rows(api.get(reverse("api:action-list"), {"format": "csv"}))}
    assert actions["awkward"]["authority.name"] == f"'{FORMULA}"
    assert actions["awkward"]["caption"] == "'-2+3 v. Someone"
    assert actions["heard"]["docket_number"] == "'@SUM(A1)"
    assert actions["awkward"]["court.slug"] == ""
    entities = {row["slug"]: row for row in rows(api.get(reverse("api:entity-list"), {"format": "csv"}))}
    assert entities["aliased"]["name"] == "'+Aliased"
    assert entities["aliased"]["aliases"] == "'=alias; another"
    assert entities["aliased"]["parent"] == "formula-authority"


def test_children_keep_the_order_of_the_json_page(api, awkward):
    page = api.get(reverse("api:action-detail", args=["awkward"])).json()
    expected = "; ".join(f"{party['entity']['slug']} ({party['role']})" for party in page["parties"])
    row = next(row for row in rows(api.get(reverse("api:action-list"), {"format": "csv"})) if row["slug"] == "awkward")
    assert row["parties"] == expected
    settlement = rows(api.get(reverse("api:settlement-list"), {"format": "csv"}))[0]
    assert settlement["components"] == "b-whole; a-part"  # wholes before their parts, as in JSON


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-2.50", "-2.50"),
        ("+7", "+7"),
        ("plain", "plain"),
        (None, None),
        (-3, -3),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written
