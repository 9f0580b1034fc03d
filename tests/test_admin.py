"""The admin for compliance staff: pages render with a bounded number of queries, search and filters
find what staff look for, the timeline and penalty panels show the facts, and writes keep the
timeline in line without ever answering a bad edit with a 500."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.forms import ModelMultipleChoiceField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.conftest import shared_rows
from timeline import models
from timeline.services.events import events_sync_all
from timeline.services.roles import roles_ensure

D = datetime.date
pytestmark = pytest.mark.django_db

# Every model with its own admin pages.
ADMIN_MODELS = [
    "source",
    "entity",
    "entityrelationship",
    "case",
    "statute",
    "enforcementaction",
    "charge",
    "settlement",
    "settlementcomponent",
    "credit",
    "monitor",
    "restriction",
    "sentence",
    "pardonrequest",
    "pardonstatuschange",
    "event",
]

# Queries a superuser's changelist and change page cost on the world below, pinned: one more
# query per row would break them (and the growth tests below check rows add none).
QUERY_BUDGETS = {
    "source": (9, 5),
    "entity": (8, 15),
    "entityrelationship": (8, 12),
    "case": (6, 17),
    "statute": (7, 5),
    "enforcementaction": (8, 17),
    "charge": (11, 12),
    "settlement": (8, 19),
    "settlementcomponent": (8, 12),
    "credit": (8, 11),
    "monitor": (9, 9),
    "restriction": (9, 10),
    "sentence": (9, 11),
    "pardonrequest": (6, 15),
    "pardonstatuschange": (8, 11),
    "event": (7, 10),
}
ADD_PAGE_MAX_QUERIES = 4
# Ceilings for any page of the curated Binance data, whose inlines and panels are all populated.
CHANGELIST_MAX_QUERIES = max(changelist for changelist, _ in QUERY_BUDGETS.values())
CHANGE_PAGE_MAX_QUERIES = 21


@dataclass
class World:
    """A small, complete matter: two authorities crediting each other, a sentence, a pardon saga."""

    case: models.Case
    doj: models.Entity
    fincen: models.Entity
    journal: models.Entity
    company: models.Entity
    subsidiary: models.Entity
    founder: models.Entity
    action: models.EnforcementAction
    order: models.EnforcementAction
    prosecution: models.EnforcementAction
    charge: models.Charge
    settlement: models.Settlement
    fine: models.SettlementComponent
    penalty: models.SettlementComponent
    credit: models.Credit
    monitor: models.Monitor
    restriction: models.Restriction
    relationship: models.EntityRelationship
    sentence: models.Sentence
    pardon: models.PardonRequest
    report: models.PardonStatusChange
    press_event: models.Event
    release_source: models.Source


def build_world():
    release_source = factories.SourceFactory(key="doj-release", title="Exchange pleads guilty")
    case = factories.CaseFactory(
        slug="exchange-matter",
        title="Exchange Holdings: global resolution and pardon",
        headline_text="over $2.9 billion",
        headline_amount=Decimal("2900000000.00"),
        headline_currency="USD",
        sources=[release_source],
    )
    case.headline_sources.set([release_source])
    doj = factories.AuthorityFactory(name="Department of Justice", slug="doj")
    fincen = factories.AuthorityFactory(name="Financial Crimes Enforcement Network", slug="fincen")
    journal = factories.EntityFactory(
        name="The Daily Ledger", slug="daily-ledger", kind=models.EntityKind.ORGANIZATION, country="US"
    )
    president = factories.PersonFactory(name="Head Of State", slug="head-of-state")
    company = factories.EntityFactory(name="Exchange Holdings Limited", slug="exchange-holdings")
    factories.EntityAliasFactory(entity=company, alias="Exchange.com")
    subsidiary = factories.EntityFactory(name="Exchange US Trading Inc.", slug="exchange-us", country="US")
    factories.EntityAliasFactory(entity=subsidiary, alias="Exchange.US")
    founder = factories.PersonFactory(name="Founder Person", slug="founder-person")
    factories.EntityAliasFactory(entity=founder, alias="FP")
    factories.EntityIdentifierFactory(entity=founder, value="Q4242")
    factories.EntityRelationshipFactory(
        subject=subsidiary, object=company, kind=models.RelationshipKind.AFFILIATE_OF, start_date=D(2019, 6, 1)
    )
    relationship = factories.EntityRelationshipFactory(
        subject=founder,
        object=company,
        kind=models.RelationshipKind.CEO_OF,
        start_date=D(2017, 1, 1),
        start_precision=models.DatePrecision.YEAR,
        end_date=D(2023, 11, 21),
    )

    action = factories.EnforcementActionFactory(
        slug="doj-exchange",
        case=case,
        authority=doj,
        caption="United States v. Exchange Holdings Limited",
        filed_on=D(2023, 11, 14),
        status=models.ActionStatus.PLEA,
        resolved_on=D(2023, 11, 21),
        sources=[release_source],
    )
    factories.ActionPartyFactory(action=action, entity=company)
    charge = factories.ChargeFactory(action=action, number=1, defendant=company)
    models.ChargeStatute.objects.create(charge=charge, statute=factories.StatuteFactory(citation="31 U.S.C. § 5318(h)"))
    settlement = factories.SettlementFactory(
        slug="doj-exchange-plea", action=action, agreed_on=D(2023, 11, 21), title="Exchange plea agreement"
    )
    fine = factories.SettlementComponentFactory(
        key="doj-fine", settlement=settlement, payer=company, amount=Decimal("1800000000.00")
    )
    monitor = factories.MonitorFactory(key="doj-monitor", settlement=settlement)
    restriction = factories.RestrictionFactory(key="founder-bar", settlement=settlement, subject=founder)

    order = factories.EnforcementActionFactory(
        slug="fincen-exchange",
        case=case,
        authority=fincen,
        action_type=models.ActionType.ADMINISTRATIVE,
        caption="In the matter of Exchange Holdings Limited",
        court=None,
        docket_number="",
        filed_on=D(2023, 11, 21),
        status=models.ActionStatus.SETTLED,
        resolved_on=D(2023, 11, 21),
    )
    factories.ActionPartyFactory(action=order, entity=company, role=models.PartyRole.RESPONDENT)
    order_settlement = factories.SettlementFactory(
        slug="fincen-consent", action=order, kind=models.SettlementKind.CONSENT_ORDER, agreed_on=D(2023, 11, 21)
    )
    penalty = factories.SettlementComponentFactory(
        key="fincen-penalty",
        settlement=order_settlement,
        payer=company,
        kind=models.ComponentKind.CIVIL_MONEY_PENALTY,
        amount=Decimal("1400000000.00"),
        suspended_amount=Decimal("150000000.00"),
    )
    credit = factories.CreditFactory(key="fincen-credit", component=penalty, amount=Decimal("300000000.00"))
    credit.against.set([fine])

    prosecution = factories.EnforcementActionFactory(
        slug="doj-founder",
        case=case,
        authority=doj,
        caption="United States v. Founder Person",
        filed_on=D(2023, 11, 14),
        status=models.ActionStatus.PLEA,
        resolved_on=D(2023, 11, 21),
    )
    factories.ActionPartyFactory(action=prosecution, entity=founder)
    sentence = factories.SentenceFactory(
        action=prosecution, defendant=founder, sentenced_on=D(2024, 4, 30), released_on=D(2024, 9, 27)
    )

    pardon = factories.PardonRequestFactory(
        slug="founder-pardon", person=founder, status=models.ClemencyStatus.REPORTED
    )
    pardon.actions.set([prosecution])
    report = factories.PardonStatusChangeFactory(
        key="founder-pardon-reported",
        pardon_request=pardon,
        status=models.ClemencyStatus.REPORTED,
        date=D(2025, 3, 1),
        date_precision=models.DatePrecision.MONTH,
        claim_status=models.ClaimStatus.REPORTED,
        claimed_by=journal,
        description="The Daily Ledger reports a pardon push.",
    )
    factories.PardonStatusChangeFactory(
        key="founder-pardon-denied",
        pardon_request=pardon,
        status=models.ClemencyStatus.REPORTED,
        date=D(2025, 3, 13),
        claim_status=models.ClaimStatus.DENIED,
        claimed_by=founder,
        responds_to=report,
        description="The founder denies the report.",
    )
    press_event = factories.EventFactory(
        key="ledger-report",
        case=case,
        date=D(2025, 3, 13),
        title="The Daily Ledger reports talks about a stake",
        claim_status=models.ClaimStatus.REPORTED,
        claimed_by=journal,
        entities=[founder, subsidiary],
    )
    factories.EventFactory(
        key="policy-pause",
        case=None,
        date=D(2025, 2, 1),
        date_precision=models.DatePrecision.MONTH,
        event_type=models.EventType.POLICY,
        title="Regulator pauses crypto cases",
    )
    assert president  # a person with no facts yet still lists and renders
    events_sync_all()
    return World(
        case=case,
        doj=doj,
        fincen=fincen,
        journal=journal,
        company=company,
        subsidiary=subsidiary,
        founder=founder,
        action=action,
        order=order,
        prosecution=prosecution,
        charge=charge,
        settlement=settlement,
        fine=fine,
        penalty=penalty,
        credit=credit,
        monitor=monitor,
        restriction=restriction,
        relationship=relationship,
        sentence=sentence,
        pardon=pardon,
        report=report,
        press_event=press_event,
        release_source=release_source,
    )


shared_world = shared_rows(build_world)


@pytest.fixture
def world(shared_world, db):
    return shared_world.data()


def change_url(obj):
    return reverse(f"admin:timeline_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model_name):
    return reverse(f"admin:timeline_{model_name}_changelist")


def objects_of(world, model_name):
    """One instance of ``model_name`` from the world."""
    model = {m._meta.model_name: m for m in (models.Source, models.Event, models.Statute)}.get(model_name)
    by_name = {
        "entity": world.company,
        "entityrelationship": world.relationship,
        "case": world.case,
        "enforcementaction": world.action,
        "charge": world.charge,
        "settlement": world.settlement,
        "settlementcomponent": world.penalty,
        "credit": world.credit,
        "monitor": world.monitor,
        "restriction": world.restriction,
        "sentence": world.sentence,
        "pardonrequest": world.pardon,
        "pardonstatuschange": world.report,
        "source": world.release_source,
        "event": models.Event.objects.get(action=world.action, fact_field=models.FactField.ACTION_FILED),
    }
    return by_name.get(model_name) or model.objects.first()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def result_slugs(response):
    return {entity.slug for entity in response.context["cl"].result_list}


def post_data(response):
    """The change form of ``response`` as a browser would post it back: every field and inline row."""
    data = {}

    def put(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, ModelMultipleChoiceField):
                data[key] = [str(item) for item in value or []]
            elif value is None:
                data[key] = ""
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for form in formset.initial_forms:
            put(form)
        initial = str(len(formset.initial_forms))
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": initial,
                f"{formset.prefix}-INITIAL_FORMS": initial,
                f"{formset.prefix}-MIN_NUM_FORMS": "0",
                f"{formset.prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def add_inline_row(data, prefix, values):
    """Append one new row to the inline formset ``prefix`` of posted ``data``."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return data


# Pages render


@pytest.mark.parametrize("model_name", ADMIN_MODELS)
def test_changelist_change_and_add_pages_render_within_budget(
    admin_client, world, model_name, django_assert_max_num_queries
):
    changelist_budget, change_budget = QUERY_BUDGETS[model_name]
    pages = [
        (changelist_url(model_name), changelist_budget),
        (change_url(objects_of(world, model_name)), change_budget),
        (reverse(f"admin:timeline_{model_name}_add"), ADD_PAGE_MAX_QUERIES),
    ]
    for url, budget in pages:
        admin_client.get(url)  # warm per-process caches (content types)
        with django_assert_max_num_queries(budget):
            response = admin_client.get(url)
        assert response.status_code == 200, url
    assert admin_client.get(changelist_url(model_name)).context["cl"].result_count >= 1


def test_admin_index_lists_every_model(admin_client, world):
    response = admin_client.get(reverse("admin:app_list", args=["timeline"]))
    assert response.status_code == 200
    for model_name in ADMIN_MODELS:
        assert changelist_url(model_name) in response.content.decode()


@pytest.mark.parametrize("model_name", ADMIN_MODELS)
def test_staff_without_permissions_is_forbidden(client, staff_user, world, model_name):
    client.force_login(staff_user)
    assert client.get(changelist_url(model_name)).status_code == 403
    assert client.get(change_url(objects_of(world, model_name))).status_code == 403
    assert client.get(reverse(f"admin:timeline_{model_name}_add")).status_code == 403


def test_viewer_role_reads_the_case_page_but_cannot_change_it(client, world):
    viewer = factories.StaffUserFactory(username="viewer")
    viewer.groups.add(roles_ensure()["viewer"])
    client.force_login(viewer)
    response = client.get(change_url(world.case))
    assert response.status_code == 200
    assert 'id="timeline-panel"' in response.content.decode()
    assert client.post(change_url(world.case), {"title": "Renamed"}).status_code == 403
    world.case.refresh_from_db()
    assert world.case.title != "Renamed"


# Query counts do not grow with rows


def more_rows(world, model_name):
    """Add one more row that the changelist of ``model_name`` lists, with relations of its own."""
    makers = {
        "source": lambda: factories.SourceFactory(),
        "entity": lambda: factories.EntityAliasFactory(entity=factories.EntityFactory(parent=world.company)),
        "entityrelationship": lambda: factories.EntityRelationshipFactory(
            object=world.company, start_date=D(2020, 1, 1)
        ),
        "case": lambda: factories.EventFactory(),
        "statute": lambda: models.ChargeStatute.objects.create(
            charge=factories.ChargeFactory(action=world.action), statute=factories.StatuteFactory()
        ),
        "enforcementaction": lambda: factories.ActionPartyFactory(
            action=factories.EnforcementActionFactory(case=world.case)
        ),
        "charge": lambda: factories.ChargeFactory(action=world.action, defendant=factories.PersonFactory()),
        "settlement": lambda: factories.SettlementComponentFactory(
            settlement=factories.SettlementFactory(action=world.order), payer=world.company
        ),
        "settlementcomponent": lambda: factories.SettlementComponentFactory(
            settlement=world.settlement, payer=factories.EntityFactory(), part_of=world.fine
        ),
        "credit": lambda: factories.CreditFactory(component=world.penalty, amount=Decimal("1.00")).against.set(
            [world.fine]
        ),
        "monitor": lambda: factories.MonitorFactory(settlement=world.settlement, monitor=factories.EntityFactory()),
        "restriction": lambda: factories.RestrictionFactory(settlement=world.settlement),
        "sentence": lambda: factories.SentenceFactory(action=world.prosecution, judge=factories.PersonFactory()),
        "pardonrequest": lambda: factories.PardonStatusChangeFactory(),
        "pardonstatuschange": lambda: factories.PardonStatusChangeFactory(
            pardon_request=world.pardon,
            claim_status=models.ClaimStatus.DISPUTED,
            claimed_by=factories.EntityFactory(),
            responds_to=world.report,
        ),
        "event": lambda: factories.EventFactory(
            case=world.case, claimed_by=factories.PersonFactory(), entities=[factories.EntityFactory()]
        ),
    }
    makers[model_name]()


@pytest.mark.parametrize("model_name", ADMIN_MODELS)
def test_changelist_queries_do_not_grow_with_rows(admin_client, world, model_name):
    url = changelist_url(model_name)
    admin_client.get(url)
    before = count_queries(admin_client, url)
    for _ in range(30):
        more_rows(world, model_name)
    response = admin_client.get(url)
    assert response.context["cl"].result_count >= 30
    assert count_queries(admin_client, url) == before


def grow_inlines(world, obj):
    """Give ``obj`` one more row in each of its inlines and on its timeline."""
    source = factories.SourceFactory()
    person = factories.PersonFactory()
    if isinstance(obj, models.Entity):
        factories.EntityAliasFactory(entity=obj)
        factories.EntityIdentifierFactory(entity=obj)
        factories.EntityRelationshipFactory(subject=obj, object=factories.EntityFactory(), start_date=D(2020, 1, 1))
        factories.EntityRelationshipFactory(
            subject=person, object=obj, kind=models.RelationshipKind.OFFICER_OF, sources=[source]
        )
        factories.EventFactory(case=world.case, entities=[obj, person], claimed_by=person)
    elif isinstance(obj, models.Case):
        action = factories.EnforcementActionFactory(case=obj, authority=factories.AuthorityFactory())
        settlement = factories.SettlementFactory(action=action)
        factories.SettlementComponentFactory(settlement=settlement, payer=world.company)
        factories.EventFactory(case=obj, claim_status=models.ClaimStatus.DISPUTED, claimed_by=person)
    elif isinstance(obj, models.EnforcementAction):
        factories.ActionPartyFactory(action=obj, entity=person)
        charge = factories.ChargeFactory(action=obj, defendant=person, sources=[source, factories.SourceFactory()])
        models.ChargeStatute.objects.create(charge=charge, statute=factories.StatuteFactory())
        obj.sources.add(source)
    elif isinstance(obj, models.Charge):
        models.ChargeStatute.objects.create(charge=obj, statute=factories.StatuteFactory())
    elif isinstance(obj, models.Settlement):
        component = factories.SettlementComponentFactory(settlement=obj, payer=person, part_of=None)
        factories.SettlementComponentFactory(settlement=obj, payer=person, part_of=component, amount=Decimal("1.00"))
        factories.MonitorFactory(settlement=obj, monitor=person)
        factories.RestrictionFactory(settlement=obj, subject=person)
        factories.CreditFactory(component=component, amount=Decimal("1.00")).against.set([world.penalty])
    elif isinstance(obj, models.SettlementComponent):
        factories.CreditFactory(component=obj, amount=Decimal("1.00")).against.set([world.fine])
    elif isinstance(obj, models.PardonRequest):
        factories.PardonStatusChangeFactory(
            pardon_request=obj,
            status=models.ClemencyStatus.REPORTED,
            claim_status=models.ClaimStatus.REPORTED,
            claimed_by=person,
            responds_to=world.report,
        )
        obj.actions.add(factories.EnforcementActionFactory(case=world.case))
        obj.sentences.add(factories.SentenceFactory(action=world.prosecution, defendant=person))
    elif isinstance(obj, models.Event):
        obj.entities.add(person)
        obj.sources.add(source)


GROWING_PAGES = ["entity", "case", "enforcementaction", "charge", "settlement", "settlementcomponent", "pardonrequest"]


@pytest.mark.parametrize("model_name", GROWING_PAGES)
def test_change_page_queries_do_not_grow_with_inline_rows(admin_client, world, model_name):
    obj = objects_of(world, model_name)
    url = change_url(obj)
    grow_inlines(world, obj)  # every inline and panel has at least one row to start with
    admin_client.get(url)
    before = count_queries(admin_client, url)
    for _ in range(30):
        grow_inlines(world, obj)
    assert count_queries(admin_client, url) == before
    assert count_queries(admin_client, f"{url}?timeline=group") <= CHANGE_PAGE_MAX_QUERIES


# Search and filters


def test_entity_search_finds_names_and_aliases(admin_client, db):
    holdings = factories.EntityFactory(name="Binance Holdings Limited", slug="binance-holdings")
    bam = factories.EntityFactory(name="BAM Trading Services Inc.", slug="bam-trading-services")
    factories.EntityAliasFactory(entity=bam, alias="Binance.US")
    zhao = factories.PersonFactory(name="Changpeng Zhao", slug="changpeng-zhao")
    factories.EntityAliasFactory(entity=zhao, alias="CZ")
    factories.EntityAliasFactory(entity=zhao, alias="CZ Binance")  # two matching aliases, one row
    factories.EntityFactory(name="Coinbase Global", slug="coinbase")
    url = changelist_url("entity")

    response = admin_client.get(url, {"q": "Binance"})
    assert result_slugs(response) == {holdings.slug, bam.slug, zhao.slug}
    assert len(response.context["cl"].result_list) == 3

    assert result_slugs(admin_client.get(url, {"q": "CZ"})) == {zhao.slug}
    assert result_slugs(admin_client.get(url, {"q": "binance.us"})) == {bam.slug}


def test_searches_reach_through_relations(admin_client, world):
    response = admin_client.get(changelist_url("enforcementaction"), {"q": "FP"})
    assert {action.slug for action in response.context["cl"].result_list} == {"doj-founder"}
    response = admin_client.get(changelist_url("event"), {"q": "Exchange.US"})
    assert world.press_event in response.context["cl"].result_list
    response = admin_client.get(changelist_url("charge"), {"q": "5318(h)"})
    assert list(response.context["cl"].result_list) == [world.charge]


def test_filters_narrow_the_lists(admin_client, world):
    response = admin_client.get(changelist_url("entity"), {"kind__exact": "person"})
    assert {e.kind for e in response.context["cl"].result_list} == {"person"}

    response = admin_client.get(changelist_url("enforcementaction"), {"authority__id__exact": world.fincen.pk})
    assert list(response.context["cl"].result_list) == [world.order]

    response = admin_client.get(changelist_url("event"), {"fact_field__exact": ""})
    assert {e.key for e in response.context["cl"].result_list} == {"ledger-report", "policy-pause"}

    response = admin_client.get(changelist_url("event"), {"claim_status__exact": "denied"})
    assert [e.claimed_by for e in response.context["cl"].result_list] == [world.founder]

    response = admin_client.get(changelist_url("settlement"), {"action__authority__id__exact": world.doj.pk})
    assert list(response.context["cl"].result_list) == [world.settlement]

    response = admin_client.get(changelist_url("event"), {"date__year": "2025"})
    assert all(e.date.year == 2025 for e in response.context["cl"].result_list)
    assert response.context["cl"].result_count == 4


def test_event_list_shows_what_each_event_mirrors(admin_client, world):
    content = admin_client.get(changelist_url("event")).content.decode()
    assert "Action filed" in content
    assert "Free-standing" in content


def test_entity_autocomplete_respects_the_pickers_limits(admin_client, world):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "timeline", "model_name": "enforcementaction", "field_name": "authority", "term": ""},
    )
    assert response.status_code == 200
    names = {item["text"] for item in response.json()["results"]}
    assert names == {"Department of Justice", "Financial Crimes Enforcement Network"}


# Panels


def test_case_page_shows_its_timeline_in_date_order_with_sources_and_claims(admin_client, world):
    response = admin_client.get(change_url(world.case))
    content = response.content.decode()
    panel = content[content.index('id="timeline-panel"') :]
    dates = re.findall(r'<time datetime="([0-9-]+)">', panel)
    expected = [event.date_iso for event in models.Event.objects.filter(case=world.case).order_by("date", "id")]
    assert dates == expected
    assert dates == sorted(dates)
    assert "14 November 2023" in panel
    assert "March 2025" in panel  # month precision shown as such
    assert 'href="https://example.org/doj-release"' in panel
    assert "Denied</span> by Founder Person" in panel
    assert "Reported</span> by The Daily Ledger" in panel
    assert "Regulator pauses crypto cases" not in panel  # not part of this case


def test_timeline_titles_are_escaped(admin_client, world):
    factories.EventFactory(case=world.case, title="<script>alert(1)</script>")
    content = admin_client.get(change_url(world.case)).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_source_links_only_for_web_addresses(admin_client, world):
    bad = models.Source.objects.create(key="odd-link", url="javascript:alert(1)", title="Odd", publisher="Odd")
    world.press_event.sources.add(bad)
    content = admin_client.get(change_url(world.case)).content.decode()
    assert "javascript:alert(1)" not in content
    assert "odd-link" in content


def test_case_page_shows_penalties_gross_and_net_beside_the_stated_headline(admin_client, world):
    content = admin_client.get(change_url(world.case)).content.decode()
    panel = content[content.index('id="penalty-panel"') :]
    assert "over $2.9 billion" in panel
    assert "as announced" in panel
    # DOJ 1.8bn; FinCEN 1.4bn with 150m suspended and 300m credited: net 3.2bn - 0.45bn.
    assert "USD 3,200,000,000.00" in panel
    assert "USD 150,000,000.00" in panel
    assert "USD 300,000,000.00" in panel
    assert "USD 2,750,000,000.00" in panel
    assert "Financial Crimes Enforcement Network" in panel


def test_entity_page_timeline_and_its_group_roll_up(admin_client, world):
    url = change_url(world.company)
    own = admin_client.get(url).content.decode()
    assert "Include subsidiaries, founders and officers" in own
    assert "The Daily Ledger reports talks about a stake" not in own  # concerns the subsidiary and founder

    grouped = admin_client.get(url, {"timeline": "group"}).content.decode()
    panel = grouped[grouped.index('id="timeline-panel"') :]
    assert "The Daily Ledger reports talks about a stake" in panel
    assert "Founder Person sentenced" in panel
    dates = re.findall(r'<time datetime="([0-9-]+)">', panel)
    assert dates == sorted(dates)


def test_settlement_page_lists_credits_and_totals(admin_client, world):
    content = admin_client.get(change_url(world.penalty.settlement)).content.decode()
    assert 'id="credits-panel"' in content
    assert "fincen-credit" in content
    assert "doj-fine" in content  # credited against
    assert "USD 950,000,000.00" in content  # net: 1.4bn - 150m - 300m


# Writes


def test_saving_an_action_moves_its_mirrored_events(admin_client, world):
    url = change_url(world.action)
    data = post_data(admin_client.get(url))
    data["filed_on"] = "2023-11-15"
    data["status"] = models.ActionStatus.DISMISSED_WITH_PREJUDICE
    add_inline_row(data, "parties", {"entity": str(world.founder.pk), "role": "defendant", "note": ""})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    filed = models.Event.objects.get(action=world.action, fact_field=models.FactField.ACTION_FILED)
    resolved = models.Event.objects.get(action=world.action, fact_field=models.FactField.ACTION_RESOLVED)
    assert filed.date == D(2023, 11, 15)
    assert resolved.event_type == models.EventType.DISMISSAL
    assert world.founder in filed.entities.all()


def test_adding_an_action_with_parties_and_charges_puts_it_on_the_timeline(admin_client, world):
    url = reverse("admin:timeline_enforcementaction_add")
    data = post_data(admin_client.get(url))
    data.update(
        {
            "case": str(world.case.pk),
            "slug": "fincen-exchange-us",
            "authority": str(world.fincen.pk),
            "action_type": models.ActionType.CIVIL,
            "caption": "FinCEN v. Exchange US Trading Inc.",
            "filed_on": "2023-06-05",
            "sources": [str(world.release_source.pk)],
        }
    )
    add_inline_row(data, "parties", {"entity": str(world.subsidiary.pk), "role": "defendant"})
    add_inline_row(
        data,
        "charges",
        {
            "number": "1",
            "description": "Unregistered money transmitting business",
            "counts": "1",
            "disposition": "pending",
            "disposition_precision": "day",
            "sources": [str(world.release_source.pk)],
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    action = models.EnforcementAction.objects.get(slug="fincen-exchange-us")
    assert action.charges.get().description == "Unregistered money transmitting business"
    event = models.Event.objects.get(action=action, fact_field=models.FactField.ACTION_FILED)
    assert (event.date, event.case) == (D(2023, 6, 5), world.case)
    assert set(event.entities.all()) == {world.fincen, world.subsidiary}


def test_adding_an_entity_with_alias_and_role_syncs_the_role_event(admin_client, world):
    url = reverse("admin:timeline_entity_add")
    data = post_data(admin_client.get(url))
    data.update({"name": "New Officer", "slug": "new-officer", "kind": "person", "country": "CA"})
    add_inline_row(data, "aliases", {"alias": "NO"})
    add_inline_row(
        data,
        "relationships_out",
        {
            "kind": models.RelationshipKind.OFFICER_OF,
            "object": str(world.company.pk),
            "title": "Chief Compliance Officer",
            "start_date": "2021-01-01",
            "start_precision": "year",
            "end_precision": "day",
            "sources": [str(world.release_source.pk)],
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    officer = models.Entity.objects.get(slug="new-officer")
    assert result_slugs(admin_client.get(changelist_url("entity"), {"q": "NO"})) >= {"new-officer"}
    event = models.Event.objects.get(relationship__subject=officer, fact_field=models.FactField.RELATIONSHIP_START)
    assert event.date_display == "2021"
    grouped = admin_client.get(change_url(world.company), {"timeline": "group"}).content.decode()
    assert "New Officer becomes Chief Compliance Officer" in grouped


def test_date_order_error_is_a_field_error_and_saves_nothing(admin_client, world):
    url = change_url(world.action)
    data = post_data(admin_client.get(url))
    data["resolved_on"] = "2023-11-01"
    data["caption"] = "Changed caption"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "resolved_on" in response.context["adminform"].form.errors
    world.action.refresh_from_db()
    assert world.action.resolved_on == D(2023, 11, 21)
    assert world.action.caption == "United States v. Exchange Holdings Limited"
    resolved = models.Event.objects.get(action=world.action, fact_field=models.FactField.ACTION_RESOLVED)
    assert resolved.date == D(2023, 11, 21)


def test_inline_model_errors_are_shown_not_raised(admin_client, world):
    url = change_url(world.action)
    data = post_data(admin_client.get(url))
    add_inline_row(
        data,
        "charges",
        {"number": "1", "description": "Duplicate number", "counts": "1", "disposition": "pending"},
    )
    data["charges-1-disposition_precision"] = "day"
    data["charges-1-sources"] = [str(world.release_source.pk)]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["errors"]
    assert world.action.charges.count() == 1


def test_settlement_inlines_are_validated_by_the_model(admin_client, world):
    url = change_url(world.penalty.settlement)
    data = post_data(admin_client.get(url))
    add_inline_row(
        data,
        "restrictions",
        {
            "key": "forever-and-ended",
            "subject": str(world.founder.pk),
            "kind": "bar",
            "scope": "Everything",
            "is_permanent": "on",
            "end_date": "2030-01-01",
            "start_precision": "day",
            "end_precision": "day",
            "sources": [str(world.release_source.pk)],
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not models.Restriction.objects.filter(key="forever-and-ended").exists()


def test_credits_on_a_component_cannot_exceed_what_is_payable(admin_client, world):
    # 1.4bn less 150m suspended is payable; 300m is credited already. Each new row fits, both do not.
    url = change_url(world.penalty)
    data = post_data(admin_client.get(url))
    for key in ("first-half", "second-half"):
        add_inline_row(
            data,
            "credits",
            {
                "key": key,
                "kind": "credited",
                "quantum": "stated",
                "evidence": "reported",
                "amount": "600000000.00",
                "currency": "USD",
                "sources": [str(world.release_source.pk)],
            },
        )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "more than the USD 1,250,000,000.00 payable on this component" in response.content.decode()
    assert not models.Credit.objects.filter(key__in=["first-half", "second-half"]).exists()


def test_adding_a_component_puts_its_payer_on_the_settlement_event(admin_client, world):
    settlement = factories.SettlementFactory(action=world.order, agreed_on=D(2023, 12, 14))
    events_sync_all()
    url = change_url(settlement)
    data = post_data(admin_client.get(url))
    add_inline_row(
        data,
        "components",
        {
            "key": "new-disgorgement",
            "kind": "disgorgement",
            "payer": str(world.subsidiary.pk),
            "amount": "10.00",
            "currency": "USD",
            "suspended_amount": "0",
            "sources": [str(world.release_source.pk)],
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    event = models.Event.objects.get(settlement=settlement, fact_field=models.FactField.SETTLEMENT_AGREED)
    assert world.subsidiary in event.entities.all()


def test_pardon_history_added_inline_sets_the_status_and_the_timeline(admin_client, world):
    president = models.Entity.objects.get(slug="head-of-state")
    url = change_url(world.pardon)
    data = post_data(admin_client.get(url))
    data["status"] = models.ClemencyStatus.GRANTED
    data["granted_by"] = str(president.pk)
    add_inline_row(
        data,
        "history",
        {
            "key": "founder-pardon-granted",
            "date": "2025-10-23",
            "date_precision": "day",
            "status": "granted",
            "claim_status": "fact",
            "description": "Pardon granted.",
            "sources": [str(world.release_source.pk)],
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    world.pardon.refresh_from_db()
    assert world.pardon.status == models.ClemencyStatus.GRANTED
    event = models.Event.objects.get(status_change__key="founder-pardon-granted")
    assert event.date == D(2025, 10, 23)
    assert event.case == world.case


def test_a_grantor_without_a_granted_step_is_a_form_error(admin_client, world):
    president = models.Entity.objects.get(slug="head-of-state")
    url = change_url(world.pardon)
    data = post_data(admin_client.get(url))
    data["status"] = models.ClemencyStatus.GRANTED
    data["granted_by"] = str(president.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "a grantor is recorded" in response.content.decode()
    world.pardon.refresh_from_db()
    assert world.pardon.granted_by is None


def test_saving_a_status_change_on_its_own_page_syncs_request_and_event(admin_client, world):
    url = change_url(world.report)
    data = post_data(admin_client.get(url))
    data["claim_status"] = models.ClaimStatus.CONFIRMED
    data["status"] = models.ClemencyStatus.REQUESTED
    response = admin_client.post(url, data)
    assert response.status_code == 302
    world.pardon.refresh_from_db()
    assert world.pardon.status == models.ClemencyStatus.REQUESTED
    assert models.Event.objects.get(status_change=world.report).claim_status == models.ClaimStatus.CONFIRMED


def test_mirrored_event_keeps_its_link_and_dates_but_takes_new_wording(admin_client, world):
    event = models.Event.objects.get(action=world.action, fact_field=models.FactField.ACTION_FILED)
    url = change_url(event)
    response = admin_client.get(url)
    form = response.context["adminform"].form
    for locked in ("fact_field", "action", "date", "event_type", "case", "claim_status", "key"):
        assert locked not in form.fields
    assert "Action filed" in response.content.decode()
    assert reverse("admin:timeline_event_delete", args=[event.pk]) not in response.content.decode()

    data = post_data(response)
    data.update({"title": "Prosecutors file the information", "date": "2001-01-01", "fact_field": ""})
    assert admin_client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.title == "Prosecutors file the information"
    assert event.date == D(2023, 11, 14)
    assert event.fact_field == models.FactField.ACTION_FILED
    assert event.action == world.action


def test_free_standing_event_is_fully_editable(admin_client, world):
    url = change_url(world.press_event)
    form = admin_client.get(url).context["adminform"].form
    assert {"date", "event_type", "case", "entities", "claim_status", "claimed_by"} <= set(form.fields)
    assert "fact_field" not in form.fields


def test_a_claim_without_claimant_is_a_field_error(admin_client, world):
    url = change_url(world.press_event)
    data = post_data(admin_client.get(url))
    data["claimed_by"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "claimed_by" in response.context["adminform"].form.errors


def test_history_page_shows_who_changed_what_and_cannot_revert(admin_client, world):
    url = change_url(world.action)
    data = post_data(admin_client.get(url))
    data["caption"] = "United States v. Exchange Holdings Ltd."
    assert admin_client.post(url, data).status_code == 302

    history = admin_client.get(reverse("admin:timeline_enforcementaction_history", args=[world.action.pk]))
    content = history.content.decode()
    assert "United States v. Exchange Holdings Limited" in content  # old value of the caption
    assert "United States v. Exchange Holdings Ltd." in content
    assert ">root<" in content
    record = world.action.audit_trail.latest("history_date")
    version_url = reverse("admin:timeline_enforcementaction_simple_history", args=[world.action.pk, record.pk])
    assert admin_client.get(version_url).status_code == 200
    assert admin_client.post(version_url, data).status_code == 403


# Deletes


def test_deleting_a_cited_source_is_refused(admin_client, world):
    url = reverse("admin:timeline_source_delete", args=[world.release_source.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "protected" in response.content.decode()
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert models.Source.objects.filter(pk=world.release_source.pk).exists()


def test_bulk_deleting_cited_sources_is_refused(admin_client, world):
    response = admin_client.post(
        changelist_url("source"),
        {"action": "delete_selected", "_selected_action": [world.release_source.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "protected" in response.content.decode()
    assert models.Source.objects.filter(pk=world.release_source.pk).exists()


def test_deleting_an_uncited_source_works(admin_client, world):
    spare = factories.SourceFactory(key="spare")
    response = admin_client.post(reverse("admin:timeline_source_delete", args=[spare.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not models.Source.objects.filter(key="spare").exists()


@pytest.mark.parametrize("attribute", ["company", "founder", "journal"])
def test_deleting_an_entity_facts_depend_on_is_refused(admin_client, world, attribute):
    entity = getattr(world, attribute)
    url = reverse("admin:timeline_entity_delete", args=[entity.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "protected" in response.content.decode()
    assert models.Entity.objects.filter(pk=entity.pk).exists()


def test_deleting_a_mirrored_event_alone_is_refused(admin_client, world):
    event = models.Event.objects.get(action=world.action, fact_field=models.FactField.ACTION_FILED)
    response = admin_client.post(reverse("admin:timeline_event_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "change or delete the fact instead" in response.content.decode()
    assert models.Event.objects.filter(pk=event.pk).exists()


def test_deleting_a_component_resyncs_its_settlement_event(admin_client, world):
    settlement = factories.SettlementFactory(action=world.order, agreed_on=D(2023, 12, 14))
    component = factories.SettlementComponentFactory(settlement=settlement, payer=world.subsidiary)
    events_sync_all()
    event = models.Event.objects.get(settlement=settlement)
    assert world.subsidiary in event.entities.all()
    url = reverse("admin:timeline_settlementcomponent_delete", args=[component.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert world.subsidiary not in event.entities.all()


# The curated Binance case


def test_curated_binance_search(admin_client, curated_data):
    url = changelist_url("entity")
    assert {"binance-holdings", "bam-trading-services"} <= result_slugs(admin_client.get(url, {"q": "Binance"}))
    assert "changpeng-zhao" in result_slugs(admin_client.get(url, {"q": "CZ"}))


@pytest.mark.parametrize("model_name", ADMIN_MODELS)
def test_curated_pages_render_within_budget(admin_client, curated_data, model_name, django_assert_max_num_queries):
    admin_client.get(changelist_url(model_name))
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = admin_client.get(changelist_url(model_name))
    assert response.context["cl"].result_count >= 1
    for obj in response.context["cl"].queryset:
        with django_assert_max_num_queries(CHANGE_PAGE_MAX_QUERIES):
            assert admin_client.get(change_url(obj)).status_code == 200


def test_curated_binance_case_page(admin_client, curated_data, django_assert_max_num_queries):
    case = models.Case.objects.get(slug="binance-changpeng-zhao")
    url = change_url(case)
    admin_client.get(url)
    with django_assert_max_num_queries(CHANGE_PAGE_MAX_QUERIES):
        response = admin_client.get(url)
    content = response.content.decode()
    assert "over $4.3 billion" in content
    panel = content[content.index('id="timeline-panel"') :]
    dates = re.findall(r'<time datetime="([0-9-]+)">', panel)
    assert len(dates) == models.Event.objects.filter(case=case).count()
    assert dates == sorted(dates)


def test_curated_zhao_page_rolls_up_binance(admin_client, curated_data):
    zhao = models.Entity.objects.get(slug="changpeng-zhao")
    binance = models.Entity.objects.get(slug="binance-holdings")
    assert admin_client.get(change_url(zhao)).status_code == 200
    response = admin_client.get(change_url(binance), {"timeline": "group"})
    assert response.status_code == 200
    assert "Changpeng Zhao" in response.content.decode()
