"""Pieces every timeline admin shares: autocomplete pickers that cost no query per row, the
read-only audit trail, refusal of forms built from a stale version, the timeline sync after saving
a fact, refusal to delete cited records, and small display helpers."""

from urllib.parse import urlsplit

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, quote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from timeline.admin.changelists import IdSearchMixin
from timeline.admin.history import AuditTrailAdminMixin
from timeline.models import (
    ActionParty,
    ChargeStatute,
    Credit,
    EntityRelationship,
    Monitor,
    PardonRequest,
    PardonStatusChange,
    Restriction,
    Sentence,
)
from timeline.models.common import format_date
from timeline.models.protection import many_to_many_dependents
from timeline.selectors.versions import instance_version, last_change, locked_version
from timeline.services.events import events_sync

TIMESTAMPS = ("created_at", "updated_at")

# Joins each model's __str__ needs, so a picker labelling selected rows costs one query, not one per row.
LABEL_JOINS = {
    ActionParty: ("entity",),
    ChargeStatute: ("statute",),
    Credit: ("component",),
    EntityRelationship: ("subject", "object"),
    Monitor: ("settlement",),
    PardonRequest: ("person",),
    PardonStatusChange: ("pardon_request__person",),
    Restriction: ("subject",),
    Sentence: ("defendant",),
}

CLAIM_COLOURS = {
    "fact": "#417690",
    "reported": "#b7791f",
    "confirmed": "#2f855a",
    "disputed": "#c05621",
    "denied": "#c53030",
}


class KnownLabelsMixin:
    """Autocomplete widget that labels the selected options from rows its formset already loaded.

    Django's autocomplete widgets query the selected values once per widget, that is once per
    inline row; reading the labels from each row's joined objects keeps a change page at the same
    number of queries whatever the number of rows.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shared by the copies that every form of one formset makes of this widget.
        self.known_labels = {}

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if any(v not in self.known_labels for v in selected):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for option_value in selected:
            options.append(self.create_option(name, option_value, self.known_labels[option_value], True, len(options)))
        return [(None, options, 0)]


class KnownLabelsSelect(KnownLabelsMixin, AutocompleteSelect):
    pass


class KnownLabelsSelectMultiple(KnownLabelsMixin, AutocompleteSelectMultiple):
    pass


def remember_labels(forms):
    """Record the labels of every selected related object of bound-to-instance forms."""
    for form in forms:
        if form.instance.pk is None:
            continue
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, KnownLabelsMixin):
                continue
            if widget.allow_multiple_selected:
                related = form.initial.get(name) or []
            else:
                related = [getattr(form.instance, name, None)]
            for obj in related:
                if obj is not None and hasattr(obj, "pk"):
                    widget.known_labels[str(obj.pk)] = field.label_from_instance(obj)


class KnownLabelsFormSet(BaseInlineFormSet):
    """Inline formset whose autocomplete pickers render without a query per row.

    The inline's get_queryset must join (select_related / prefetch_related) what its pickers show.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            remember_labels(self.forms)


class AutocompleteLabelsMixin:
    """Use the query-free autocomplete widgets and join what related labels need."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownLabelsSelect(db_field, self.admin_site, using=kwargs.get("using"))
        joins = LABEL_JOINS.get(db_field.related_model)
        if joins and "queryset" not in kwargs:
            kwargs["queryset"] = db_field.related_model._default_manager.select_related(*joins)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownLabelsSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        joins = LABEL_JOINS.get(db_field.related_model)
        if joins and "queryset" not in kwargs:
            kwargs["queryset"] = db_field.related_model._default_manager.select_related(*joins)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# Stale forms: every change form, and every row of its inlines, carries the version of the record it
# was built from; saving compares it with the stored version under a row lock.

VERSION_FIELD = "record_version"
STALE_MESSAGE = "This record was changed by {user} at {time} since you opened it; reload to see the new version."
GONE_MESSAGE = "This record was deleted since you opened it; reload to see what remains."


class VersionField(forms.CharField):
    """The version a form was built from. Never an edit in itself, so an untouched inline row stays untouched."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


def stale_message(model, pk):
    change = last_change(model, pk)
    if change is None:
        return STALE_MESSAGE.format(user="another editor", time="an unknown time")
    user = change.history_user.get_username() if change.history_user else "an import or command"
    when = timezone.localtime(change.history_date).strftime("%Y-%m-%d %H:%M:%S %Z")
    return STALE_MESSAGE.format(user=user, time=when)


class StaleEditCheckMixin:
    """Form mixin: refuse to save a record that changed since the form was opened.

    The version covers every stored field of the row and the many-to-many relations the form edits.
    A change form is always checked (the admin saves every field of it); an inline row only when it
    is edited or deleted, since untouched rows are not saved.
    """

    check_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD] = VersionField(required=False)
        if self.instance.pk is not None and not self.is_bound:
            self.fields[VERSION_FIELD].initial = instance_version(self.instance, self.edited_relation_ids())

    def edited_many_to_many(self):
        return [field.name for field in self._meta.model._meta.many_to_many if field.name in self.fields]

    def edited_relation_ids(self):
        """Ids of the many-to-many relations the form shows, from what it already loaded."""
        return {
            name: [getattr(item, "pk", item) for item in self.initial.get(name) or []]
            for name in self.edited_many_to_many()
        }

    def clean(self):
        cleaned = super().clean()
        pk = self.instance.pk
        if pk is None or not (self.check_unchanged or self.has_changed() or cleaned.get("DELETE")):
            return cleaned
        model = self._meta.model
        current = locked_version(model, pk, self.edited_many_to_many())
        if current is None:
            raise ValidationError(GONE_MESSAGE, code="stale")
        if cleaned.get(VERSION_FIELD) != current:
            raise ValidationError(stale_message(model, pk), code="stale")
        return cleaned


def versioned_form(form_class, check_unchanged=True):
    return type(form_class.__name__, (StaleEditCheckMixin, form_class), {"check_unchanged": check_unchanged})


def with_version_field(fieldsets):
    """Fieldsets that also render the hidden version field (in the first fieldset)."""
    fieldsets = list(fieldsets)
    if not fieldsets or VERSION_FIELD in flatten_fieldsets(fieldsets):
        return fieldsets
    name, options = fieldsets[0]
    return [(name, {**options, "fields": (*options.get("fields", ()), VERSION_FIELD)}), *fieldsets[1:]]


class TimelineModelAdmin(IdSearchMixin, AutocompleteLabelsMixin, AuditTrailAdminMixin, SimpleHistoryAdmin):
    """Base of every timeline admin: search by id sets, query-free autocomplete labels, the audit trail
    as "History", and refusal of change forms built from a stale version (with their inline rows).

    The audit trail is read-only here: reverting from it would skip the inlines' validation and
    the timeline sync that every edit through the change form goes through.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        return versioned_form(super().get_form(request, obj, change, **kwargs))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if adminform is not None:
            adminform.fieldsets = with_version_field(adminform.fieldsets)
        for inline in context.get("inline_admin_formsets", ()):
            if inline.has_change_permission:
                inline.fieldsets = with_version_field(inline.fieldsets)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("The audit trail is read-only; edit the record itself.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class VersionedInlineMixin:
    """Inline rows carry their version too, so an edited row changed meanwhile is refused."""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("form", versioned_form(self.form, check_unchanged=False))
        return super().get_formset(request, obj, **kwargs)


class TimelineTabularInline(VersionedInlineMixin, AutocompleteLabelsMixin, admin.TabularInline):
    formset = KnownLabelsFormSet
    extra = 0


class TimelineStackedInline(VersionedInlineMixin, AutocompleteLabelsMixin, admin.StackedInline):
    formset = KnownLabelsFormSet
    extra = 0


def admin_change_url(obj):
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    except NoReverseMatch:
        return ""


def admin_link(obj, text=None):
    """A link to ``obj``'s change page, or plain text when it has none."""
    url = admin_change_url(obj)
    label = obj if text is None else text
    return format_html('<a href="{}">{}</a>', url, label) if url else format_html("{}", label)


def described_link(obj):
    """'Model name: <link>', the form Django's delete confirmation uses."""
    return format_html("{}: {}", capfirst(obj._meta.verbose_name), admin_link(obj))


class RefuseCitedDeleteMixin:
    """Show the usual "cannot delete, protected" page while many-to-many citations remain.

    The models refuse such deletes (timeline.models.protection); without this the admin would
    list the citation rows as collateral and then fail on confirm.
    """

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        dependents = many_to_many_dependents(self.model, [obj.pk for obj in objs])
        return to_delete, model_count, perms_needed, [*protected, *(described_link(obj) for obj in dependents)]


def safe_url(url):
    """Only web links become anchors: fixtures skip URLField validation, so check the scheme here."""
    return url if urlsplit(url or "").scheme in {"http", "https"} else ""


def source_links(sources):
    """Inline list of sources, each linking to where it was read."""
    items = [
        format_html('<a href="{}" title="{}" rel="noopener noreferrer">{}</a>', safe_url(s.url), s.title, s.key)
        if safe_url(s.url)
        else format_html('<span title="{}">{}</span>', s.title, s.key)
        for s in sources
    ]
    return format_html_join(", ", "{}", ((item,) for item in items)) if items else "-"


def claim_badge(status, label, claimant=None):
    colour = CLAIM_COLOURS.get(status, "#4a5568")
    badge = format_html(
        '<span class="claim-badge" style="background:{};color:#fff;padding:1px 6px;border-radius:8px;'
        'font-size:0.85em;white-space:nowrap">{}</span>',
        colour,
        label,
    )
    if claimant is not None:
        return format_html("{} by {}", badge, claimant)
    return badge


def dated(value, precision):
    """A date at the precision the sources give ('March 2025'), or '-'."""
    return format_date(value, precision) or "-"


def money(amount, currency):
    if amount is None:
        return "-"
    return f"{currency} {amount:,.2f}"


def links_list(objs):
    """A compact <ul> of admin links; no newlines, so read-only field rendering keeps it intact."""
    if not objs:
        return "-"
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((admin_link(obj),) for obj in objs)))


class FactAdminMixin:
    """Admin of a dated fact: once the object and its inlines are saved, its timeline events follow.

    save_related runs after the inlines, so the sync sees the parties, components and sources
    just written; everything happens in the request's transaction.
    """

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.timeline_sync(request, form.instance, formsets)

    def timeline_sync(self, request, obj, formsets):
        events_sync(obj)

    @admin.display(description="timeline entries")
    def timeline_entries(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return links_list(list(obj.events.order_by("date", "id")))
