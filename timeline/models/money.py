"""How actions were resolved: settlements with typed amounts, credits between them, monitors and bars."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from timeline.models.common import (
    CURRENCY_PATTERN,
    DatePrecision,
    check_date_order,
    check_precisions,
    choices_constraint,
    currency_constraint,
    currency_field,
    format_money,
    money_field,
    non_negative_constraint,
    ordered_dates_constraint,
    precision_field,
)


class SettlementKind(models.TextChoices):
    PLEA_AGREEMENT = "plea_agreement", "Plea agreement"
    CONSENT_ORDER = "consent_order", "Consent order"
    SETTLEMENT_AGREEMENT = "settlement_agreement", "Settlement agreement"
    JUDGMENT = "judgment", "Judgment"
    FINAL_JUDGMENT = "final_judgment", "Final judgment"
    DEFERRED_PROSECUTION = "deferred_prosecution", "Deferred prosecution agreement"
    NON_PROSECUTION = "non_prosecution", "Non-prosecution agreement"
    OTHER = "other", "Other resolution"


class SettlementManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Settlement(models.Model):
    """The terms that resolved an action: money, monitors, bars and undertakings."""

    slug = models.SlugField("slug", max_length=120, unique=True)
    action = models.ForeignKey(
        "timeline.EnforcementAction", verbose_name="action", on_delete=models.PROTECT, related_name="settlements"
    )
    kind = models.CharField("kind", max_length=24, choices=SettlementKind.choices)
    title = models.CharField("title", max_length=300)
    agreed_on = models.DateField("agreed or announced", null=True, blank=True)
    agreed_precision = precision_field("agreed date precision")
    approved_on = models.DateField(
        "approved or entered by the court", null=True, blank=True, help_text="Leave empty for orders no court approves."
    )
    approved_precision = precision_field("approved date precision")
    stated_total = money_field(
        "stated total",
        null=True,
        blank=True,
        help_text="The total the document states, checked against the components.",
    )
    stated_total_currency = currency_field("stated total currency", blank=True)
    summary = models.TextField("summary", blank=True)
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="settlements")
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = SettlementManager()
    audit_trail = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        ordering = ["-agreed_on", "title"]
        constraints = [
            choices_constraint("settlement", "kind", SettlementKind.choices),
            choices_constraint("settlement", "agreed_precision", DatePrecision.choices),
            choices_constraint("settlement", "approved_precision", DatePrecision.choices),
            ordered_dates_constraint("settlement", "agreed_on", "approved_on"),
            non_negative_constraint("settlement", "stated_total"),
            models.CheckConstraint(
                condition=Q(stated_total__isnull=True) | Q(stated_total_currency__regex=CURRENCY_PATTERN),
                name="timeline_settlement_stated_total_currency_iso4217",
            ),
        ]
        indexes = [
            # Serves ?date_after/?date_before and the default newest-first settlement list.
            models.Index(fields=["agreed_on", "id"], name="timeline_settlement_agreed"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        check_precisions(self, [("agreed_on", "agreed_precision"), ("approved_on", "approved_precision")], errors)
        check_date_order(errors, self.agreed_on, self.approved_on, "approved_on", "The approval date")
        if errors:
            raise ValidationError(errors)


class ComponentKind(models.TextChoices):
    CRIMINAL_FINE = "criminal_fine", "Criminal fine"
    CRIMINAL_FORFEITURE = "criminal_forfeiture", "Criminal forfeiture"
    CIVIL_MONEY_PENALTY = "civil_money_penalty", "Civil money penalty"
    DISGORGEMENT = "disgorgement", "Disgorgement"
    PREJUDGMENT_INTEREST = "prejudgment_interest", "Prejudgment interest"
    RESTITUTION = "restitution", "Restitution"
    SANCTIONS_SETTLEMENT = "sanctions_settlement", "Sanctions settlement amount"
    OTHER = "other", "Other"


class SettlementComponentManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class SettlementComponent(models.Model):
    """One typed amount of a settlement, paid by one party, in one currency."""

    key = models.SlugField("key", max_length=120, unique=True, help_text="Stable key, e.g. binance-doj-criminal-fine.")
    settlement = models.ForeignKey(
        Settlement, verbose_name="settlement", on_delete=models.CASCADE, related_name="components"
    )
    payer = models.ForeignKey(
        "timeline.Entity", verbose_name="payer", on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField("kind", max_length=24, choices=ComponentKind.choices)
    amount = money_field("amount")
    currency = currency_field()
    is_approximate = models.BooleanField(
        "approximate", default=False, help_text="On when sources give the amount only as reported ('about ...')."
    )
    suspended_amount = money_field(
        "suspended amount",
        default=0,
        help_text="Part of the amount payable only on breach (e.g. FinCEN's suspended $150 million).",
    )
    part_of = models.ForeignKey(
        "self",
        verbose_name="part of",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parts",
        help_text="Set for a breakdown of another component; parts are never added to totals again.",
    )
    description = models.CharField("description", max_length=500, blank=True)
    terms = models.TextField("payment terms", blank=True)
    note = models.TextField("note", blank=True)
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="components")

    objects = SettlementComponentManager()
    audit_trail = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        verbose_name = "settlement component"
        ordering = ["settlement", "part_of_id", "key"]
        constraints = [
            choices_constraint("settlementcomponent", "kind", ComponentKind.choices),
            non_negative_constraint("settlementcomponent", "amount"),
            non_negative_constraint("settlementcomponent", "suspended_amount"),
            currency_constraint("settlementcomponent"),
            models.CheckConstraint(
                condition=Q(suspended_amount__lte=F("amount")),
                name="timeline_settlementcomponent_suspended_within_amount",
            ),
            models.CheckConstraint(condition=~Q(part_of=F("id")), name="timeline_settlementcomponent_not_own_part"),
        ]
        indexes = [
            # Serves ?party= on settlements and the stats grouped by payer.
            models.Index(fields=["payer", "settlement"], name="timeline_component_payer"),
            # Serves ?component_kind= with ?amount_min/?amount_max.
            models.Index(fields=["kind", "amount"], name="timeline_component_kind_amount"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {format_money(self.amount, self.currency)}"

    def natural_key(self):
        return (self.key,)

    def clean(self):
        errors = {}
        if self.amount is not None and self.suspended_amount is not None and self.suspended_amount > self.amount:
            errors["suspended_amount"] = ["The suspended amount cannot exceed the amount."]
        if self.part_of_id:
            parent = self.part_of
            if self.pk and parent.pk == self.pk:
                errors["part_of"] = ["A component cannot be part of itself."]
            elif parent.currency != self.currency:
                errors["currency"] = [f"A part must be in the currency of the whole ({parent.currency})."]
            elif parent.part_of_id:
                errors["part_of"] = ["Breakdowns are one level deep: choose a component that is not itself a part."]
        if errors:
            raise ValidationError(errors)


class CreditKind(models.TextChoices):
    CREDITED = "credited", "Credited against"
    DEEMED_SATISFIED = "deemed_satisfied", "Deemed satisfied by"
    OFFSET = "offset", "Offset by"


class CreditQuantum(models.TextChoices):
    """How much of the credit the sources give: documented relations often come without a figure."""

    STATED = "stated", "Amount stated"
    UP_TO = "up_to", "Up to the amount (a bound)"
    SHARE = "share", "An unknown share of the stated total"
    UNKNOWN = "unknown", "Amount not documented"


class CreditEvidence(models.TextChoices):
    """Where the credit as recorded comes from: primary only when both the relation and its amount are."""

    PRIMARY = "primary", "Primary source"
    REPORTED = "reported", "Reported by secondary sources"
    INFERRED = "inferred", "Inferred from the records (clause not seen)"


# Credits whose amount is not a documented figure: totals give net as a range and name them.
UNQUANTIFIED_QUANTA = (CreditQuantum.UP_TO, CreditQuantum.SHARE, CreditQuantum.UNKNOWN)


class CreditManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Credit(models.Model):
    """Part of a component credited against, or deemed satisfied by, payments on other components.

    Net totals subtract credits from the credited component, so a dollar paid once is counted once.
    Only a stated amount is subtracted as such; a credit given as a bound, a share of a stated total
    or with no amount makes the net a range (selectors/credit_ranges.py).
    """

    key = models.SlugField("key", max_length=120, unique=True)
    component = models.ForeignKey(
        SettlementComponent, verbose_name="credited component", on_delete=models.CASCADE, related_name="credits"
    )
    kind = models.CharField("kind", max_length=16, choices=CreditKind.choices, default=CreditKind.CREDITED)
    quantum = models.CharField(
        "amount given as",
        max_length=8,
        choices=CreditQuantum.choices,
        default=CreditQuantum.STATED,
        help_text="Stated: the amount credited. Up to: a bound. Share: the total this credit is an unknown part of. "
        "Not documented: leave the amount empty.",
    )
    amount = money_field("amount credited", null=True, blank=True)
    currency = currency_field()
    evidence = models.CharField(
        "evidence",
        max_length=8,
        choices=CreditEvidence.choices,
        default=CreditEvidence.REPORTED,
        help_text="Whether the credit as recorded (relation and amount) was read in a primary source, "
        "is only reported, or is inferred from statements.",
    )
    is_approximate = models.BooleanField("approximate", default=False)
    against = models.ManyToManyField(
        SettlementComponent,
        verbose_name="against components",
        related_name="credited_by",
        blank=True,
        help_text="The payments that satisfy this credit; several when sources do not give the split.",
    )
    note = models.TextField("note", blank=True)
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="credits")

    objects = CreditManager()
    audit_trail = HistoricalRecords(m2m_fields=["against", "sources"])

    class Meta:
        ordering = ["component", "key"]
        constraints = [
            choices_constraint("credit", "kind", CreditKind.choices),
            choices_constraint("credit", "quantum", CreditQuantum.choices),
            choices_constraint("credit", "evidence", CreditEvidence.choices),
            non_negative_constraint("credit", "amount"),
            currency_constraint("credit"),
            models.CheckConstraint(
                condition=Q(quantum=CreditQuantum.UNKNOWN, amount__isnull=True)
                | (~Q(quantum=CreditQuantum.UNKNOWN) & Q(amount__isnull=False)),
                name="timeline_credit_amount_matches_quantum",
            ),
        ]

    def __str__(self):
        component = self.component.key if self.component_id else "(no component)"
        return f"{self.get_kind_display()} {self.amount_display} on {component}"

    @property
    def is_quantified(self):
        return self.quantum == CreditQuantum.STATED

    @property
    def amount_display(self):
        if self.quantum == CreditQuantum.UNKNOWN:
            return f"{self.currency} (amount not documented)"
        prefix = {CreditQuantum.UP_TO: "up to ", CreditQuantum.SHARE: "a share of "}.get(self.quantum, "")
        return prefix + format_money(self.amount, self.currency)

    def natural_key(self):
        return (self.key,)

    def clean(self):
        errors = {}
        if self.quantum == CreditQuantum.UNKNOWN and self.amount is not None:
            errors["amount"] = ["Leave the amount empty when it is not documented, or choose how it is given."]
        elif self.quantum != CreditQuantum.UNKNOWN and self.amount is None:
            errors["amount"] = ["Give the amount, its bound or the stated total; or mark it as not documented."]
        if self.component_id and self.amount is not None and not errors:
            component = self.component
            if self.currency != component.currency:
                errors["currency"] = [f"A credit is in its component's currency ({component.currency})."]
            # Stated credits are certain; a bound or a shared total is the most the credit can take.
            credited_elsewhere = sum(
                credit.amount
                for credit in component.credits.exclude(pk=self.pk)
                if credit.quantum == CreditQuantum.STATED and credit.currency == self.currency
            )
            available = component.amount - component.suspended_amount - credited_elsewhere
            if self.amount > available:
                errors["amount"] = [
                    f"Credits cannot exceed what is payable on the component ({component.currency} {available:,})."
                ]
        if errors:
            raise ValidationError(errors)


class MonitorManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Monitor(models.Model):
    """An independent compliance monitorship imposed by a settlement."""

    key = models.SlugField("key", max_length=120, unique=True)
    settlement = models.ForeignKey(
        Settlement, verbose_name="settlement", on_delete=models.CASCADE, related_name="monitors"
    )
    monitor = models.ForeignKey(
        "timeline.Entity",
        verbose_name="monitor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitorships",
        help_text="Who serves as monitor, where known.",
    )
    term_months = models.PositiveSmallIntegerField(
        "term (months)", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    start_date = models.DateField("start date", null=True, blank=True)
    start_precision = precision_field("start date precision")
    end_date = models.DateField("end date", null=True, blank=True)
    end_precision = precision_field("end date precision")
    scope = models.TextField("scope", blank=True)
    note = models.TextField("note", blank=True)
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="monitors")

    objects = MonitorManager()
    audit_trail = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        verbose_name = "compliance monitor"
        ordering = ["settlement", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_months__isnull=True) | Q(term_months__gte=1), name="timeline_monitor_term_positive"
            ),
            ordered_dates_constraint("monitor", "start_date", "end_date"),
            choices_constraint("monitor", "start_precision", DatePrecision.choices),
            choices_constraint("monitor", "end_precision", DatePrecision.choices),
        ]

    def __str__(self):
        term = f"{self.term_months}-month" if self.term_months else "monitor"
        return f"{term} monitorship ({self.settlement})"

    def natural_key(self):
        return (self.key,)

    def clean(self):
        errors = {}
        check_precisions(self, [("start_date", "start_precision"), ("end_date", "end_precision")], errors)
        check_date_order(errors, self.start_date, self.end_date, "end_date", "The end date")
        if errors:
            raise ValidationError(errors)


class RestrictionKind(models.TextChoices):
    BAR = "bar", "Bar"
    INJUNCTION = "injunction", "Injunction"
    UNDERTAKING = "undertaking", "Undertaking"


class RestrictionManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Restriction(models.Model):
    """A bar, injunction or undertaking on a person or company, e.g. a lifetime bar from running a firm."""

    key = models.SlugField("key", max_length=120, unique=True)
    settlement = models.ForeignKey(
        Settlement, verbose_name="settlement", on_delete=models.CASCADE, related_name="restrictions"
    )
    subject = models.ForeignKey(
        "timeline.Entity", verbose_name="who is restricted", on_delete=models.PROTECT, related_name="restrictions"
    )
    kind = models.CharField("kind", max_length=12, choices=RestrictionKind.choices)
    scope = models.TextField("scope", help_text="What is barred or undertaken, in the source's words where possible.")
    is_permanent = models.BooleanField("permanent", default=False, help_text="Lifetime or permanent.")
    duration_months = models.PositiveSmallIntegerField(
        "duration (months)", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    start_date = models.DateField("start date", null=True, blank=True)
    start_precision = precision_field("start date precision")
    end_date = models.DateField("end date", null=True, blank=True)
    end_precision = precision_field("end date precision")
    note = models.TextField("note", blank=True, help_text="Conflicting readings, with their sources.")
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="restrictions")

    objects = RestrictionManager()
    audit_trail = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        verbose_name = "bar or injunction"
        verbose_name_plural = "bars and injunctions"
        ordering = ["settlement", "key"]
        constraints = [
            choices_constraint("restriction", "kind", RestrictionKind.choices),
            models.CheckConstraint(
                condition=Q(is_permanent=False) | (Q(duration_months__isnull=True) & Q(end_date__isnull=True)),
                name="timeline_restriction_permanent_has_no_end",
            ),
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True) | Q(duration_months__gte=1),
                name="timeline_restriction_duration_positive",
            ),
            ordered_dates_constraint("restriction", "start_date", "end_date"),
            choices_constraint("restriction", "start_precision", DatePrecision.choices),
            choices_constraint("restriction", "end_precision", DatePrecision.choices),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.subject}"

    def natural_key(self):
        return (self.key,)

    def clean(self):
        errors = {}
        if self.is_permanent and (self.duration_months or self.end_date):
            errors["is_permanent"] = ["A permanent restriction has no duration or end date."]
        check_precisions(self, [("start_date", "start_precision"), ("end_date", "end_precision")], errors)
        check_date_order(errors, self.start_date, self.end_date, "end_date", "The end date")
        if errors:
            raise ValidationError(errors)
