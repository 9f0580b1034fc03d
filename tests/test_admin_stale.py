"""The admin refuses to save a form built from a version of the record that has changed since."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.forms import ModelMultipleChoiceField
from django.test import Client, RequestFactory
from django.urls import reverse

from tests import factories
from timeline import models
from timeline.admin.common import VERSION_FIELD
from timeline.selectors.versions import stored_version

pytestmark = pytest.mark.django_db

STALE = re.compile(
    r"This record was changed by (?P<user>.+) at (?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+) since you opened it; "
    r"reload to see the new version\."
)


def change_url(obj):
    return reverse(f"admin:timeline_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(response):
    """The change form of ``response`` as a browser posts it back: every field and inline row, unchanged."""
    data = {}

    def put(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, ModelMultipleChoiceField):
                data[key] = [str(item) for item in value or []]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = "" if value is None else str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for form in formset.initial_forms:
            put(form)
        for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{key}"] = str(formset.management_form[key].value())
    return data


def open_form(client, obj):
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return form_data(response)


def form_errors(response):
    errors = list(response.context["adminform"].form.non_field_errors())
    for inline in response.context["inline_admin_formsets"]:
        for form_errors_ in inline.formset.errors:
            errors.extend(form_errors_.get("__all__", []))
    return errors


@pytest.fixture
def bob():
    client = Client()
    client.force_login(factories.SuperUserFactory(username="bob"))
    return client


@pytest.fixture
def acme():
    return factories.EntityFactory(slug="acme", name="Acme", description="Original.")


def test_a_stale_form_is_refused_and_the_newer_edit_kept(admin_client, bob, acme):
    stale = open_form(admin_client, acme)
    newer = open_form(bob, acme)
    assert bob.post(change_url(acme), {**newer, "name": "Acme Holdings"}).status_code == 302

    response = admin_client.post(change_url(acme), {**stale, "description": "Rewritten."})

    assert response.status_code == 200
    [message] = form_errors(response)
    assert STALE.fullmatch(message).group("user") == "bob"
    assert "reload to see the new version" in response.content.decode()
    acme.refresh_from_db()
    assert (acme.name, acme.description) == ("Acme Holdings", "Original.")

    fresh = open_form(admin_client, acme)
    assert admin_client.post(change_url(acme), {**fresh, "description": "Rewritten."}).status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.description) == ("Acme Holdings", "Rewritten.")


def test_saving_an_untouched_stale_form_would_revert_the_newer_edit_so_it_is_refused(admin_client, bob, acme):
    stale = open_form(admin_client, acme)
    assert bob.post(change_url(acme), {**open_form(bob, acme), "name": "Acme Holdings"}).status_code == 302
    assert admin_client.post(change_url(acme), stale).status_code == 200
    acme.refresh_from_db()
    assert acme.name == "Acme Holdings"


def test_a_form_posted_twice_is_refused_the_second_time(admin_client, acme):
    data = {**open_form(admin_client, acme), "description": "Once."}
    assert admin_client.post(change_url(acme), data).status_code == 302
    response = admin_client.post(change_url(acme), {**data, "description": "Twice."})
    assert response.status_code == 200
    assert STALE.fullmatch(form_errors(response)[0]).group("user") == "root"
    acme.refresh_from_db()
    assert acme.description == "Once."


def test_a_change_made_outside_the_admin_counts_too(admin_client, acme):
    stale = open_form(admin_client, acme)
    acme.sources.add(factories.SourceFactory())  # touches no column of the entity row
    response = admin_client.post(change_url(acme), {**stale, "name": "Renamed"})
    assert response.status_code == 200
    assert STALE.fullmatch(form_errors(response)[0])
    acme.refresh_from_db()
    assert acme.name == "Acme"
    assert acme.sources.count() == 1


def test_an_edited_inline_row_changed_meanwhile_is_refused(admin_client, acme):
    alias = factories.EntityAliasFactory(entity=acme, alias="ACME")
    stale = open_form(admin_client, acme)
    prefix = next(key for key, value in stale.items() if key.endswith("-alias") and value == "ACME")
    alias.alias = "Acme Corp"
    alias.save()

    response = admin_client.post(change_url(acme), {**stale, prefix: "ACME Inc."})

    assert response.status_code == 200
    assert STALE.fullmatch(form_errors(response)[0]).group("user") == "an import or command"
    alias.refresh_from_db()
    assert alias.alias == "Acme Corp"


def test_inline_rows_changed_by_nobody_save_normally(admin_client, acme):
    alias = factories.EntityAliasFactory(entity=acme, alias="ACME")
    other = factories.EntityAliasFactory(entity=acme, alias="Acme Co")
    data = open_form(admin_client, acme)
    prefix = next(key for key, value in data.items() if key.endswith("-alias") and value == "ACME")
    assert admin_client.post(change_url(acme), {**data, prefix: "ACME Inc."}).status_code == 302
    alias.refresh_from_db()
    other.refresh_from_db()
    assert (alias.alias, other.alias) == ("ACME Inc.", "Acme Co")


def test_rows_without_timestamps_are_versioned_by_their_values(admin_client, bob):
    component = factories.SettlementComponentFactory(amount=Decimal("100.00"))
    stale = open_form(admin_client, component)
    assert bob.post(change_url(component), {**open_form(bob, component), "amount": "250.00"}).status_code == 302

    response = admin_client.post(change_url(component), {**stale, "note": "Checked."})

    assert response.status_code == 200
    assert STALE.fullmatch(form_errors(response)[0]).group("user") == "bob"
    component.refresh_from_db()
    assert (component.amount, component.note) == (Decimal("250.00"), "")


def hidden_versions(content):
    return dict(re.findall(rf'<input type="hidden" name="([\w-]*{VERSION_FIELD})" value="([0-9a-f]*)"', content))


def test_the_version_is_a_hidden_field_of_the_form_and_of_each_inline_row(admin_client, acme):
    alias = factories.EntityAliasFactory(entity=acme)
    versions = hidden_versions(admin_client.get(change_url(acme)).content.decode())
    assert versions[VERSION_FIELD] == stored_version(models.Entity, acme.pk, ["sources"])
    assert versions[f"aliases-0-{VERSION_FIELD}"] == stored_version(models.EntityAlias, alias.pk)
    # Also where the admin builds its fieldsets itself.
    event = factories.EventFactory()
    versions = hidden_versions(admin_client.get(change_url(event)).content.decode())
    assert versions[VERSION_FIELD] == stored_version(models.Event, event.pk, ["entities", "sources"])


def test_every_admin_form_starts_from_the_stored_version(curated_data, superuser):
    """The version a change form shows (computed from what it loaded) equals the stored one, for
    every curated record and every inline row: otherwise an unchanged form could never be saved."""
    request = RequestFactory().get("/")
    request.user = superuser
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "timeline":
            continue
        for pk in model._default_manager.values_list("pk", flat=True)[:40]:
            obj = model_admin.get_object(request, str(pk))
            form = model_admin.get_form(request, obj, change=True)(instance=obj)
            expected = stored_version(model, pk, form.edited_many_to_many())
            assert form.fields[VERSION_FIELD].initial == expected, (model, pk)
            checked += 1
            for inline in model_admin.get_inline_instances(request, obj):
                formset = inline.get_formset(request, obj)(instance=obj, queryset=inline.get_queryset(request))
                for row in formset.initial_forms:
                    expected = stored_version(inline.model, row.instance.pk, row.edited_many_to_many())
                    assert row.fields[VERSION_FIELD].initial == expected, (inline.model, row.instance.pk)
                    checked += 1
    assert checked > 100
    assert models.Entity.objects.exists()
