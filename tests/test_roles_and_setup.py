"""Role groups exist after migrate and carry the right permissions; setup_site is repeatable."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.factories import UserFactory
from timeline.models import Case
from timeline.services.roles import roles_ensure

pytestmark = pytest.mark.django_db


def test_roles_exist_after_migrate_with_their_permissions():
    viewer, editor, admin = (Group.objects.get(name=name) for name in ("viewer", "editor", "admin"))
    viewer_perms = set(viewer.permissions.values_list("codename", flat=True))
    assert "view_enforcementaction" in viewer_perms
    assert not any(code.startswith(("add_", "change_", "delete_")) for code in viewer_perms)
    editor_perms = set(editor.permissions.values_list("codename", flat=True))
    assert {"add_settlement", "change_settlement", "delete_settlement", "view_event"} <= editor_perms
    assert "add_user" not in editor_perms
    assert "view_historicalsettlement" in editor_perms
    assert "change_historicalsettlement" not in editor_perms
    admin_perms = set(admin.permissions.values_list("codename", flat=True))
    assert editor_perms < admin_perms
    assert {"add_user", "change_group", "add_token"} <= admin_perms


def test_roles_grant_permissions_to_members_and_ensure_is_idempotent():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="viewer"))
    assert user.has_perm("timeline.view_case")
    assert not user.has_perm("timeline.change_case")
    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    roles_ensure()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before


def test_setup_site_loads_fixtures_and_can_run_twice(django_user_model, settings):
    settings.DEBUG = True  # the development superuser is only made in development
    call_command("setup_site", verbosity=0)
    call_command("setup_site", verbosity=0)
    assert django_user_model.objects.filter(username="admin", is_superuser=True).count() == 1
    case = Case.objects.get(slug="binance-changpeng-zhao")
    assert case.events.count() > 0


def test_setup_site_makes_no_superuser_in_production(django_user_model, settings):
    settings.DEBUG = False
    call_command("setup_site", "--no-fixtures", verbosity=0)
    assert not django_user_model.objects.filter(username="admin").exists()
