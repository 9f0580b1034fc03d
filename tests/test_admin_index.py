"""The admin index lists recent events; timeline panels link to the public pages."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_admin_index_lists_recent_events_newest_first(admin_client, django_assert_max_num_queries):
    older = factories.EventFactory(title="Older event")
    newer = factories.EventFactory(title="Newer <b>event</b>")
    older.save()  # touched last: changed most recently
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert "Recent timeline events" in html
    assert html.index("Older event") < html.index("Newer &lt;b&gt;event&lt;/b&gt;")
    assert reverse("admin:timeline_event_change", args=[newer.pk]) in html


def test_staff_without_event_permission_sees_no_recent_events(client, staff_user):
    factories.EventFactory(title="Hidden event")
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Hidden event" not in html


def test_case_and_entity_panels_link_to_the_public_pages(admin_client):
    case = factories.CaseFactory()
    entity = factories.EntityFactory()
    case_html = admin_client.get(reverse("admin:timeline_case_change", args=[case.pk])).content.decode()
    assert f'href="{reverse("pages:case-detail", kwargs={"slug": case.slug})}"' in case_html
    entity_html = admin_client.get(reverse("admin:timeline_entity_change", args=[entity.pk])).content.decode()
    assert f'href="{reverse("pages:entity-detail", kwargs={"slug": entity.slug})}"' in entity_html
