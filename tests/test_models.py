"""Every named constraint rejects a bad row at the database, and validation reports it as a field error."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from tests import factories
from timeline import models

D = datetime.date

# (factory, bad attributes, constraint name, field that validation blames or None when only the DB guards it)
BAD_ROWS = [
    (factories.SourceFactory, {"kind": "tweet"}, "timeline_source_kind_valid", "kind"),
    (factories.SourceFactory, {"published_precision": "week"}, "timeline_source_published_precision_valid", None),
    # An agency release is an original: only copies and mirrors name one.
    (
        factories.SourceFactory,
        {"original": factories.SourceFactory},
        "timeline_source_original_only_for_copies",
        "original",
    ),
    (factories.CaseFactory, {"kind": "civil"}, "timeline_case_kind_valid", "kind"),
    (
        factories.CaseFactory,
        {"plaintiffs": "306 victims and families"},
        "timeline_case_plaintiffs_only_in_private_suits",
        "plaintiffs",
    ),
    (factories.CreditFactory, {"quantum": "guess"}, "timeline_credit_quantum_valid", "quantum"),
    (factories.CreditFactory, {"evidence": "rumour"}, "timeline_credit_evidence_valid", "evidence"),
    # Not documented yet carrying a figure: the amount would be counted as if it were stated.
    (factories.CreditFactory, {"quantum": "unknown"}, "timeline_credit_amount_matches_quantum", "amount"),
    (
        factories.CreditFactory,
        {"quantum": "up_to", "amount": None},
        "timeline_credit_amount_matches_quantum",
        "amount",
    ),
    (factories.EntityFactory, {"kind": "robot"}, "timeline_entity_kind_valid", "kind"),
    (factories.EntityFactory, {"country": "u1"}, "timeline_entity_country_iso3166", "country"),
    (factories.EntityIdentifierFactory, {"value": ""}, "timeline_entityidentifier_not_blank", "value"),
    (factories.EntityIdentifierFactory, {"scheme": "passport"}, "timeline_entityidentifier_scheme_valid", "scheme"),
    (factories.EntityAliasFactory, {"alias": ""}, "timeline_entityalias_not_blank", "alias"),
    (
        factories.EntityRelationshipFactory,
        {"start_date": D(2023, 1, 2), "end_date": D(2023, 1, 1)},
        "timeline_entityrelationship_end_date_after_start_date",
        "end_date",
    ),
    (factories.EntityRelationshipFactory, {"kind": "friend_of"}, "timeline_entityrelationship_kind_valid", "kind"),
    (
        factories.CaseFactory,
        {"headline_amount": Decimal("-1")},
        "timeline_case_headline_amount_non_negative",
        "headline_amount",
    ),
    (
        factories.CaseFactory,
        {"headline_text": "about a billion", "headline_amount": Decimal("1"), "headline_currency": "usd"},
        "timeline_case_headline_currency_iso4217",
        "headline_currency",
    ),
    (
        factories.EnforcementActionFactory,
        {"filed_on": D(2023, 3, 27), "resolved_on": D(2023, 3, 26)},
        "timeline_enforcementaction_resolved_on_after_filed_on",
        "resolved_on",
    ),
    (factories.EnforcementActionFactory, {"status": "lost"}, "timeline_enforcementaction_status_valid", "status"),
    (
        factories.EnforcementActionFactory,
        {"action_type": "military"},
        "timeline_enforcementaction_action_type_valid",
        "action_type",
    ),
    (
        factories.EnforcementActionFactory,
        {"court": None, "docket_number": "1:23-cv-1"},
        "timeline_enforcementaction_docket_needs_court",
        "court",
    ),
    (factories.ChargeFactory, {"number": 0}, "timeline_charge_number_positive", "number"),
    (factories.ChargeFactory, {"counts": 0}, "timeline_charge_counts_positive", "counts"),
    (factories.ChargeFactory, {"disposition": "forgiven"}, "timeline_charge_disposition_valid", "disposition"),
    (factories.SettlementFactory, {"kind": "handshake"}, "timeline_settlement_kind_valid", "kind"),
    (
        factories.SettlementFactory,
        {"agreed_on": D(2023, 11, 21), "approved_on": D(2023, 11, 20)},
        "timeline_settlement_approved_on_after_agreed_on",
        "approved_on",
    ),
    (
        factories.SettlementFactory,
        {"stated_total": Decimal("-5")},
        "timeline_settlement_stated_total_non_negative",
        "stated_total",
    ),
    (
        factories.SettlementComponentFactory,
        {"amount": Decimal("-0.01")},
        "timeline_settlementcomponent_amount_non_negative",
        "amount",
    ),
    (
        factories.SettlementComponentFactory,
        {"currency": "US1"},
        "timeline_settlementcomponent_currency_iso4217",
        "currency",
    ),
    (
        factories.SettlementComponentFactory,
        {"amount": Decimal("10"), "suspended_amount": Decimal("11")},
        "timeline_settlementcomponent_suspended_within_amount",
        "suspended_amount",
    ),
    (factories.SettlementComponentFactory, {"kind": "bribe"}, "timeline_settlementcomponent_kind_valid", "kind"),
    (
        factories.SettlementComponentFactory,
        {"suspended_amount": Decimal("-1")},
        "timeline_settlementcomponent_suspended_amount_non_negative",
        "suspended_amount",
    ),
    (factories.CreditFactory, {"kind": "gift"}, "timeline_credit_kind_valid", "kind"),
    (factories.ActionPartyFactory, {"role": "witness"}, "timeline_actionparty_role_valid", "role"),
    (factories.RestrictionFactory, {"kind": "ban"}, "timeline_restriction_kind_valid", "kind"),
    (
        factories.RestrictionFactory,
        {"is_permanent": False, "start_date": D(2024, 1, 1), "end_date": D(2023, 1, 1)},
        "timeline_restriction_end_date_after_start_date",
        "end_date",
    ),
    (factories.PardonRequestFactory, {"kind": "amnesty"}, "timeline_pardonrequest_kind_valid", "kind"),
    (factories.PardonStatusChangeFactory, {"status": "lost"}, "timeline_pardonstatuschange_status_valid", "status"),
    (
        factories.EventFactory,
        {"claim_status": "rumour", "claimed_by": factories.PersonFactory},
        "timeline_event_claim_status_valid",
        "claim_status",
    ),
    (
        factories.EventFactory,
        {"fact_field": "whatever", "action": factories.EnforcementActionFactory},
        "timeline_event_fact_field_valid",
        "fact_field",
    ),
    (
        factories.SentenceFactory,
        {"fine_amount": Decimal("5"), "fine_currency": "$$$"},
        "timeline_sentence_fine_currency_iso4217",
        "fine_currency",
    ),
    (
        factories.SentenceFactory,
        {"sentenced_on": D(2024, 4, 30), "report_date": D(2024, 4, 1)},
        "timeline_sentence_report_date_after_sentenced_on",
        "report_date",
    ),
    (
        factories.SentenceFactory,
        {"report_date": D(2024, 6, 1), "released_on": D(2024, 5, 1)},
        "timeline_sentence_released_on_after_report_date",
        "released_on",
    ),
    (
        factories.SettlementFactory,
        {"stated_total": Decimal("5"), "stated_total_currency": "X"},
        "timeline_settlement_stated_total_currency_iso4217",
        "stated_total_currency",
    ),
    (
        factories.PardonRequestFactory,
        {"status": models.ClemencyStatus.REQUESTED, "granted_by": factories.PersonFactory},
        "timeline_pardonrequest_grantor_only_when_granted",
        "granted_by",
    ),
    (factories.CreditFactory, {"amount": Decimal("-1")}, "timeline_credit_amount_non_negative", "amount"),
    (factories.CreditFactory, {"currency": "dollars"[:3]}, "timeline_credit_currency_iso4217", "currency"),
    (factories.MonitorFactory, {"term_months": 0}, "timeline_monitor_term_positive", "term_months"),
    (
        factories.MonitorFactory,
        {"start_date": D(2024, 5, 1), "end_date": D(2024, 4, 1)},
        "timeline_monitor_end_date_after_start_date",
        "end_date",
    ),
    (
        factories.RestrictionFactory,
        {"is_permanent": True, "duration_months": 36},
        "timeline_restriction_permanent_has_no_end",
        "is_permanent",
    ),
    (
        factories.RestrictionFactory,
        {"is_permanent": False, "duration_months": 0},
        "timeline_restriction_duration_positive",
        "duration_months",
    ),
    (
        factories.SentenceFactory,
        {"is_life_sentence": True, "custody_months": 12},
        "timeline_sentence_life_has_no_months",
        "custody_months",
    ),
    (
        factories.SentenceFactory,
        {"fine_amount": Decimal("-1")},
        "timeline_sentence_fine_amount_non_negative",
        "fine_amount",
    ),
    (
        factories.SentenceFactory,
        {"sentenced_on": D(2024, 4, 30), "released_on": D(2024, 4, 1)},
        "timeline_sentence_released_on_after_sentenced_on",
        "released_on",
    ),
    (factories.PardonRequestFactory, {"status": "maybe"}, "timeline_pardonrequest_status_valid", "status"),
    (
        factories.PardonStatusChangeFactory,
        {"claim_status": "rumour", "claimed_by": factories.PersonFactory},
        "timeline_pardonstatuschange_claim_status_valid",
        "claim_status",
    ),
    (
        factories.PardonStatusChangeFactory,
        {"claim_status": models.ClaimStatus.REPORTED, "claimed_by": None},
        "timeline_pardonstatuschange_claim_has_claimant",
        "claimed_by",
    ),
    (
        factories.EventFactory,
        {"claim_status": models.ClaimStatus.DENIED, "claimed_by": None},
        "timeline_event_claim_has_claimant",
        "claimed_by",
    ),
    (factories.EventFactory, {"event_type": "party"}, "timeline_event_event_type_valid", "event_type"),
    (
        factories.EventFactory,
        {"fact_field": models.FactField.ACTION_FILED},
        "timeline_event_fact_field_has_fact",
        "action",
    ),
    (factories.PenaltyTotalFactory, {"currency": "usd"}, "timeline_penaltytotal_currency_iso4217", None),
    (factories.PenaltyTotalFactory, {"credited": Decimal("-1.00")}, "timeline_penaltytotal_non_negative", None),
    (factories.DataVersionFactory, {"id": 2}, "timeline_dataversion_single_row", None),
]


def _ids(row):
    return row[2]


def _resolve(bad):
    """Factories in BAD_ROWS stand for a related row made inside the test's database."""
    return {key: value() if isinstance(value, type) else value for key, value in bad.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("factory, bad, constraint, field", BAD_ROWS, ids=[_ids(row) for row in BAD_ROWS])
def test_constraint_rejects_bad_row_in_the_database(factory, bad, constraint, field):
    instance = factory()
    model = type(instance)
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        # update() bypasses every Python-side check: only the database guards this write.
        model.objects.filter(pk=instance.pk).update(**_resolve(bad))
    if connection.vendor == "postgresql":
        assert constraint in str(excinfo.value)


@pytest.mark.django_db
@pytest.mark.parametrize("factory, bad, constraint, field", BAD_ROWS, ids=[_ids(row) for row in BAD_ROWS])
def test_validation_reports_the_rule_as_a_field_error(factory, bad, constraint, field):
    instance = factory()
    for key, value in _resolve(bad).items():
        setattr(instance, key, value)
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    if field is not None:
        assert field in excinfo.value.message_dict, excinfo.value.message_dict


@pytest.mark.django_db
def test_every_named_check_constraint_is_exercised():
    from django.apps import apps

    declared = {
        constraint.name
        for model in apps.get_app_config("timeline").get_models()
        for constraint in model._meta.constraints
        if constraint.__class__.__name__ == "CheckConstraint"
    }
    exercised = {row[2] for row in BAD_ROWS}
    # Choice checks on date precisions follow one pattern; one per model family is exercised above.
    self_reference_checks = {
        "timeline_entity_not_own_parent",
        "timeline_entityrelationship_not_self",
        "timeline_settlementcomponent_not_own_part",
        "timeline_source_not_own_original",
    }  # exercised by test_self_references_are_refused
    unexercised = {
        name for name in declared - exercised - self_reference_checks if not name.endswith("_precision_valid")
    }
    assert not unexercised, sorted(unexercised)


@pytest.mark.django_db
def test_self_references_are_refused():
    entity = factories.EntityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        models.Entity.objects.filter(pk=entity.pk).update(parent=entity)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.EntityRelationshipFactory(subject=entity, object=entity)
    component = factories.SettlementComponentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        models.SettlementComponent.objects.filter(pk=component.pk).update(part_of=component)
    mirror = factories.SourceFactory(kind=models.SourceKind.AGGREGATOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        models.Source.objects.filter(pk=mirror.pk).update(original=mirror)


@pytest.mark.django_db
def test_unique_natural_keys():
    factories.EntityFactory(slug="binance-holdings", name="Binance Holdings Limited")
    with pytest.raises(IntegrityError), transaction.atomic():
        models.Entity.objects.create(slug="binance-holdings", name="Duplicate", kind=models.EntityKind.COMPANY)
    action = factories.EnforcementActionFactory(docket_number="CR23-178 RAJ")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.EnforcementActionFactory(court=action.court, docket_number="CR23-178 RAJ")
    # An empty docket number is not a key: two actions without dockets in one court are fine.
    factories.EnforcementActionFactory(court=action.court, docket_number="")
    factories.EnforcementActionFactory(court=action.court, docket_number="")
    party = factories.ActionPartyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ActionPartyFactory(action=party.action, entity=party.entity, role=party.role)


@pytest.mark.django_db
def test_unknown_currency_is_a_field_error_even_when_well_formed():
    component = factories.SettlementComponentFactory.build(
        settlement=factories.SettlementFactory(), payer=factories.EntityFactory(), currency="XYZ"
    )
    with pytest.raises(ValidationError) as excinfo:
        component.full_clean()
    assert "currency" in excinfo.value.message_dict


@pytest.mark.django_db
def test_dates_with_month_precision_sit_on_the_first_day():
    event = factories.EventFactory(date=D(2025, 4, 1), date_precision=models.DatePrecision.MONTH)
    event.full_clean()
    assert event.date_display == "April 2025"
    assert event.date_iso == "2025-04"
    event.date = D(2025, 4, 15)
    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()
    assert "date" in excinfo.value.message_dict


@pytest.mark.django_db
def test_credit_cannot_exceed_what_is_payable():
    component = factories.SettlementComponentFactory(amount=Decimal("100.00"), suspended_amount=Decimal("10.00"))
    factories.CreditFactory(component=component, amount=Decimal("50.00"))
    credit = factories.CreditFactory.build(component=component, amount=Decimal("40.01"), key="too-much")
    with pytest.raises(ValidationError) as excinfo:
        credit.full_clean()
    assert "amount" in excinfo.value.message_dict
    credit.amount = Decimal("40.00")
    credit.full_clean()


@pytest.mark.django_db
def test_action_validation_checks_the_kind_of_linked_entities():
    action = factories.EnforcementActionFactory()
    action.authority = factories.EntityFactory()
    with pytest.raises(ValidationError) as excinfo:
        action.full_clean()
    assert "authority" in excinfo.value.message_dict


@pytest.mark.django_db
def test_deleting_an_entity_or_source_that_facts_depend_on_is_refused():
    action = factories.EnforcementActionFactory()
    source = action.sources.get()
    with pytest.raises(ProtectedError):
        action.authority.delete()
    party = factories.ActionPartyFactory(action=action)
    with pytest.raises(ProtectedError):
        party.entity.delete()
    # A source cited by a fact: the citation rows protect it.
    with pytest.raises((ProtectedError, IntegrityError)), transaction.atomic():
        source.delete()
    assert models.Source.objects.filter(pk=source.pk).exists()
