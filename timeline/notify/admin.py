"""Webhooks, their delivery logs and saved searches for administrators; the deadlines page for staff."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path

from timeline.notify import transport
from timeline.notify.models import WEBHOOK_SETTINGS, DeliveryAttempt, SavedSearch, WebhookDelivery, WebhookSubscription
from timeline.notify.selectors.deadlines import DeadlineKind, deadlines_within, today

WINDOWS = (7, 30, 90, 180, 365)


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=2000, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ["user", *WEBHOOK_SETTINGS, "disabled_reason"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        transport.url_check(url)
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["id", "user", "kind", "url", "enabled", "failure_count", "updated_at"]
    list_filter = ["kind", "enabled"]
    list_select_related = ["user"]
    search_fields = ["url", "user__username"]
    raw_id_fields = ["user", "entity", "case", "authority", "saved_search"]
    readonly_fields = ["failure_count", "created_at", "updated_at"]


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "started_at", "duration_ms", "response_status", "error"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what was sent where, how each try went, when the next one is due."""

    list_display = ["id", "subscription", "event_type", "status", "attempts", "response_status", "next_attempt_at"]
    list_filter = ["status", "event_type"]
    list_select_related = ["subscription"]
    search_fields = ["=id", "subscription__url", "dedupe_key"]
    inlines = [AttemptInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "kind", "rate", "last_sent_at"]
    list_filter = ["kind", "rate"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username"]
    raw_id_fields = ["user"]

    def get_urls(self):
        deadlines = path(
            "deadlines/", self.admin_site.admin_view(self.deadlines_view), name="timeline_notify_deadlines"
        )
        return [deadlines, *super().get_urls()]

    def deadlines_view(self, request):
        """Deadlines within a window, for anyone who may view monitors (every staff role)."""
        if not request.user.has_perm("timeline.view_monitor"):
            raise PermissionDenied
        try:
            window = int(request.GET.get("within_days", "30"))
            if window not in WINDOWS:
                raise ValueError
        except ValueError:
            raise ValidationError("within_days") from None
        kind = request.GET.get("kind") or None
        kinds = [kind] if kind in DeadlineKind.values else None
        day = today()
        found = deadlines_within(window, kinds=kinds, on=day)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Deadlines within {window} days",
            "rows": [(deadline, deadline.days_left(day)) for deadline in found],
            "windows": WINDOWS,
            "window": window,
            "kinds": DeadlineKind.choices,
            "kind": kind,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "timeline_notify/deadlines.html", context)
