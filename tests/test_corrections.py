"""A reader sees when a published fact was corrected and what changed, from the audit trail."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from timeline.models import Event
from timeline.selectors.corrections import corrections_for

pytestmark = pytest.mark.django_db


def test_a_changed_value_and_a_changed_source_are_corrections_a_bare_save_is_not():
    first = factories.SourceFactory(key="first-report")
    second = factories.SourceFactory(key="second-report")
    event = factories.EventFactory(date=datetime.date(2025, 9, 1), sources=[first])
    event.save()  # timestamps only
    assert corrections_for([event]) == {}
    event.date = datetime.date(2025, 9, 16)
    event.save()
    event.sources.add(second)
    [date_fix, source_fix] = corrections_for([Event.objects.get(pk=event.pk)])[event.pk]
    assert ("date", "2025-09-01", "2025-09-16") in date_fix.changes
    assert source_fix.changes == [("sources", "first-report", "first-report, second-report")]


def test_a_corrected_amount_names_its_old_and_new_value():
    component = factories.SettlementComponentFactory(amount=Decimal("1000.00"))
    component.amount = Decimal("1200.00")
    component.save()
    [correction] = corrections_for([component])[component.pk]
    assert correction.changes == [("amount", "1000.00", "1200.00")]


def test_case_page_shows_corrected_on_with_what_changed(client):
    case = factories.CaseFactory()
    event = factories.EventFactory(case=case, title="Announced")
    event.title = "Announced by the agency"
    event.save()
    response = client.get(reverse("pages:case-detail", kwargs={"slug": case.slug}))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Corrected on" in content
    assert "title was Announced, now Announced by the agency" in content
