"""Text search of the API (``?q=``) and of the public search page: each row once, matched by its own
columns or by the names and aliases of the entities it concerns, ignoring case, and on PostgreSQL
answered from the trigram indexes."""

import datetime

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline import models
from timeline.selectors.search import action_ids_matching, entity_ids_matching

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def found(api, name, text):
    response = api.get(reverse(f"api:{name}"), {"q": text, "page_size": 100})
    assert response.status_code == 200, response.content
    slugs = [row["slug"] for row in response.json()["results"]]
    assert len(slugs) == len(set(slugs)), slugs
    return slugs


@pytest.fixture
def matter():
    """Actions a term can reach several ways at once: its caption, a docket, two parties and their aliases."""
    exchange = factories.EntityFactory(name="Exchange Holdings Limited", slug="exchange")
    factories.EntityAliasFactory(entity=exchange, alias="ZXQ")
    factories.EntityAliasFactory(entity=exchange, alias="ZXQ Global")
    trading = factories.EntityFactory(name="Exchange Trading Inc.", slug="exchange-trading")
    founder = factories.PersonFactory(name="Founder Person", slug="founder")
    factories.EntityAliasFactory(entity=founder, alias="FP")
    factories.EntityFactory(name="Unrelated Bank", slug="unrelated")
    both = factories.EnforcementActionFactory(
        slug="both",
        caption="United States v. Exchange Holdings Limited",
        docket_number="2:23-cr-00179",
        summary="Bank Secrecy Act failures.",
        filed_on=datetime.date(2023, 11, 14),
    )
    factories.ActionPartyFactory(action=both, entity=exchange)
    factories.ActionPartyFactory(action=both, entity=trading)
    factories.ActionPartyFactory(action=both, entity=exchange, role=models.PartyRole.RESPONDENT)
    founder_case = factories.EnforcementActionFactory(
        slug="founder-case",
        caption="United States v. F. Person",
        docket_number="2:23-cr-00180",
        summary="",
        filed_on=datetime.date(2023, 11, 15),
    )
    factories.ActionPartyFactory(action=founder_case, entity=founder)
    factories.EnforcementActionFactory(
        slug="other", caption="SEC v. Someone Else", docket_number="1:24-cv-00001", summary="Securities."
    )


def action_slugs_as_before(text):
    """The rows ``?q=`` returned when it ORed the columns with an EXISTS over the parties."""
    parties = models.ActionParty.objects.filter(action=OuterRef("pk"), entity__name__icontains=text)
    matching = models.EnforcementAction.objects.filter(
        Q(caption__icontains=text) | Q(docket_number__icontains=text) | Q(summary__icontains=text) | Exists(parties)
    )
    return sorted(matching.values_list("slug", flat=True))


def entity_slugs_as_before(text):
    aliases = models.EntityAlias.objects.filter(entity=OuterRef("pk"), alias__icontains=text)
    matching = models.Entity.objects.filter(Q(name__icontains=text) | Exists(aliases))
    return sorted(matching.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("exchange HOLDINGS", ["both"]),  # caption and a party's name, one row
        ("EXCHANGE", ["both"]),  # caption and two parties, three party rows: still one row
        ("trading inc", ["both"]),  # a party's name only
        ("founder", ["founder-case"]),
        ("2:23-CR", ["both", "founder-case"]),  # docket numbers, ignoring case
        ("00180", ["founder-case"]),
        ("secrecy", ["both"]),  # summary
        ("nothing like this", []),
    ],
)
def test_action_search_matches_columns_and_party_names_once(api, matter, text, expected):
    assert sorted(found(api, "action-list", text)) == expected
    assert sorted(found(api, "action-list", text)) == action_slugs_as_before(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zxq", ["exchange"]),  # two matching aliases, one row
        ("zxq global", ["exchange"]),
        ("EXCHANGE", ["exchange", "exchange-trading"]),  # names, ignoring case
        ("fp", ["founder"]),  # an alias only
        ("founder", ["founder"]),
        ("bank", ["unrelated"]),
        ("nothing like this", []),
    ],
)
def test_entity_search_matches_names_and_aliases_once(api, matter, text, expected):
    assert sorted(found(api, "entity-list", text)) == expected
    assert sorted(found(api, "entity-list", text)) == entity_slugs_as_before(text)


def test_action_search_combines_with_the_other_filters(api, matter):
    response = api.get(reverse("api:action-list"), {"q": "2:23-cr", "party": "founder"})
    assert [row["slug"] for row in response.json()["results"]] == ["founder-case"]


def test_search_page_lists_an_entity_once_whatever_matched(client, matter):
    response = client.get(reverse("pages:search"), {"q": "zxq"})
    assert response.status_code == 200
    assert [entity.slug for entity in response.context["entities"]] == ["exchange"]
    response = client.get(reverse("pages:search"), {"q": "EXCHANGE"})
    assert [entity.slug for entity in response.context["entities"]] == ["exchange", "exchange-trading"]


# PostgreSQL answers the search from the trigram indexes of migration 0006.


def plan(queryset):
    with connection.cursor() as cursor:
        # The test tables hold a handful of rows; forbid the sequential scan a planner prefers for them.
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.postgres_only
def test_action_search_reads_the_trigram_indexes(matter):
    explained = plan(models.EnforcementAction.objects.filter(pk__in=action_ids_matching("exchange")))
    for index in ("timeline_action_caption_trgm", "timeline_action_docket_trgm", "timeline_action_summary_trgm"):
        assert index in explained, explained
    assert "Seq Scan" not in explained, explained


@pytest.mark.postgres_only
def test_entity_search_reads_the_trigram_indexes(matter):
    explained = plan(models.Entity.objects.filter(pk__in=entity_ids_matching("zxq")))
    assert "timeline_entity_name_trgm" in explained, explained
    assert "Seq Scan" not in explained, explained
