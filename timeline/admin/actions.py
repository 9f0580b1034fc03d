"""Proceedings: enforcement actions with their parties and charges, charges with their statutes."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import OuterRef

from timeline.admin.changelists import CaseFilter, per_row, year_filter
from timeline.admin.common import (
    TIMESTAMPS,
    FactAdminMixin,
    TimelineModelAdmin,
    TimelineTabularInline,
    dated,
)
from timeline.admin.resources import EnforcementActionResource
from timeline.admin.spreadsheets import SpreadsheetMixin
from timeline.models import ActionParty, Charge, ChargeStatute, EnforcementAction, Statute


def statute_list(charge):
    return ", ".join(str(citation) for citation in charge.citations.all()) or "-"


@admin.register(Statute)
class StatuteAdmin(TimelineModelAdmin):
    list_display = ("citation", "title", "jurisdiction", "charge_count")
    list_filter = ("jurisdiction",)
    search_fields = ("citation", "title")
    ordering = ("citation",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(charge_total=per_row(ChargeStatute.objects.filter(statute=OuterRef("pk"))))
        )

    @admin.display(description="charges citing it", ordering="charge_total")
    def charge_count(self, obj):
        return obj.charge_total


class ActionPartyInline(TimelineTabularInline):
    model = ActionParty
    fields = ("entity", "role", "note")
    autocomplete_fields = ("entity",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")


class ChargeInline(TimelineTabularInline):
    """Charges of an action; the statutes each cites are edited on the charge's own page."""

    model = Charge
    fields = (
        "number",
        "defendant",
        "description",
        "counts",
        "statutes_cited",
        "disposition",
        "disposition_on",
        "disposition_precision",
        "sources",
    )
    readonly_fields = ("statutes_cited",)
    autocomplete_fields = ("defendant", "sources")
    show_change_link = True
    formfield_overrides = {
        # Keep the tabular rows readable: charges are a sentence or two.
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("defendant").prefetch_related("sources", "citations__statute")
        )

    @admin.display(description="statutes cited")
    def statutes_cited(self, obj):
        return statute_list(obj) if obj.pk else "-"


@admin.register(EnforcementAction)
class EnforcementActionAdmin(SpreadsheetMixin, FactAdminMixin, TimelineModelAdmin):
    resource_classes = (EnforcementActionResource,)
    list_display = ("caption", "authority", "action_type", "status", "filed", "resolved", "case", "docket_number")
    list_filter = (
        "action_type",
        "status",
        ("authority", admin.RelatedOnlyFieldListFilter),
        CaseFilter,
        year_filter("filed_on", "year filed"),
    )
    list_select_related = ("authority", "case")
    search_fields = (
        "caption",
        "slug",
        "docket_number",
        "authority__name",
        "parties__entity__name",
        "parties__entity__aliases__alias",
    )
    search_help_text = "Caption, slug, docket number, authority, or a party's name or alias."
    ordering = ("-filed_on", "caption")
    autocomplete_fields = ("case", "authority", "court", "judge", "sources")
    readonly_fields = ("timeline_entries", *TIMESTAMPS)
    fieldsets = (
        (None, {"fields": ("case", "slug", "authority", "action_type", "caption")}),
        ("Court", {"fields": ("court", "docket_number", "judge")}),
        (
            "Status and dates",
            {"fields": ("status", ("filed_on", "filed_precision"), ("resolved_on", "resolved_precision"))},
        ),
        ("Summary and sources", {"fields": ("summary", "sources")}),
        ("Timeline", {"fields": ("timeline_entries",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )
    inlines = (ActionPartyInline, ChargeInline)

    @admin.display(description="filed", ordering="filed_on")
    def filed(self, obj):
        return dated(obj.filed_on, obj.filed_precision)

    @admin.display(description="resolved", ordering="resolved_on")
    def resolved(self, obj):
        return dated(obj.resolved_on, obj.resolved_precision)


class ChargeStatuteInline(TimelineTabularInline):
    model = ChargeStatute
    fields = ("statute", "confirmed")
    autocomplete_fields = ("statute",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("statute")


@admin.register(Charge)
class ChargeAdmin(TimelineModelAdmin):
    list_display = ("__str__", "action", "number", "defendant", "counts", "statutes", "disposition", "disposed")
    list_filter = ("disposition", ("action__authority", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("action", "defendant")
    search_fields = ("description", "action__caption", "action__slug", "citations__statute__citation")
    date_hierarchy = "disposition_on"
    ordering = ("action__caption", "number")
    autocomplete_fields = ("action", "defendant", "sources")
    fieldsets = (
        (None, {"fields": ("action", "number", "defendant", "description", "counts")}),
        ("Disposition", {"fields": ("disposition", ("disposition_on", "disposition_precision"))}),
        ("Notes and sources", {"fields": ("note", "sources")}),
    )
    inlines = (ChargeStatuteInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("citations__statute")

    @admin.display(description="statutes")
    def statutes(self, obj):
        return statute_list(obj)

    @admin.display(description="disposition date", ordering="disposition_on")
    def disposed(self, obj):
        return dated(obj.disposition_on, obj.disposition_precision)
