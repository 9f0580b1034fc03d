"""Timeline events: free-standing ones are written here; those mirroring a fact only get their wording edited."""

from django.contrib import admin
from django.db.models import OuterRef
from django.utils.html import format_html

from timeline.admin.changelists import CaseFilter, per_row, year_filter
from timeline.admin.common import TIMESTAMPS, TimelineModelAdmin, admin_link, claim_badge, described_link
from timeline.models import Event
from timeline.models.events import FACT_FIELD_LINK

# What events_sync sets from the fact; edits here would be undone by the next sync.
SYNCED_FIELDS = ("key", "date", "date_precision", "event_type", "case", "entities", "claim_status", "claimed_by")
MIRROR_NOTE = (
    "This event mirrors a fact: its date, type, case, entities and claim follow the fact and change "
    "when the fact is edited. Its title, description and any further sources are edited here."
)


@admin.register(Event)
class EventAdmin(TimelineModelAdmin):
    list_display = ("date_display", "title", "event_type", "claim", "case", "fact_field", "source_count")
    list_display_links = ("date_display", "title")
    list_filter = (
        "event_type",
        "claim_status",
        "fact_field",
        "date_precision",
        CaseFilter,
        year_filter("date", "year"),
    )
    list_select_related = ("case", "claimed_by")
    search_fields = ("title", "description", "key", "entities__name", "entities__aliases__alias")
    search_help_text = "Title, description, key, or the name or alias of an entity concerned."
    ordering = ("-date", "-id")
    autocomplete_fields = ("case", "entities", "claimed_by", "responds_to", "sources")

    def get_queryset(self, request):
        sources = Event.sources.through.objects.filter(event_id=OuterRef("pk"))
        return super().get_queryset(request).annotate(source_total=per_row(sources))

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ("key", ("date", "date_precision"), "event_type", "title", "description")}),
            ("Case and entities", {"fields": ("case", "entities")}),
            ("Claim", {"fields": ("claim_status", "claimed_by", "responds_to")}),
            ("Sources", {"fields": ("sources",)}),
        ]
        if obj is not None and obj.fact_field:
            fieldsets.insert(
                0, ("Mirrored fact", {"fields": ("fact_field", "mirrored_fact"), "description": MIRROR_NOTE})
            )
        if obj is not None:
            fieldsets.append(("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.fact_field:
            return ("fact_field", "mirrored_fact", *SYNCED_FIELDS, *TIMESTAMPS)
        return TIMESTAMPS

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.fact_field:
            context["show_delete"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_deleted_objects(self, objs, request):
        """Mirrored events go with their fact; deleting one alone would be undone by the next sync."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        mirrored = [
            format_html(
                "{} (mirrors {}: change or delete the fact instead)",
                described_link(event),
                event.get_fact_field_display().lower(),
            )
            for event in objs
            if event.fact_field
        ]
        return to_delete, model_count, perms_needed, [*protected, *mirrored]

    @admin.display(description="date", ordering="date")
    def date_display(self, obj):
        return obj.date_display

    @admin.display(description="claim", ordering="claim_status")
    def claim(self, obj):
        return claim_badge(obj.claim_status, obj.get_claim_status_display(), obj.claimed_by)

    @admin.display(description="sources", ordering="source_total")
    def source_count(self, obj):
        return obj.source_total

    @admin.display(description="fact")
    def mirrored_fact(self, obj):
        link = FACT_FIELD_LINK.get(obj.fact_field)
        fact = getattr(obj, link) if link else None
        return admin_link(fact) if fact is not None else "-"
