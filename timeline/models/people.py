"""What happened to individual defendants: sentences and clemency."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from timeline.models.common import (
    CURRENCY_PATTERN,
    ClaimStatus,
    DatePrecision,
    check_date_order,
    check_precisions,
    choices_constraint,
    currency_field,
    money_field,
    non_negative_constraint,
    ordered_dates_constraint,
    precision_field,
)
from timeline.models.entities import EntityKind


class SentenceManager(models.Manager):
    def get_by_natural_key(self, action_slug, defendant_slug):
        return self.get(action__slug=action_slug, defendant__slug=defendant_slug)


class Sentence(models.Model):
    """A defendant's sentence in a criminal action, and how it was served."""

    action = models.ForeignKey(
        "timeline.EnforcementAction", verbose_name="action", on_delete=models.PROTECT, related_name="sentences"
    )
    defendant = models.ForeignKey(
        "timeline.Entity", verbose_name="defendant", on_delete=models.PROTECT, related_name="sentences"
    )
    sentenced_on = models.DateField("sentenced")
    judge = models.ForeignKey(
        "timeline.Entity",
        verbose_name="judge",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sentences_imposed",
        limit_choices_to={"kind": EntityKind.PERSON},
    )
    custody_months = models.PositiveIntegerField("custody (months)", null=True, blank=True)
    is_life_sentence = models.BooleanField("life sentence", default=False)
    probation_months = models.PositiveIntegerField("probation (months)", null=True, blank=True)
    supervised_release_months = models.PositiveIntegerField("supervised release (months)", null=True, blank=True)
    fine_amount = money_field("fine", null=True, blank=True)
    fine_currency = currency_field("fine currency", blank=True)
    prosecution_sought_months = models.PositiveIntegerField("prosecution sought (months)", null=True, blank=True)
    prosecution_sought = models.CharField("prosecution sought", max_length=255, blank=True)
    defence_sought = models.CharField("defence sought", max_length=255, blank=True)
    guidelines = models.CharField("guidelines range", max_length=255, blank=True)
    facility = models.CharField("facility", max_length=255, blank=True)
    report_date = models.DateField("reported to prison", null=True, blank=True)
    report_precision = precision_field("report date precision")
    scheduled_release_on = models.DateField("scheduled release", null=True, blank=True)
    released_on = models.DateField("released", null=True, blank=True)
    note = models.TextField("note", blank=True, help_text="Conflicting or missing details, with their sources.")
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="sentences")
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = SentenceManager()
    audit_trail = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        ordering = ["-sentenced_on"]
        constraints = [
            models.UniqueConstraint(fields=["action", "defendant"], name="timeline_sentence_unique"),
            non_negative_constraint("sentence", "fine_amount"),
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | Q(fine_currency__regex=CURRENCY_PATTERN),
                name="timeline_sentence_fine_currency_iso4217",
            ),
            models.CheckConstraint(
                condition=Q(is_life_sentence=False) | Q(custody_months__isnull=True),
                name="timeline_sentence_life_has_no_months",
            ),
            ordered_dates_constraint("sentence", "sentenced_on", "report_date"),
            ordered_dates_constraint("sentence", "sentenced_on", "released_on"),
            ordered_dates_constraint("sentence", "report_date", "released_on"),
            choices_constraint("sentence", "report_precision", DatePrecision.choices),
        ]
        indexes = [
            # Serves ?date_after/?date_before and the newest-first sentence list.
            models.Index(fields=["sentenced_on", "id"], name="timeline_sentence_date"),
        ]

    def __str__(self):
        return f"{self.defendant}: {self.custody_display}"

    def natural_key(self):
        return (self.action.slug, self.defendant.slug)

    natural_key.dependencies = ["timeline.enforcementaction", "timeline.entity"]

    @property
    def custody_display(self):
        if self.is_life_sentence:
            return "life imprisonment"
        if self.custody_months is None:
            return "no custody"
        if self.custody_months % 12 == 0 and self.custody_months >= 12:
            years = self.custody_months // 12
            return f"{years} year{'s' if years > 1 else ''} in custody"
        return f"{self.custody_months} month{'s' if self.custody_months != 1 else ''} in custody"

    def clean(self):
        errors = {}
        if self.is_life_sentence and self.custody_months is not None:
            errors["custody_months"] = ["Leave the months empty for a life sentence."]
        check_precisions(self, [("report_date", "report_precision")], errors)
        check_date_order(errors, self.sentenced_on, self.report_date, "report_date", "The report date")
        check_date_order(errors, self.sentenced_on, self.released_on, "released_on", "The release date")
        check_date_order(errors, self.report_date, self.released_on, "released_on", "The release date")
        if self.fine_amount is not None and not self.fine_currency:
            errors["fine_currency"] = ["Give the fine's currency."]
        if errors:
            raise ValidationError(errors)


class ClemencyKind(models.TextChoices):
    PARDON = "pardon", "Pardon"
    COMMUTATION = "commutation", "Commutation"


class ClemencyStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    REQUESTED = "requested", "Requested"
    PENDING = "pending", "Pending"
    DENIED = "denied", "Denied"
    GRANTED = "granted", "Granted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PardonRequestManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class PardonRequest(models.Model):
    """Clemency for one person, from the first report or petition to its outcome."""

    slug = models.SlugField("slug", max_length=120, unique=True)
    person = models.ForeignKey(
        "timeline.Entity",
        verbose_name="person",
        on_delete=models.PROTECT,
        related_name="pardon_requests",
        limit_choices_to={"kind": EntityKind.PERSON},
    )
    kind = models.CharField("kind", max_length=12, choices=ClemencyKind.choices, default=ClemencyKind.PARDON)
    status = models.CharField(
        "current status",
        max_length=10,
        choices=ClemencyStatus.choices,
        help_text="Kept in line with the latest established entry of the status history.",
    )
    granted_by = models.ForeignKey(
        "timeline.Entity",
        verbose_name="granted by",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clemency_granted",
    )
    actions = models.ManyToManyField(
        "timeline.EnforcementAction", verbose_name="actions", related_name="pardon_requests", blank=True
    )
    sentences = models.ManyToManyField(Sentence, verbose_name="sentences", related_name="pardon_requests", blank=True)
    summary = models.TextField("summary", blank=True)
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="pardon_requests")
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = PardonRequestManager()
    audit_trail = HistoricalRecords(m2m_fields=["actions", "sentences", "sources"])

    class Meta:
        verbose_name = "pardon request"
        ordering = ["person__name", "slug"]
        constraints = [
            choices_constraint("pardonrequest", "kind", ClemencyKind.choices),
            choices_constraint("pardonrequest", "status", ClemencyStatus.choices),
            models.CheckConstraint(
                condition=Q(granted_by__isnull=True) | Q(status=ClemencyStatus.GRANTED),
                name="timeline_pardonrequest_grantor_only_when_granted",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.person}"

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        if self.person_id and self.person.kind != EntityKind.PERSON:
            errors["person"] = ["Clemency is for a person."]
        if self.granted_by_id and self.status != ClemencyStatus.GRANTED:
            errors["granted_by"] = ["Only a granted request has a grantor."]
        if errors:
            raise ValidationError(errors)


class PardonStatusChangeManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class PardonStatusChange(models.Model):
    """One dated step of a clemency story, with who said so: a report, a denial, a petition, a grant."""

    key = models.SlugField("key", max_length=120, unique=True)
    pardon_request = models.ForeignKey(
        PardonRequest, verbose_name="pardon request", on_delete=models.CASCADE, related_name="history"
    )
    status = models.CharField("status", max_length=10, choices=ClemencyStatus.choices)
    date = models.DateField("date")
    date_precision = precision_field()
    claim_status = models.CharField(
        "claim status", max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.FACT
    )
    claimed_by = models.ForeignKey(
        "timeline.Entity",
        verbose_name="claimed by",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clemency_claims",
    )
    responds_to = models.ForeignKey(
        "self",
        verbose_name="responds to",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        help_text="The entry this one confirms, disputes or denies.",
    )
    description = models.TextField("description")
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="pardon_status_changes")

    objects = PardonStatusChangeManager()
    audit_trail = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        verbose_name = "status change"
        ordering = ["date", "id"]
        constraints = [
            choices_constraint("pardonstatuschange", "status", ClemencyStatus.choices),
            choices_constraint("pardonstatuschange", "claim_status", ClaimStatus.choices),
            choices_constraint("pardonstatuschange", "date_precision", DatePrecision.choices),
            models.CheckConstraint(
                condition=Q(claim_status=ClaimStatus.FACT) | Q(claimed_by__isnull=False),
                name="timeline_pardonstatuschange_claim_has_claimant",
            ),
        ]

    def __str__(self):
        return f"{self.pardon_request.person}: {self.get_status_display()} ({self.date})"

    def natural_key(self):
        return (self.key,)

    def clean(self):
        errors = {}
        check_precisions(self, [("date", "date_precision")], errors)
        if self.claim_status != ClaimStatus.FACT and not self.claimed_by_id:
            errors["claimed_by"] = ["Say who made the claim."]
        if self.responds_to_id and self.pk and self.responds_to_id == self.pk:
            errors["responds_to"] = ["An entry cannot respond to itself."]
        if errors:
            raise ValidationError(errors)
