"""The constraints hold for writes that bypass Django entirely (raw SQL on PostgreSQL)."""

import pytest
from django.db import IntegrityError, connection, transaction

from tests import factories

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


def raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "column, value, constraint",
    [
        ("amount", -1, "timeline_settlementcomponent_amount_non_negative"),
        ("currency", "usd", "timeline_settlementcomponent_currency_iso4217"),
        ("currency", "U$D", "timeline_settlementcomponent_currency_iso4217"),
        ("kind", "bribe", "timeline_settlementcomponent_kind_valid"),
        ("suspended_amount", 10**12, "timeline_settlementcomponent_suspended_within_amount"),
    ],
)
def test_raw_update_of_a_component_is_refused(column, value, constraint):
    component = factories.SettlementComponentFactory()
    with pytest.raises(IntegrityError, match=constraint):
        raw(f"UPDATE timeline_settlementcomponent SET {column} = %s WHERE id = %s", [value, component.pk])


def test_raw_insert_with_dates_out_of_order_is_refused():
    action = factories.EnforcementActionFactory()
    with pytest.raises(IntegrityError, match="timeline_enforcementaction_resolved_on_after_filed_on"):
        raw(
            "UPDATE timeline_enforcementaction SET filed_on = '2023-03-27', resolved_on = '2023-03-01' WHERE id = %s",
            [action.pk],
        )


def test_raw_insert_of_a_duplicate_slug_is_refused():
    entity = factories.EntityFactory(slug="binance-holdings")
    with pytest.raises(IntegrityError):
        raw(
            "INSERT INTO timeline_entity (slug, name, kind, country, description, created_at, updated_at) "
            "VALUES (%s, 'Copy', 'company', '', '', now(), now())",
            [entity.slug],
        )


def test_raw_insert_of_an_unknown_choice_is_refused():
    with pytest.raises(IntegrityError, match="timeline_entity_kind_valid"):
        raw(
            "INSERT INTO timeline_entity (slug, name, kind, country, description, created_at, updated_at) "
            "VALUES ('x', 'X', 'robot', '', '', now(), now())",
            [],
        )


def test_raw_delete_of_an_entity_a_fact_depends_on_is_refused():
    action = factories.EnforcementActionFactory()
    with pytest.raises(IntegrityError):
        # Django's foreign keys are deferred to commit; check now, as a commit would.
        raw("SET CONSTRAINTS ALL IMMEDIATE; DELETE FROM timeline_entity WHERE id = %s", [action.authority_id])


def test_raw_claim_without_claimant_is_refused():
    event = factories.EventFactory()
    with pytest.raises(IntegrityError, match="timeline_event_claim_has_claimant"):
        raw("UPDATE timeline_event SET claim_status = 'denied', claimed_by_id = NULL WHERE id = %s", [event.pk])
