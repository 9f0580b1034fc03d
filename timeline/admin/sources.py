"""Sources: the citations every fact carries; one still cited cannot be deleted."""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from timeline.admin.common import TIMESTAMPS, RefuseCitedDeleteMixin, TimelineModelAdmin, dated, safe_url
from timeline.models import Source


@admin.register(Source)
class SourceAdmin(RefuseCitedDeleteMixin, TimelineModelAdmin):
    list_display = ("key", "title", "publisher", "published", "kind", "original", "link")
    list_select_related = ("original",)
    list_filter = ("kind", "published_precision", "publisher")
    search_fields = ("key", "title", "publisher", "url", "note")
    date_hierarchy = "published_on"
    autocomplete_fields = ("original",)
    ordering = ("key",)
    readonly_fields = TIMESTAMPS
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("key", "kind", "title", "publisher", "url", "original")}),
        ("Publication", {"fields": (("published_on", "published_precision"),)}),
        ("Note", {"fields": ("note",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )

    @admin.display(description="published", ordering="published_on")
    def published(self, obj):
        return dated(obj.published_on, obj.published_precision)

    @admin.display(description="link")
    def link(self, obj):
        url = safe_url(obj.url)
        return format_html('<a href="{}" rel="noopener noreferrer">open</a>', url) if url else "-"
