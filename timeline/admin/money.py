"""Settlements and their terms: typed components, credits between them, monitors, bars and injunctions."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef

from timeline.admin.changelists import per_row, year_filter
from timeline.admin.common import (
    TIMESTAMPS,
    FactAdminMixin,
    KnownLabelsFormSet,
    TimelineModelAdmin,
    TimelineStackedInline,
    TimelineTabularInline,
    dated,
    money,
)
from timeline.admin.panels import settlement_credits_panel, settlement_penalty_panel
from timeline.admin.resources import SettlementComponentResource
from timeline.admin.spreadsheets import SpreadsheetMixin
from timeline.models import Credit, CreditQuantum, Monitor, Restriction, Settlement, SettlementComponent
from timeline.services.events import events_sync

DATE_RANGE = (("start_date", "start_precision"), ("end_date", "end_precision"))
SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


class ComponentInline(TimelineStackedInline):
    model = SettlementComponent
    fields = (
        ("key", "kind", "payer"),
        ("amount", "currency", "is_approximate", "suspended_amount"),
        ("part_of", "description"),
        ("terms", "note"),
        "sources",
    )
    autocomplete_fields = ("payer", "part_of", "sources")
    show_change_link = True
    formfield_overrides = SHORT_TEXT

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payer", "part_of").prefetch_related("sources")


class MonitorInline(TimelineStackedInline):
    model = Monitor
    fields = (("key", "monitor", "term_months"), *DATE_RANGE, ("scope", "note"), "sources")
    autocomplete_fields = ("monitor", "sources")
    formfield_overrides = SHORT_TEXT

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("monitor", "settlement").prefetch_related("sources")


class RestrictionInline(TimelineStackedInline):
    model = Restriction
    verbose_name_plural = "bars, injunctions and undertakings"
    fields = (
        ("key", "kind", "subject"),
        ("is_permanent", "duration_months"),
        *DATE_RANGE,
        ("scope", "note"),
        "sources",
    )
    autocomplete_fields = ("subject", "sources")
    formfield_overrides = SHORT_TEXT

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subject").prefetch_related("sources")


@admin.register(Settlement)
class SettlementAdmin(FactAdminMixin, TimelineModelAdmin):
    list_display = ("title", "action", "authority", "kind", "agreed", "approved", "stated", "component_count")
    list_filter = (
        "kind",
        ("action__authority", admin.RelatedOnlyFieldListFilter),
        year_filter("agreed_on", "year agreed"),
    )
    list_select_related = ("action__authority",)
    search_fields = ("title", "slug", "action__caption", "components__payer__name")
    ordering = ("-agreed_on", "title")
    autocomplete_fields = ("action", "sources")
    readonly_fields = ("timeline_entries", *TIMESTAMPS)
    fieldsets = (
        (None, {"fields": ("action", "slug", "kind", "title")}),
        ("Dates", {"fields": (("agreed_on", "agreed_precision"), ("approved_on", "approved_precision"))}),
        ("Stated total", {"fields": (("stated_total", "stated_total_currency"),)}),
        ("Summary and sources", {"fields": ("summary", "sources")}),
        ("Timeline", {"fields": ("timeline_entries",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )
    inlines = (ComponentInline, MonitorInline, RestrictionInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(component_total=per_row(SettlementComponent.objects.filter(settlement=OuterRef("pk"))))
        )

    @admin.display(description="authority", ordering="action__authority__name")
    def authority(self, obj):
        return obj.action.authority

    @admin.display(description="agreed", ordering="agreed_on")
    def agreed(self, obj):
        return dated(obj.agreed_on, obj.agreed_precision)

    @admin.display(description="approved", ordering="approved_on")
    def approved(self, obj):
        return dated(obj.approved_on, obj.approved_precision)

    @admin.display(description="stated total", ordering="stated_total")
    def stated(self, obj):
        return money(obj.stated_total, obj.stated_total_currency)

    @admin.display(description="components", ordering="component_total")
    def component_count(self, obj):
        return obj.component_total

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["penalties"] = settlement_penalty_panel(obj)
            context["credits"] = settlement_credits_panel(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


class CreditFormSet(KnownLabelsFormSet):
    """Stated credits on one component together cannot exceed what is payable on it (bounds are checked per row)."""

    def clean(self):
        super().clean()
        component = self.instance
        if any(self.errors) or component.pk is None or component.amount is None:
            return
        credited = sum(
            (
                form.cleaned_data["amount"]
                for form in self.forms
                if form.cleaned_data.get("amount") is not None
                and form.cleaned_data.get("quantum", CreditQuantum.STATED) == CreditQuantum.STATED
                and not self._should_delete_form(form)
            ),
            Decimal("0"),
        )
        payable = component.amount - (component.suspended_amount or 0)
        if credited > payable:
            raise ValidationError(
                f"Credits total {money(credited, component.currency)}, more than the "
                f"{money(payable, component.currency)} payable on this component."
            )


class CreditInline(TimelineTabularInline):
    model = Credit
    fk_name = "component"
    formset = CreditFormSet
    fields = (
        "key",
        "kind",
        "quantum",
        "amount",
        "currency",
        "is_approximate",
        "evidence",
        "against",
        "note",
        "sources",
    )
    autocomplete_fields = ("against", "sources")
    formfield_overrides = SHORT_TEXT

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("component").prefetch_related("against", "sources")


class SettlementSyncMixin:
    """Component payers appear on the settlement's timeline event, so deleting a component resyncs it."""

    def delete_model(self, request, obj):
        settlement = obj.settlement
        super().delete_model(request, obj)
        events_sync(settlement)

    def delete_queryset(self, request, queryset):
        settlements = list(Settlement.objects.filter(components__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for settlement in settlements:
            events_sync(settlement)


@admin.register(SettlementComponent)
class SettlementComponentAdmin(SpreadsheetMixin, SettlementSyncMixin, FactAdminMixin, TimelineModelAdmin):
    resource_classes = (SettlementComponentResource,)
    list_display = ("key", "settlement", "payer", "kind", "amount_display", "suspended", "part_of", "credit_count")
    list_filter = (
        "kind",
        "currency",
        "is_approximate",
        ("settlement__action__authority", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("settlement", "payer", "part_of")
    search_fields = ("key", "description", "payer__name", "settlement__title", "settlement__slug")
    ordering = ("settlement__title", "key")
    autocomplete_fields = ("settlement", "payer", "part_of", "sources")
    fieldsets = (
        (None, {"fields": ("key", "settlement", "payer", "kind")}),
        ("Amount", {"fields": (("amount", "currency", "is_approximate"), "suspended_amount", "part_of")}),
        ("Details and sources", {"fields": ("description", "terms", "note", "sources")}),
    )
    inlines = (CreditInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(credit_total=per_row(Credit.objects.filter(component=OuterRef("pk"))))
        )

    def timeline_sync(self, request, obj, formsets):
        events_sync(obj.settlement)

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, obj):
        prefix = "about " if obj.is_approximate else ""
        return prefix + money(obj.amount, obj.currency)

    @admin.display(description="suspended", ordering="suspended_amount")
    def suspended(self, obj):
        return money(obj.suspended_amount, obj.currency) if obj.suspended_amount else "-"

    @admin.display(description="credits", ordering="credit_total")
    def credit_count(self, obj):
        return obj.credit_total


@admin.register(Credit)
class CreditAdmin(TimelineModelAdmin):
    list_display = ("key", "component", "settlement", "kind", "amount_display", "against_list")
    list_filter = ("kind", "quantum", "evidence", "currency", "is_approximate")
    list_select_related = ("component__settlement",)
    search_fields = ("key", "note", "component__key", "component__settlement__title", "against__key")
    ordering = ("component__key", "key")
    autocomplete_fields = ("component", "against", "sources")
    fieldsets = (
        (None, {"fields": ("key", "component", "kind", "evidence")}),
        ("Amount", {"fields": ("quantum", ("amount", "currency", "is_approximate"), "against")}),
        ("Notes and sources", {"fields": ("note", "sources")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("against")

    @admin.display(description="settlement", ordering="component__settlement__title")
    def settlement(self, obj):
        return obj.component.settlement

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, obj):
        return ("about " if obj.is_approximate else "") + obj.amount_display

    @admin.display(description="against")
    def against_list(self, obj):
        return ", ".join(component.key for component in obj.against.all()) or "-"


@admin.register(Monitor)
class MonitorAdmin(TimelineModelAdmin):
    list_display = ("key", "settlement", "monitor", "term_months", "start", "end")
    list_filter = (("settlement__action__authority", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("settlement", "monitor")
    search_fields = ("key", "monitor__name", "settlement__title", "scope")
    date_hierarchy = "start_date"
    ordering = ("settlement__title", "key")
    autocomplete_fields = ("settlement", "monitor", "sources")
    fieldsets = (
        (None, {"fields": ("key", "settlement", "monitor", "term_months")}),
        ("Term", {"fields": DATE_RANGE}),
        ("Scope, notes and sources", {"fields": ("scope", "note", "sources")}),
    )

    @admin.display(description="start", ordering="start_date")
    def start(self, obj):
        return dated(obj.start_date, obj.start_precision)

    @admin.display(description="end", ordering="end_date")
    def end(self, obj):
        return dated(obj.end_date, obj.end_precision)


@admin.register(Restriction)
class RestrictionAdmin(TimelineModelAdmin):
    list_display = ("key", "subject", "kind", "is_permanent", "duration_months", "start", "end", "settlement")
    list_filter = ("kind", "is_permanent", ("settlement__action__authority", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("subject", "settlement")
    search_fields = ("key", "subject__name", "subject__aliases__alias", "scope", "settlement__title")
    date_hierarchy = "start_date"
    ordering = ("settlement__title", "key")
    autocomplete_fields = ("settlement", "subject", "sources")
    fieldsets = (
        (None, {"fields": ("key", "settlement", "subject", "kind", "scope")}),
        ("Duration", {"fields": ("is_permanent", "duration_months", *DATE_RANGE)}),
        ("Notes and sources", {"fields": ("note", "sources")}),
    )

    @admin.display(description="start", ordering="start_date")
    def start(self, obj):
        return dated(obj.start_date, obj.start_precision)

    @admin.display(description="end", ordering="end_date")
    def end(self, obj):
        return dated(obj.end_date, obj.end_precision)
