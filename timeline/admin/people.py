"""Individual outcomes: sentences, and clemency requests with their dated, sourced history."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DateField, OuterRef

from timeline.admin.changelists import per_row
from timeline.admin.common import (
    TIMESTAMPS,
    FactAdminMixin,
    KnownLabelsFormSet,
    TimelineModelAdmin,
    TimelineTabularInline,
    claim_badge,
    dated,
    described_link,
    links_list,
    money,
)
from timeline.admin.resources import SentenceResource
from timeline.admin.spreadsheets import SpreadsheetMixin
from timeline.models import ClemencyStatus, Event, PardonRequest, PardonStatusChange, Sentence
from timeline.services.clemency import derived_status, pardon_request_sync_status
from timeline.services.events import events_sync


def grantor_conflict(request, history):
    """The message to show when ``history`` would leave a request with a grantor but not granted."""
    status = derived_status(history)
    if status and status != ClemencyStatus.GRANTED and request.granted_by_id:
        label = ClemencyStatus(status).label.lower()
        return (
            f"The status history leaves this request '{label}', but a grantor is recorded: "
            "add the established 'granted' step or clear 'granted by'."
        )
    return None


def sync_request_status(model_admin, http_request, pardon_request):
    """Bring the request's status in line with its history, telling the editor when it moved."""
    if pardon_request_sync_status(pardon_request):
        model_admin.message_user(
            http_request,
            f"The current status of “{pardon_request}” is now “{pardon_request.get_status_display()}”, "
            "from its status history.",
            messages.INFO,
        )


@admin.register(Sentence)
class SentenceAdmin(SpreadsheetMixin, FactAdminMixin, TimelineModelAdmin):
    resource_classes = (SentenceResource,)
    list_display = (
        "defendant",
        "action",
        "sentenced_on",
        "custody",
        "supervised_release_months",
        "fine",
        "released_on",
    )
    list_filter = ("is_life_sentence", ("judge", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("defendant", "action")
    search_fields = ("defendant__name", "defendant__aliases__alias", "action__caption", "action__slug", "facility")
    date_hierarchy = "sentenced_on"
    ordering = ("-sentenced_on",)
    autocomplete_fields = ("action", "defendant", "judge", "sources")
    readonly_fields = ("timeline_entries", *TIMESTAMPS)
    fieldsets = (
        (None, {"fields": ("action", "defendant", "sentenced_on", "judge")}),
        (
            "Sentence",
            {
                "fields": (
                    ("custody_months", "is_life_sentence"),
                    "probation_months",
                    "supervised_release_months",
                    ("fine_amount", "fine_currency"),
                )
            },
        ),
        ("What the parties sought", {"fields": ("prosecution_sought_months", "prosecution_sought", "defence_sought")}),
        ("Guidelines", {"fields": ("guidelines",)}),
        (
            "Custody",
            {"fields": ("facility", ("report_date", "report_precision"), "scheduled_release_on", "released_on")},
        ),
        ("Notes and sources", {"fields": ("note", "sources")}),
        ("Timeline", {"fields": ("timeline_entries",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )

    @admin.display(description="custody", ordering="custody_months")
    def custody(self, obj):
        return obj.custody_display

    @admin.display(description="fine", ordering="fine_amount")
    def fine(self, obj):
        return money(obj.fine_amount, obj.fine_currency)


class HistoryFormSet(KnownLabelsFormSet):
    """Refuse a history that would derive a status the request's grantor contradicts."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        steps = [
            form.instance
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        ]
        message = grantor_conflict(self.instance, steps)
        if message:
            raise ValidationError(message)


class PardonStatusChangeInline(TimelineTabularInline):
    model = PardonStatusChange
    formset = HistoryFormSet
    verbose_name_plural = "status history"
    fields = (
        "key",
        "date",
        "date_precision",
        "status",
        "claim_status",
        "claimed_by",
        "responds_to",
        "description",
        "sources",
    )
    autocomplete_fields = ("claimed_by", "responds_to", "sources")
    show_change_link = True
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("pardon_request__person", "claimed_by", "responds_to__pardon_request__person")
            .prefetch_related("sources")
        )


@admin.register(PardonRequest)
class PardonRequestAdmin(FactAdminMixin, TimelineModelAdmin):
    list_display = ("person", "kind", "status", "granted_by", "latest_step", "step_count", "slug")
    list_filter = ("kind", "status")
    list_select_related = ("person", "granted_by")
    search_fields = ("slug", "person__name", "person__aliases__alias", "summary")
    ordering = ("person__name", "slug")
    autocomplete_fields = ("person", "granted_by", "actions", "sentences", "sources")
    readonly_fields = ("timeline_entries", *TIMESTAMPS)
    fieldsets = (
        (None, {"fields": ("slug", "person", "kind", "status", "granted_by")}),
        ("Related proceedings", {"fields": ("actions", "sentences")}),
        ("Summary and sources", {"fields": ("summary", "sources")}),
        ("Timeline", {"fields": ("timeline_entries",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )
    inlines = (PardonStatusChangeInline,)

    def get_queryset(self, request):
        steps = PardonStatusChange.objects.filter(pardon_request=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                latest_date=per_row(steps, "MAX", "date", DateField()),
                step_total=per_row(steps),
            )
        )

    @admin.display(description="latest step", ordering="latest_date")
    def latest_step(self, obj):
        return obj.latest_date or "-"

    @admin.display(description="steps", ordering="step_total")
    def step_count(self, obj):
        return obj.step_total

    def timeline_sync(self, request, obj, formsets):
        sync_request_status(self, request, obj)
        events_sync(obj)

    @admin.display(description="timeline entries")
    def timeline_entries(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return links_list(list(Event.objects.filter(status_change__pardon_request=obj).order_by("date", "id")))


class PardonStatusChangeForm(forms.ModelForm):
    class Meta:
        model = PardonStatusChange
        fields = (
            "key",
            "pardon_request",
            "date",
            "date_precision",
            "status",
            "claim_status",
            "claimed_by",
            "responds_to",
            "description",
            "sources",
        )

    def clean(self):
        cleaned = super().clean()
        request = cleaned.get("pardon_request")
        if request is None and self.instance.pardon_request_id:
            request = self.instance.pardon_request
        if request and cleaned.get("date") and cleaned.get("status") and cleaned.get("claim_status"):
            step = PardonStatusChange(
                pk=self.instance.pk,
                status=cleaned["status"],
                date=cleaned["date"],
                claim_status=cleaned["claim_status"],
            )
            others = [change for change in request.history.all() if change.pk != self.instance.pk]
            message = grantor_conflict(request, [*others, step])
            if message:
                raise ValidationError(message)
        return cleaned


@admin.register(PardonStatusChange)
class PardonStatusChangeAdmin(FactAdminMixin, TimelineModelAdmin):
    form = PardonStatusChangeForm
    list_display = ("pardon_request", "date_display", "status", "claim", "responds_to", "key")
    list_filter = ("status", "claim_status", "date_precision")
    list_select_related = ("pardon_request__person", "claimed_by", "responds_to__pardon_request__person")
    search_fields = ("key", "description", "pardon_request__person__name", "claimed_by__name")
    date_hierarchy = "date"
    ordering = ("-date", "-id")
    autocomplete_fields = ("pardon_request", "claimed_by", "responds_to", "sources")
    fieldsets = (
        (None, {"fields": ("key", "pardon_request", ("date", "date_precision"), "status")}),
        ("Claim", {"fields": ("claim_status", "claimed_by", "responds_to")}),
        ("Description and sources", {"fields": ("description", "sources")}),
        ("Timeline", {"fields": ("timeline_entries",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        # A step belongs to one request; moving it would leave the old request's status stale.
        moved = ("pardon_request",) if obj is not None else ()
        return ("timeline_entries", *moved)

    @admin.display(description="date", ordering="date")
    def date_display(self, obj):
        return dated(obj.date, obj.date_precision)

    @admin.display(description="claim", ordering="claim_status")
    def claim(self, obj):
        return claim_badge(obj.claim_status, obj.get_claim_status_display(), obj.claimed_by)

    def timeline_sync(self, request, obj, formsets):
        events_sync(obj)
        sync_request_status(self, request, obj.pardon_request)

    def get_deleted_objects(self, objs, request):
        """Refuse to delete steps when what remains would contradict a request's recorded grantor."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        doomed = {obj.pk for obj in objs}
        for pardon_request in PardonRequest.objects.filter(history__in=list(doomed)).distinct():
            remaining = [change for change in pardon_request.history.all() if change.pk not in doomed]
            if grantor_conflict(pardon_request, remaining):
                protected = [*protected, described_link(pardon_request)]
        return to_delete, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        pardon_request = obj.pardon_request
        super().delete_model(request, obj)
        sync_request_status(self, request, pardon_request)

    def delete_queryset(self, request, queryset):
        requests = list(PardonRequest.objects.filter(history__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for pardon_request in requests:
            sync_request_status(self, request, pardon_request)
