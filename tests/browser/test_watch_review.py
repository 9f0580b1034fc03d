"""The review page in headless Chromium: an editor signs in, opens an OFAC release from the inbox, sees
each extracted value marked in the text and lit up from its form row, and accepts it into timeline."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from tests.browser.support import screenshot, serious_axe_violations
from tests.watch_server import SAMPLES
from timeline.models import SettlementComponent
from timeline.watch.models import InboxItem, ItemStatus

pytestmark = pytest.mark.browser
PASSWORD = "a long reviewing passphrase"


@pytest.fixture
def ofac_item(transactional_db):
    factories.AuthorityFactory(slug="ofac", name="Office of Foreign Assets Control")
    factories.EntityFactory(slug="binance-holdings", name="Binance Holdings Limited")
    factories.CaseFactory(slug="binance-review", title="Binance review case")
    call_command("watch_agencies", "--from-dir", str(SAMPLES), "--publisher", "ofac", stdout=StringIO())
    editor = factories.StaffUserFactory(username="reviewer", password=PASSWORD)
    editor.groups.add(Group.objects.get(name="editor"))
    return InboxItem.objects.get(release_id="OFAC-20231121")


def sign_in(page):
    page.goto("/admin/")
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.IGNORECASE)).click()
    page.wait_for_url("**/admin/")


def test_editor_reviews_the_marked_release_and_accepts_it(browser_page, ofac_item):
    page = browser_page
    sign_in(page)
    page.goto(reverse("admin:timeline_watch_inboxitem_changelist") + "?has_amounts__exact=1")
    page.get_by_role("link", name="OFAC-20231121").click()
    page.wait_for_url(re.compile(re.escape(reverse("admin:timeline_watch_inboxitem_change", args=[ofac_item.pk]))))

    amount = page.locator("#watch-text mark#cand-amounts-0")
    assert amount.inner_text() == "$968,618,825"
    party = page.locator("#watch-text mark.watch-parties").first
    assert party.inner_text() == "Binance Holdings, Ltd."
    row = page.locator("fieldset.watch-amount").first
    assert "968618825 USD" in row.inner_text()
    assert (
        "probably Binance Holdings Limited (binance-holdings)"
        in page.locator("fieldset.watch-party").first.inner_text()
    )

    # Pointing at the amount's form row lights up the words it was read from, and only while pointed at.
    row.hover()
    assert "watch-focus" in amount.get_attribute("class")
    page.locator("h1").first.hover()
    assert "watch-focus" not in amount.get_attribute("class")
    screenshot(page, "watch-review-ofac")
    assert serious_axe_violations(page) == []

    form = page.locator("#accept-form")
    form.get_by_label("Case (slug):", exact=True).fill("binance-review")
    assert form.locator("#id_amount_0_kind").input_value() == "sanctions_settlement"
    form.get_by_role("button", name="Accept into timeline").click()
    page.wait_for_url(re.compile(re.escape(reverse("admin:timeline_watch_inboxitem_change", args=[ofac_item.pk]))))
    assert "Accepted" in page.locator("ul.messagelist").inner_text()
    assert page.locator("#watch-status").inner_text() == "Accepted"

    ofac_item.refresh_from_db()
    assert ofac_item.status == ItemStatus.ACCEPTED
    component = SettlementComponent.objects.get(settlement__action=ofac_item.action)
    assert (component.amount, component.kind, component.payer.slug) == (
        Decimal("968618825.00"),
        "sanctions_settlement",
        "binance-holdings",
    )
    assert list(component.sources.values_list("url", flat=True)) == [
        "https://ofac.treasury.gov/recent-actions/20231121"
    ]
