"""Entities (people, companies, authorities, courts), their aliases, identifiers and relationships."""

from django.contrib import admin

from timeline.admin.changelists import CaseFilter
from timeline.admin.common import (
    TIMESTAMPS,
    FactAdminMixin,
    RefuseCitedDeleteMixin,
    TimelineModelAdmin,
    TimelineTabularInline,
    dated,
)
from timeline.admin.panels import entity_timeline_panel
from timeline.admin.resources import EntityResource
from timeline.admin.spreadsheets import SpreadsheetMixin
from timeline.models import Entity, EntityAlias, EntityIdentifier, EntityRelationship
from timeline.services.events import events_sync

RELATIONSHIP_DATES = ("start_date", "start_precision", "end_date", "end_precision")


class EntityAliasInline(TimelineTabularInline):
    model = EntityAlias
    fields = ("alias",)


class EntityIdentifierInline(TimelineTabularInline):
    model = EntityIdentifier
    fields = ("scheme", "value")


class RelationshipsOutInline(TimelineTabularInline):
    """'This entity is <kind> of ...': roles held, parents, owners."""

    model = EntityRelationship
    fk_name = "subject"
    verbose_name = "relationship of this entity to another"
    verbose_name_plural = "this entity is … of"
    fields = ("kind", "object", "title", *RELATIONSHIP_DATES, "case", "sources")
    autocomplete_fields = ("object", "case", "sources")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subject", "object", "case").prefetch_related("sources")


class RelationshipsInInline(TimelineTabularInline):
    """'... is <kind> of this entity': subsidiaries, officers, founders."""

    model = EntityRelationship
    fk_name = "object"
    verbose_name = "relationship of another entity to this one"
    verbose_name_plural = "… of this entity"
    fields = ("subject", "kind", "title", *RELATIONSHIP_DATES, "case", "sources")
    autocomplete_fields = ("subject", "case", "sources")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subject", "object", "case").prefetch_related("sources")


@admin.register(Entity)
class EntityAdmin(SpreadsheetMixin, RefuseCitedDeleteMixin, TimelineModelAdmin):
    resource_classes = (EntityResource,)
    list_display = ("name", "kind", "country", "alias_list", "parent", "slug")
    list_filter = ("kind", "country")
    list_select_related = ("parent",)
    search_fields = ("name", "slug", "aliases__alias", "identifiers__value")
    search_help_text = "Name, slug, alias (e.g. CZ) or identifier (LEI, CIK, QID ...)."
    ordering = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent", "sources")
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "country", "parent", "description")}),
        ("Sources", {"fields": ("sources",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )
    inlines = (EntityAliasInline, EntityIdentifierInline, RelationshipsOutInline, RelationshipsInInline)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="aliases")
    def alias_list(self, obj):
        return ", ".join(alias.alias for alias in obj.aliases.all()) or "-"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            if formset.model is EntityRelationship:
                for relationship in [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]:
                    events_sync(relationship)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["timeline"] = entity_timeline_panel(obj, request)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(EntityRelationship)
class EntityRelationshipAdmin(FactAdminMixin, TimelineModelAdmin):
    list_display = ("subject", "kind", "object", "title", "start", "end", "case")
    list_filter = ("kind", "subject__kind", "object__kind", CaseFilter)
    list_select_related = ("subject", "object", "case")
    search_fields = ("subject__name", "subject__aliases__alias", "object__name", "object__aliases__alias", "title")
    date_hierarchy = "start_date"
    ordering = ("subject__name", "kind", "object__name")
    autocomplete_fields = ("subject", "object", "case", "sources")
    readonly_fields = ("timeline_entries",)
    fieldsets = (
        (None, {"fields": ("subject", "kind", "object", "title", "case")}),
        ("Dates", {"fields": RELATIONSHIP_DATES}),
        ("Notes and sources", {"fields": ("note", "sources")}),
        ("Timeline", {"fields": ("timeline_entries",)}),
    )

    @admin.display(description="start", ordering="start_date")
    def start(self, obj):
        return dated(obj.start_date, obj.start_precision)

    @admin.display(description="end", ordering="end_date")
    def end(self, obj):
        return dated(obj.end_date, obj.end_precision)
