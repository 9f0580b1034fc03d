"""Cases: one matter across authorities, shown with its proceedings, timeline and penalty totals."""

from django.contrib import admin
from django.db.models import OuterRef
from django.utils.html import format_html, format_html_join

from timeline.admin.changelists import per_row
from timeline.admin.common import TIMESTAMPS, TimelineModelAdmin, admin_change_url, dated, money
from timeline.admin.panels import case_penalty_panel, case_timeline_panel
from timeline.models import Case, EnforcementAction, Event


@admin.register(Case)
class CaseAdmin(TimelineModelAdmin):
    list_display = ("title", "slug", "headline", "action_count", "event_count", "updated_at")
    search_fields = ("title", "slug", "summary")
    ordering = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("headline_sources", "sources")
    readonly_fields = ("proceedings", *TIMESTAMPS)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary")}),
        (
            "Headline figure as stated",
            {
                "fields": ("headline_text", "headline_amount", "headline_currency", "headline_sources"),
                "description": "The total as officials announced it; the computed totals are shown beside it.",
            },
        ),
        ("Proceedings", {"fields": ("proceedings",)}),
        ("Sources", {"fields": ("sources",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                action_total=per_row(EnforcementAction.objects.filter(case=OuterRef("pk"))),
                event_total=per_row(Event.objects.filter(case=OuterRef("pk"))),
            )
        )

    @admin.display(description="stated headline")
    def headline(self, obj):
        if not obj.headline_text:
            return "-"
        if obj.headline_amount is None:
            return obj.headline_text
        return f"{obj.headline_text} ({money(obj.headline_amount, obj.headline_currency)})"

    @admin.display(description="actions", ordering="action_total")
    def action_count(self, obj):
        return obj.action_total

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj):
        return obj.event_total

    @admin.display(description="proceedings")
    def proceedings(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        actions = obj.actions.select_related("authority").order_by("filed_on", "caption")
        if not actions:
            return "-"
        rows = (
            (
                admin_change_url(action),
                action.caption,
                action.authority.name,
                action.get_action_type_display().lower(),
                action.get_status_display().lower(),
                dated(action.filed_on, action.filed_precision),
            )
            for action in actions
        )
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", '<li><a href="{}">{}</a> ({}, {}; {}; filed {})</li>', rows),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["timeline"] = case_timeline_panel(obj)
            context["penalties"] = case_penalty_panel(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
