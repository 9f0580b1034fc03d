"""Who wants to be told about what, and what was sent: subscriptions, saved searches, deliveries.

Shapes follow CourtListener's webhooks (cl/api/models.py: a webhook, its events with an
idempotency key, a failure count) and alerts (cl/alerts/models.py: alert rates).
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q

SECRET_MIN_LENGTH = 32
MAX_WINDOW_DAYS = 366


def new_secret():
    return secrets.token_urlsafe(32)


class SubscriptionKind(models.TextChoices):
    ENTITY = "entity", "Anything about an entity"
    CASE = "case", "Anything about a case"
    AUTHORITY = "authority", "Anything an authority does"
    SAVED_SEARCH = "saved_search", "New and changed matches of a saved search"
    DEADLINE = "deadline", "Deadlines ending within a window"


# The one target column each kind needs; every other target column stays empty.
KIND_TARGET = {
    SubscriptionKind.ENTITY: "entity",
    SubscriptionKind.CASE: "case",
    SubscriptionKind.AUTHORITY: "authority",
    SubscriptionKind.SAVED_SEARCH: "saved_search",
    SubscriptionKind.DEADLINE: "window_days",
}
TARGETS = ("entity", "case", "authority", "saved_search", "window_days")
# What a webhook's owner sets, in the API and the admin alike.
WEBHOOK_SETTINGS = ("url", "secret", "kind", "entity", "include_related", *TARGETS[1:], "version", "enabled")


def one_target_condition():
    """Each kind has its own target set and every other target empty."""
    condition = Q()
    for kind, target in KIND_TARGET.items():
        rule = Q(kind=kind, **{f"{target}__isnull": False})
        for other in TARGETS:
            if other != target:
                rule &= Q(**{f"{other}__isnull": True})
        condition |= rule
    return condition


class Rate(models.TextChoices):
    """How often a saved search's matches are sent (CourtListener's alert rates)."""

    REAL_TIME = "rt", "Real time"
    DAILY = "dly", "Daily"
    WEEKLY = "wly", "Weekly"
    OFF = "off", "Off"


class SearchKind(models.TextChoices):
    FILTERS = "filters", "API filters"
    TEXT = "text", "Full-text query"
    SCREENING = "screening", "Screening query (a party's name or alias)"
    DEADLINES = "deadlines", "Deadlines ending within a window"


class SavedSearch(models.Model):
    """A search a user keeps, and how often its new and changed matches are emailed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="owner", on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField("name", max_length=200)
    kind = models.CharField("kind", max_length=10, choices=SearchKind.choices)
    query = models.JSONField(
        "query",
        default=dict,
        help_text='Filters: {"entity": "slug", "case": "slug", "authority": "slug", "event_type": "plea", '
        '"include_related": true}. Text and screening: {"q": "words"}. Deadlines: {"within_days": 30}.',
    )
    rate = models.CharField("email rate", max_length=3, choices=Rate.choices, default=Rate.DAILY)
    last_sent_at = models.DateTimeField("matches sent up to", null=True, blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        verbose_name = "saved search"
        verbose_name_plural = "saved searches"
        ordering = ["user", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SearchKind.values), name="timeline_notify_search_kind_valid"),
            models.CheckConstraint(condition=Q(rate__in=Rate.values), name="timeline_notify_search_rate_valid"),
            models.UniqueConstraint(fields=["user", "name"], name="timeline_notify_search_unique_name"),
        ]
        # Serves the digest run: the saved searches of one rate.
        indexes = [models.Index(fields=["rate", "id"], name="timeline_notify_search_rate")]

    def __str__(self):
        return self.name


class WebhookSubscription(models.Model):
    """One URL told, by signed POSTs, about one kind of change to one target."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="owner", on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField("URL", max_length=2000)
    secret = models.CharField(
        "signing secret",
        max_length=128,
        default=new_secret,
        validators=[MinLengthValidator(SECRET_MIN_LENGTH)],
        help_text=f"HMAC-SHA256 key for the X-Timeline-Signature header; at least {SECRET_MIN_LENGTH} characters.",
    )
    kind = models.CharField("kind", max_length=12, choices=SubscriptionKind.choices)
    entity = models.ForeignKey(
        "timeline.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="entity"
    )
    include_related = models.BooleanField(
        "with subsidiaries and officers", default=False, help_text="Entity subscriptions only."
    )
    case = models.ForeignKey(
        "timeline.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="case"
    )
    authority = models.ForeignKey(
        "timeline.Entity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="authority",
    )
    saved_search = models.ForeignKey(
        SavedSearch, null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks"
    )
    window_days = models.PositiveSmallIntegerField(
        "deadline window (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WINDOW_DAYS)],
        help_text="Deadline subscriptions: be told when a deadline comes within this many days.",
    )
    version = models.PositiveSmallIntegerField("payload version", default=1)
    enabled = models.BooleanField("enabled", default=True)
    failure_count = models.PositiveIntegerField(
        "failed attempts in a row", default=0, help_text="Reset by any successful delivery."
    )
    disabled_reason = models.CharField("why disabled", max_length=300, blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        verbose_name = "webhook"
        ordering = ["user", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SubscriptionKind.values), name="timeline_notify_webhook_kind_valid"
            ),
            models.CheckConstraint(condition=one_target_condition(), name="timeline_notify_webhook_one_target"),
            models.CheckConstraint(
                condition=Q(include_related=False) | Q(kind=SubscriptionKind.ENTITY),
                name="timeline_notify_webhook_related_entity_only",
            ),
            models.CheckConstraint(
                condition=Q(window_days__isnull=True) | Q(window_days__gte=1, window_days__lte=MAX_WINDOW_DAYS),
                name="timeline_notify_webhook_window_range",
            ),
            models.CheckConstraint(condition=Q(version=1), name="timeline_notify_webhook_version_known"),
        ]
        # Serves the dispatcher: enabled subscriptions of one kind.
        indexes = [models.Index(fields=["kind", "enabled"], name="timeline_notify_webhook_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.url}"

    def clean(self):
        errors = {}
        target = KIND_TARGET.get(self.kind)
        if target is not None:
            if getattr(self, target if target == "window_days" else f"{target}_id") is None:
                errors[target] = ["This kind of webhook needs it."]
            for other in TARGETS:
                value = getattr(self, other if other == "window_days" else f"{other}_id")
                if other != target and value is not None:
                    errors[other] = [f"A {self.kind} webhook takes no {other}."]
        if self.include_related and self.kind != SubscriptionKind.ENTITY:
            errors["include_related"] = ["Only entity webhooks include subsidiaries and officers."]
        if self.authority_id and self.authority.kind != "authority":
            errors["authority"] = ["This entity is not a government authority."]
        if errors:
            raise ValidationError(errors)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    RETRYING = "retrying", "Failed, will retry"
    DELIVERED = "delivered", "Delivered"
    GAVE_UP = "gave_up", "Failed every try"
    SKIPPED = "skipped", "Not sent: webhook disabled"


class WebhookDelivery(models.Model):
    """One change to tell one subscription; its id is the Idempotency-Key, the same on every retry."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField("event type", max_length=40)
    dedupe_key = models.CharField(
        "what it reports", max_length=200, help_text="The change or deadline reported, so each is told once."
    )
    payload = models.JSONField("payload")
    status = models.CharField("status", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    next_attempt_at = models.DateTimeField("next try", null=True, blank=True)
    response_status = models.PositiveSmallIntegerField("last response code", null=True, blank=True)
    error = models.CharField("last error", max_length=500, blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)
    delivered_at = models.DateTimeField("delivered", null=True, blank=True)

    class Meta:
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="timeline_notify_delivery_status_valid"
            ),
            models.UniqueConstraint(
                fields=["subscription", "dedupe_key"], name="timeline_notify_delivery_once_per_change"
            ),
        ]
        # Serves the delivery log of one subscription, newest first.
        indexes = [models.Index(fields=["subscription", "-created_at"], name="timeline_notify_delivery_log")]

    def __str__(self):
        return f"{self.event_type} to {self.subscription.url} ({self.get_status_display()})"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: when, how it ended, how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField("attempt")
    started_at = models.DateTimeField("started")
    duration_ms = models.PositiveIntegerField("duration (ms)")
    response_status = models.PositiveSmallIntegerField("response code", null=True, blank=True)
    error = models.CharField("error", max_length=500, blank=True)

    class Meta:
        verbose_name = "delivery attempt"
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="timeline_notify_attempt_unique_number")
        ]

    def __str__(self):
        return f"attempt {self.number}: {self.response_status or self.error}"


class Change(models.Model):
    """One audit-trail entry of an event, once it has been matched against every subscription.

    Recording it is how the dispatcher knows it has told everyone; digests read matches from here.
    """

    history_id = models.BigIntegerField("audit entry", unique=True)
    event = models.ForeignKey(
        "timeline.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="event"
    )
    event_key = models.CharField("event key", max_length=150)
    change_type = models.CharField("change", max_length=10)
    changed_at = models.DateTimeField("changed at")

    class Meta:
        verbose_name = "recorded change"
        ordering = ["changed_at", "history_id"]
        # Serves the digests: changes since a saved search was last sent.
        indexes = [models.Index(fields=["changed_at", "history_id"], name="timeline_notify_change_time")]

    def __str__(self):
        return f"{self.event_key} {self.change_type}"


class ScheduledJob(models.Model):
    """When a recurring job (digests, reminders) next runs; the worker claims a due row under a lock."""

    name = models.CharField("job", max_length=40, unique=True)
    next_run_at = models.DateTimeField("next run")
    last_run_at = models.DateTimeField("last run", null=True, blank=True)

    class Meta:
        verbose_name = "scheduled job"
        ordering = ["name"]

    def __str__(self):
        return self.name
