"""The inbox: one item per official release, and what the last fetch of each URL returned."""

from django.db import models
from django.db.models import Q
from django.urls import reverse


class ItemStatus(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    MERGED = "merged", "Merged into an action"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed to read"


# Items an editor has decided on; a later run never rewrites them.
DECIDED = (ItemStatus.ACCEPTED, ItemStatus.MERGED, ItemStatus.REJECTED)


class InboxItem(models.Model):
    """One release of one publisher, with the values read from it, waiting for an editor's decision."""

    publisher = models.CharField("publisher", max_length=20)
    release_id = models.CharField(
        "release", max_length=200, help_text="The publisher's own number or dated id, e.g. LR-26316."
    )
    url = models.URLField("URL", max_length=500, blank=True)
    title = models.CharField("title", max_length=500, blank=True)
    published_on = models.DateField("published", null=True, blank=True)
    text = models.TextField("release text", blank=True)
    content_hash = models.CharField("content hash", max_length=64, blank=True)
    candidates = models.JSONField("extracted values", default=dict, blank=True)
    has_amounts = models.BooleanField("has amounts", default=False)
    status = models.CharField("status", max_length=10, choices=ItemStatus.choices, default=ItemStatus.NEW)
    failure = models.TextField("failure", blank=True, help_text="Why the release could not be read.")
    is_changed = models.BooleanField(
        "changed since read", default=False, help_text="The publisher changed the release after it was read."
    )
    changed_text = models.TextField("changed text", blank=True, help_text="The release as the publisher now has it.")
    changed_hash = models.CharField("changed hash", max_length=64, blank=True)
    reject_reason = models.TextField("reason for rejecting", blank=True)
    source = models.ForeignKey(
        "timeline.Source", verbose_name="source", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.ForeignKey(
        "timeline.EnforcementAction",
        verbose_name="action",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        "auth.User", verbose_name="decided by", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("decided", null=True, blank=True)
    first_seen = models.DateTimeField("first seen", auto_now_add=True)
    last_seen = models.DateTimeField("last seen", auto_now=True)

    class Meta:
        verbose_name = "inbox item"
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["publisher", "release_id"], name="timeline_watch_item_release_unique"),
            models.CheckConstraint(
                condition=Q(status__in=[value for value, _ in ItemStatus.choices]),
                name="timeline_watch_item_status_valid",
            ),
            models.CheckConstraint(condition=~Q(release_id=""), name="timeline_watch_item_release_not_blank"),
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.REJECTED) | ~Q(reject_reason=""),
                name="timeline_watch_item_reject_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.FAILED) | ~Q(failure=""),
                name="timeline_watch_item_failed_has_reason",
            ),
        ]
        indexes = [
            # Serves the inbox changelist: the open items of a publisher, newest first.
            models.Index(fields=["status", "publisher", "-published_on"], name="timeline_watch_item_inbox"),
        ]

    def __str__(self):
        return f"{self.publisher.upper()} {self.release_id}: {self.title[:80]}"

    def get_absolute_url(self):
        return reverse("admin:timeline_watch_inboxitem_change", args=[self.pk])


class FetchState(models.Model):
    """The validators the publisher sent with a URL, for conditional requests on the next run."""

    url = models.URLField("URL", max_length=500, unique=True)
    etag = models.CharField("ETag", max_length=255, blank=True)
    last_modified = models.CharField("Last-Modified", max_length=64, blank=True)
    fetched_at = models.DateTimeField("fetched", auto_now=True)

    class Meta:
        verbose_name = "fetch state"

    def __str__(self):
        return self.url
