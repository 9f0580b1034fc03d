"""Citations: every fact in timeline cites one or more sources."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from timeline.models.common import DatePrecision, check_precisions, choices_constraint, precision_field
from timeline.models.protection import ProtectedDeleteMixin, ProtectedQuerySet


class SourceKind(models.TextChoices):
    AGENCY_RELEASE = "agency_release", "Agency release or order"
    COURT_RECORD = "court_record", "Court record"
    COURT_RECORD_COPY = "court_record_copy", "Copy of a court record"
    STATEMENT = "statement", "Official statement"
    NEWS = "news", "News report"
    LAW_FIRM = "law_firm", "Law-firm or legal summary"
    AGGREGATOR = "aggregator", "Aggregator or mirror"
    OTHER = "other", "Other"


# The author's own text, or a faithful copy of a court filing: what a reader can cite as the record itself.
PRIMARY_SOURCE_KINDS = (
    SourceKind.AGENCY_RELEASE,
    SourceKind.COURT_RECORD,
    SourceKind.COURT_RECORD_COPY,
    SourceKind.STATEMENT,
)
# Kinds that republish somebody else's text, and so may name the original they copy.
COPY_SOURCE_KINDS = (SourceKind.COURT_RECORD_COPY, SourceKind.AGGREGATOR)


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
    original = models.ForeignKey(
        "self",
        verbose_name="original",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text="For a copy or mirror: the original publication, where it is known. Cite the original beside it.",
    )
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
            models.CheckConstraint(
                condition=Q(original__isnull=True) | Q(kind__in=[kind.value for kind in COPY_SOURCE_KINDS]),
                name="timeline_source_original_only_for_copies",
            ),
            models.CheckConstraint(condition=~Q(original=F("id")), name="timeline_source_not_own_original"),
        ]

    def __str__(self):
        return f"{self.publisher}: {self.title}"

    def natural_key(self):
        return (self.key,)

    @property
    def is_primary(self):
        return self.kind in PRIMARY_SOURCE_KINDS

    def clean(self):
        errors = {}
        check_precisions(self, [("published_on", "published_precision")], errors)
        if self.original_id is not None:
            if self.kind not in COPY_SOURCE_KINDS:
                errors["original"] = ["Only a copy of a court record or an aggregator or mirror names an original."]
            elif self.pk is not None and self.original_id == self.pk:
                errors["original"] = ["A source cannot be its own original."]
            elif self.original.original_id is not None:
                errors["original"] = ["Name the original itself, not another copy."]
        if errors:
            raise ValidationError(errors)
