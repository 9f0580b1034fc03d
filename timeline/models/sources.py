"""Citations: every fact in timeline cites one or more sources."""

from django.db import models
from simple_history.models import HistoricalRecords

from timeline.models.common import DatePrecision, check_precisions, choices_constraint, precision_field
from timeline.models.protection import ProtectedDeleteMixin, ProtectedQuerySet


class SourceKind(models.TextChoices):
    AGENCY_RELEASE = "agency_release", "Agency release or order"
    COURT_RECORD = "court_record", "Court record"
    COURT_RECORD_COPY = "court_record_copy", "Copy of a court record"
    NEWS = "news", "News report"
    LAW_FIRM = "law_firm", "Law-firm or legal summary"
    STATEMENT = "statement", "Statement by a party"
    OTHER = "other", "Other"


class SourceManager(models.Manager.from_queryset(ProtectedQuerySet)):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Source(ProtectedDeleteMixin, models.Model):
    """A citation: where a fact was read, and who published it when."""

    key = models.SlugField("key", max_length=80, unique=True, help_text="Stable editor-chosen key, e.g. binance-b01.")
    url = models.URLField("URL", max_length=500)
    title = models.CharField("title", max_length=500)
    publisher = models.CharField("publisher", max_length=255)
    published_on = models.DateField("publication date", null=True, blank=True)
    published_precision = precision_field("publication date precision")
    kind = models.CharField("kind", max_length=20, choices=SourceKind.choices, default=SourceKind.NEWS)
    note = models.TextField("note", blank=True, help_text="Caveats: a copy of a primary text, a known typo, ...")
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = SourceManager()
    audit_trail = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        constraints = [
            choices_constraint("source", "kind", SourceKind.choices),
            choices_constraint("source", "published_precision", DatePrecision.choices),
        ]

    def __str__(self):
        return f"{self.publisher}: {self.title}"

    def natural_key(self):
        return (self.key,)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        check_precisions(self, [("published_on", "published_precision")], errors)
        if errors:
            raise ValidationError(errors)
