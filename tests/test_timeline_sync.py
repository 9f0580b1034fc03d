"""The timeline mirrors the dated facts: one event per fact date, kept in line when facts change."""

import datetime
from decimal import Decimal

import pytest

from tests import factories
from timeline import models
from timeline.selectors.penalties import penalty_totals
from timeline.selectors.timelines import case_timeline, entity_timeline, related_entity_ids
from timeline.services.clemency import derived_status, pardon_request_sync_status
from timeline.services.events import events_sync, events_sync_all

D = datetime.date
pytestmark = pytest.mark.django_db


def mirrored(obj, fact_field):
    link = models.events.FACT_FIELD_LINK[fact_field]
    return models.Event.objects.get(**{link: obj, "fact_field": fact_field})


def test_action_dates_appear_on_case_and_party_timelines():
    defendant = factories.PersonFactory(slug="defendant")
    action = factories.EnforcementActionFactory(filed_on=D(2023, 3, 27))
    factories.ActionPartyFactory(action=action, entity=defendant)
    report = events_sync(action)
    assert report.created == 1
    event = mirrored(action, models.FactField.ACTION_FILED)
    assert event.date == D(2023, 3, 27)
    assert event.case == action.case
    assert set(event.entities.all()) == {defendant, action.authority}
    assert set(event.sources.all()) == set(action.sources.all())
    assert list(entity_timeline(defendant)) == [event]
    assert list(case_timeline(action.case)) == [event]


def test_changing_a_fact_moves_its_event_and_resolution_adds_one():
    action = factories.EnforcementActionFactory(filed_on=D(2023, 3, 27))
    events_sync(action)
    action.filed_on = D(2023, 4, 1)
    action.status = models.ActionStatus.DISMISSED_WITH_PREJUDICE
    action.resolved_on = D(2025, 5, 29)
    action.save()
    report = events_sync(action)
    assert (report.created, report.updated) == (1, 1)
    assert mirrored(action, models.FactField.ACTION_FILED).date == D(2023, 4, 1)
    resolved = mirrored(action, models.FactField.ACTION_RESOLVED)
    assert resolved.event_type == models.EventType.DISMISSAL
    assert [e.date for e in case_timeline(action.case)] == [D(2023, 4, 1), D(2025, 5, 29)]


def test_clearing_a_date_removes_its_event_and_sync_is_idempotent():
    action = factories.EnforcementActionFactory(filed_on=D(2023, 3, 27))
    events_sync(action)
    assert events_sync(action).created == events_sync(action).updated == 0
    action.filed_on = None
    action.save()
    assert events_sync(action).deleted == 1
    assert not models.Event.objects.filter(action=action).exists()


def test_editor_wording_survives_a_sync():
    action = factories.EnforcementActionFactory(filed_on=D(2023, 3, 27))
    events_sync(action)
    event = mirrored(action, models.FactField.ACTION_FILED)
    event.title = "CFTC sues Binance, Zhao and Samuel Lim"
    event.save()
    events_sync(action)
    event.refresh_from_db()
    assert event.title == "CFTC sues Binance, Zhao and Samuel Lim"


def test_same_day_administrative_order_is_one_event():
    action = factories.EnforcementActionFactory(
        action_type=models.ActionType.ADMINISTRATIVE,
        court=None,
        docket_number="",
        status=models.ActionStatus.SETTLED,
        filed_on=D(2023, 11, 21),
        resolved_on=D(2023, 11, 21),
    )
    settlement = factories.SettlementFactory(action=action, agreed_on=D(2023, 11, 21))
    events_sync(action)
    assert list(models.Event.objects.filter(case=action.case).values_list("fact_field", flat=True)) == [
        models.FactField.ACTION_RESOLVED
    ]
    settlement.agreed_on = D(2023, 11, 1)
    settlement.save()
    events_sync(settlement)
    assert mirrored(settlement, models.FactField.SETTLEMENT_AGREED).date == D(2023, 11, 1)


def test_sentence_and_custody_events():
    sentence = factories.SentenceFactory(
        custody_months=4,
        report_date=D(2024, 6, 1),
        report_precision=models.DatePrecision.MONTH,
        released_on=D(2024, 9, 27),
    )
    events_sync(sentence)
    imposed = mirrored(sentence, models.FactField.SENTENCE_IMPOSED)
    assert imposed.title.endswith("sentenced to 4 months in custody")
    reported = mirrored(sentence, models.FactField.SENTENCE_REPORTED)
    assert (reported.date_precision, reported.date_display) == (models.DatePrecision.MONTH, "June 2024")
    assert mirrored(sentence, models.FactField.SENTENCE_RELEASED).date == D(2024, 9, 27)


def test_clemency_claims_carry_their_claimant_and_status_follows_established_steps():
    zhao = factories.PersonFactory(slug="changpeng-zhao", name="Changpeng Zhao")
    wsj = factories.EntityFactory(slug="wall-street-journal", name="The Wall Street Journal")
    request = factories.PardonRequestFactory(person=zhao, status=models.ClemencyStatus.REPORTED)
    report = factories.PardonStatusChangeFactory(
        pardon_request=request,
        status=models.ClemencyStatus.REPORTED,
        date=D(2025, 3, 13),
        claim_status=models.ClaimStatus.REPORTED,
        claimed_by=wsj,
    )
    denial = factories.PardonStatusChangeFactory(
        pardon_request=request,
        status=models.ClemencyStatus.REPORTED,
        date=D(2025, 3, 13),
        claim_status=models.ClaimStatus.DENIED,
        claimed_by=zhao,
        responds_to=report,
    )
    assert derived_status(request.history.all()) == models.ClemencyStatus.REPORTED
    factories.PardonStatusChangeFactory(
        pardon_request=request, status=models.ClemencyStatus.GRANTED, date=D(2025, 10, 23)
    )
    assert pardon_request_sync_status(request) is True
    request.refresh_from_db()
    assert request.status == models.ClemencyStatus.GRANTED
    events_sync(request)
    denial_event = mirrored(denial, models.FactField.CLEMENCY_STEP)
    assert denial_event.claim_status == models.ClaimStatus.DENIED
    assert denial_event.claimed_by == zhao
    assert [e.date for e in entity_timeline(zhao)] == [D(2025, 3, 13), D(2025, 3, 13), D(2025, 10, 23)]


def test_sync_all_repairs_a_tampered_event():
    action = factories.EnforcementActionFactory(filed_on=D(2023, 6, 5))
    events_sync_all()
    models.Event.objects.filter(action=action).update(date=D(2020, 1, 1))
    report = events_sync_all()
    assert report.updated == 1
    assert mirrored(action, models.FactField.ACTION_FILED).date == D(2023, 6, 5)
    assert events_sync_all().updated == 0


def test_related_entities_roll_up_subsidiaries_and_officers():
    parent = factories.EntityFactory(slug="parent")
    subsidiary = factories.EntityFactory(slug="subsidiary")
    grandchild = factories.EntityFactory(slug="grandchild")
    officer = factories.PersonFactory(slug="officer")
    unrelated = factories.EntityFactory(slug="unrelated")
    factories.EntityRelationshipFactory(subject=subsidiary, object=parent, kind=models.RelationshipKind.SUBSIDIARY_OF)
    factories.EntityRelationshipFactory(
        subject=grandchild, object=subsidiary, kind=models.RelationshipKind.SUBSIDIARY_OF
    )
    factories.EntityRelationshipFactory(subject=officer, object=parent, kind=models.RelationshipKind.CEO_OF)
    factories.EntityRelationshipFactory(subject=unrelated, object=parent, kind=models.RelationshipKind.JUDGE_OF)
    assert related_entity_ids(parent) == {parent.pk, subsidiary.pk, grandchild.pk, officer.pk}


def test_penalty_totals_count_credited_and_suspended_money_once():
    doj, fincen = factories.AuthorityFactory(slug="doj"), factories.AuthorityFactory(slug="fincen")
    payer = factories.EntityFactory(slug="payer")
    doj_settlement = factories.SettlementFactory(action=factories.EnforcementActionFactory(authority=doj))
    fincen_settlement = factories.SettlementFactory(
        action=factories.EnforcementActionFactory(authority=fincen), agreed_on=D(2024, 1, 5)
    )
    forfeiture = factories.SettlementComponentFactory(
        settlement=doj_settlement, payer=payer, amount=Decimal("1000.00"), kind=models.ComponentKind.CRIMINAL_FORFEITURE
    )
    factories.SettlementComponentFactory(
        settlement=doj_settlement, payer=payer, amount=Decimal("400.00"), part_of=forfeiture
    )
    penalty = factories.SettlementComponentFactory(
        settlement=fincen_settlement, payer=payer, amount=Decimal("3400.00"), suspended_amount=Decimal("150.00")
    )
    credit = factories.CreditFactory(component=penalty, amount=Decimal("2470.00"))
    credit.against.add(forfeiture)
    factories.SettlementComponentFactory(
        settlement=fincen_settlement, payer=payer, amount=Decimal("7.00"), currency="EUR"
    )

    by_authority = {(t.group, t.currency): t for t in penalty_totals(group_by="authority")}
    assert by_authority["doj", "USD"].gross == Decimal("1000.00")  # the part is not added again
    assert by_authority["doj", "USD"].net == Decimal("1000.00")
    fincen_usd = by_authority["fincen", "USD"]
    assert (fincen_usd.gross, fincen_usd.credited, fincen_usd.suspended, fincen_usd.net) == (
        Decimal("3400.00"),
        Decimal("2470.00"),
        Decimal("150.00"),
        Decimal("780.00"),
    )
    assert by_authority["fincen", "EUR"].net == Decimal("7.00")

    overall = {t.currency: t for t in penalty_totals(group_by="currency")}
    assert overall["USD"].gross == Decimal("4400.00")
    assert overall["USD"].net == Decimal("1780.00")
    assert overall["USD"].net == by_authority["doj", "USD"].net + fincen_usd.net

    by_year = {(t.group, t.currency): t.net for t in penalty_totals(group_by="year")}
    assert by_year[2023, "USD"] == Decimal("1000.00")
    assert by_year[2024, "USD"] == Decimal("780.00")

    only_doj = penalty_totals(models.SettlementComponent.objects.filter(settlement=doj_settlement), group_by="case")
    assert [t.gross for t in only_doj] == [Decimal("1000.00")]


def test_a_key_taken_by_an_editor_and_a_long_caption_do_not_stop_the_sync():
    action = factories.EnforcementActionFactory(slug="sec-v-example", caption="X" * 500, filed_on=D(2023, 6, 5))
    factories.EventFactory(key="sec-v-example-filed", case=action.case)
    events_sync(action)
    event = mirrored(action, models.FactField.ACTION_FILED)
    assert event.key == "sec-v-example-filed-2"
    assert len(event.title) == 300
    event.full_clean()
