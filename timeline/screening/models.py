"""Screening: the name index matches are retrieved from, the lists compliance staff screen, and their decisions.

Lists, rows and decisions are confidential work: only their uploader and staff holding
``timeline_screening.screen_all`` see them (admin and API alike).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from timeline.models.common import choices_constraint


class NameKeyKind(models.TextChoices):
    TOKEN = "token", "Token"
    PHONETIC = "phonetic", "Phonetic code"
    DELETION = "deletion", "Token less one letter"
    NAME = "name", "Whole name"
    IDENTIFIER = "identifier", "Identifier"


class NameKey(models.Model):
    """One retrieval key of an entity: a token, its phonetic code, the token less each one letter (so a
    typo, a missing or an extra letter, or two letters swapped still meet), a whole normalised name or
    an identifier.

    Derived from the entity's name, aliases and identifiers (timeline.screening.indexing), so a
    query finds its candidates by index lookups instead of comparing every entity in Python.
    """

    entity = models.ForeignKey("timeline.Entity", on_delete=models.CASCADE, related_name="screening_keys")
    kind = models.CharField(max_length=10, choices=NameKeyKind.choices)
    key = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "kind", "key"], name="timeline_screening_namekey_unique"),
            choices_constraint("screening_namekey", "kind", NameKeyKind.choices),
            models.CheckConstraint(condition=~Q(key=""), name="timeline_screening_namekey_not_blank"),
        ]
        indexes = [
            # Serves candidate retrieval: WHERE kind = ? AND key IN (...) GROUP BY entity.
            models.Index(fields=["kind", "key", "entity"], name="timeline_screening_key_lookup"),
        ]

    def __str__(self):
        return f"{self.kind}:{self.key}"


class ScreeningStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be screened"
    DONE = "done", "Screened"


class ScreeningList(models.Model):
    """A list of names uploaded to be screened, e.g. the counterparties of an onboarding batch."""

    title = models.CharField("title", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="uploaded by", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("file name", max_length=255, blank=True)
    threshold = models.DecimalField(
        "threshold",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.75"),
        help_text="Candidates scoring at least this match.",
    )
    created_at = models.DateTimeField("uploaded", auto_now_add=True)

    audit_trail = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("screen_all", "Can see and decide on every screening list")]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=0) & Q(threshold__lte=1), name="timeline_screening_list_threshold_range"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="timeline_screening_list_title_not_blank"),
        ]

    def __str__(self):
        return self.title


class ScreeningRow(models.Model):
    """One name of a list and, once screened, its best candidates (with the enforcement summary seen)."""

    screening_list = models.ForeignKey(ScreeningList, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField("row", help_text="Line of the uploaded sheet, header included.")
    name = models.CharField("name", max_length=500)
    name_key = models.CharField("name key", max_length=255, db_index=True)
    schema = models.CharField("kind", max_length=20, default="LegalEntity")
    country = models.CharField("country", max_length=2, blank=True)
    birth_date = models.CharField("date of birth", max_length=10, blank=True)
    identifier = models.CharField("identifier", max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=ScreeningStatus.choices, default=ScreeningStatus.PENDING)
    results = models.JSONField("results", default=list, blank=True)
    screened_at = models.DateTimeField("screened", null=True, blank=True)

    class Meta:
        ordering = ["screening_list", "number"]
        constraints = [
            models.UniqueConstraint(fields=["screening_list", "number"], name="timeline_screening_row_unique"),
            choices_constraint("screening_row", "status", ScreeningStatus.choices),
            models.CheckConstraint(condition=~Q(name=""), name="timeline_screening_row_name_not_blank"),
        ]
        indexes = [
            # Serves the progress of a list and "screen the next pending rows".
            models.Index(fields=["screening_list", "status", "number"], name="timeline_screening_row_status"),
        ]

    def __str__(self):
        return f"row {self.number}"


class Verdict(models.TextChoices):
    TRUE_MATCH = "match", "True match"
    FALSE_POSITIVE = "false_positive", "False positive"


class ScreeningDecision(models.Model):
    """A reviewer's verdict on a screened name and a candidate, shown again whenever that name is screened.

    Filed under the name's key (case, script, punctuation and order ignored), so "BINANCE HOLDINGS
    LTD" next month meets the decision taken on "Binance Holdings Ltd." today.
    """

    name_key = models.CharField("name key", max_length=255)
    name = models.CharField("name screened", max_length=500)
    entity = models.ForeignKey("timeline.Entity", verbose_name="candidate", on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField("verdict", max_length=16, choices=Verdict.choices)
    note = models.TextField("note", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="decided by", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("decided", auto_now=True)
    row = models.ForeignKey(
        ScreeningRow, verbose_name="row", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )

    audit_trail = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["name_key", "entity"], name="timeline_screening_decision_unique"),
            choices_constraint("screening_decision", "verdict", Verdict.choices),
            models.CheckConstraint(condition=~Q(name_key=""), name="timeline_screening_decision_key_not_blank"),
        ]

    def __str__(self):
        return f"{self.name} → {self.entity_id}: {self.get_verdict_display()}"
