"""Proceedings: one authority's action against its parties, with charges under statutes."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from timeline.models.cases import CaseKind
from timeline.models.common import (
    DatePrecision,
    check_date_order,
    check_precisions,
    choices_constraint,
    ordered_dates_constraint,
    precision_field,
)
from timeline.models.entities import EntityKind


class ActionType(models.TextChoices):
    CRIMINAL = "criminal", "Criminal"
    CIVIL = "civil", "Civil"
    ADMINISTRATIVE = "administrative", "Administrative"


class ActionStatus(models.TextChoices):
    INVESTIGATION = "investigation", "Under investigation"
    PENDING = "pending", "Pending"
    SETTLED = "settled", "Settled"
    PLEA = "plea", "Guilty plea"
    CONVICTED = "convicted", "Convicted at trial"
    PARTIAL_VERDICT = "partial_verdict", "Partial verdict"
    ACQUITTED = "acquitted", "Acquitted"
    JUDGMENT = "judgment", "Judgment entered"
    DISMISSED_WITH_PREJUDICE = "dismissed_with_prejudice", "Dismissed with prejudice"
    DISMISSED_WITHOUT_PREJUDICE = "dismissed_without_prejudice", "Dismissed without prejudice"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"


# Statuses that end a proceeding; they come with a resolution date.
RESOLVED_STATUSES = {
    ActionStatus.SETTLED,
    ActionStatus.PLEA,
    ActionStatus.CONVICTED,
    ActionStatus.ACQUITTED,
    ActionStatus.JUDGMENT,
    ActionStatus.DISMISSED_WITH_PREJUDICE,
    ActionStatus.DISMISSED_WITHOUT_PREJUDICE,
    ActionStatus.WITHDRAWN,
    ActionStatus.CLOSED,
}


class StatuteManager(models.Manager):
    def get_by_natural_key(self, citation):
        return self.get(citation=citation)


class Statute(models.Model):
    """A statute or regulation cited by charges, e.g. 31 U.S.C. § 5318(h)."""

    citation = models.CharField("citation", max_length=120, unique=True)
    title = models.CharField("title", max_length=255, blank=True, help_text="E.g. Bank Secrecy Act: AML programs.")
    jurisdiction = models.CharField("jurisdiction", max_length=2, default="US", help_text="ISO 3166-1 alpha-2.")

    objects = StatuteManager()
    audit_trail = HistoricalRecords()

    class Meta:
        ordering = ["citation"]

    def __str__(self):
        return self.citation

    def natural_key(self):
        return (self.citation,)


class EnforcementActionManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class EnforcementAction(models.Model):
    """One proceeding brought by one authority: a prosecution, a civil suit, an administrative order."""

    slug = models.SlugField("slug", max_length=120, unique=True)
    case = models.ForeignKey("timeline.Case", verbose_name="case", on_delete=models.PROTECT, related_name="actions")
    authority = models.ForeignKey(
        "timeline.Entity",
        verbose_name="authority",
        on_delete=models.PROTECT,
        related_name="actions_brought",
        limit_choices_to={"kind": EntityKind.AUTHORITY},
    )
    action_type = models.CharField("type", max_length=14, choices=ActionType.choices)
    caption = models.CharField("caption", max_length=500)
    court = models.ForeignKey(
        "timeline.Entity",
        verbose_name="court",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_heard",
        limit_choices_to={"kind": EntityKind.COURT},
    )
    docket_number = models.CharField("docket number", max_length=100, blank=True)
    judge = models.ForeignKey(
        "timeline.Entity",
        verbose_name="judge",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_presided",
        limit_choices_to={"kind": EntityKind.PERSON},
    )
    status = models.CharField("status", max_length=30, choices=ActionStatus.choices, default=ActionStatus.PENDING)
    filed_on = models.DateField("filed", null=True, blank=True)
    filed_precision = precision_field("filed date precision")
    resolved_on = models.DateField("resolved", null=True, blank=True)
    resolved_precision = precision_field("resolved date precision")
    summary = models.TextField("summary", blank=True)
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="actions")
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = EnforcementActionManager()
    audit_trail = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        verbose_name = "enforcement action"
        ordering = ["-filed_on", "caption"]
        constraints = [
            choices_constraint("enforcementaction", "action_type", ActionType.choices),
            choices_constraint("enforcementaction", "status", ActionStatus.choices),
            choices_constraint("enforcementaction", "filed_precision", DatePrecision.choices),
            choices_constraint("enforcementaction", "resolved_precision", DatePrecision.choices),
            ordered_dates_constraint("enforcementaction", "filed_on", "resolved_on"),
            models.UniqueConstraint(
                fields=["court", "docket_number"],
                condition=~Q(docket_number=""),
                name="timeline_enforcementaction_docket_unique",
            ),
            models.CheckConstraint(
                condition=Q(docket_number="") | Q(court__isnull=False),
                name="timeline_enforcementaction_docket_needs_court",
            ),
        ]
        indexes = [
            # Serves the action list ordered by filing date and the filed_after/filed_before filters.
            models.Index(fields=["filed_on", "id"], name="timeline_action_filed"),
            # Serves the per-authority action lists (admin filter and ?authority=).
            models.Index(fields=["authority", "filed_on"], name="timeline_action_authority"),
            # Serves /actions/?authority=&status= in its default order: the page and its COUNT(*) are read
            # from the index alone (EXPLAIN ANALYZE at 1M actions: count 210 ms -> 17 ms; benchmarks/README.md).
            models.Index(
                fields=["authority", "status", "-filed_on", "caption", "-id"], name="timeline_action_auth_status"
            ),
        ]

    def __str__(self):
        return self.caption

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        check_precisions(self, [("filed_on", "filed_precision"), ("resolved_on", "resolved_precision")], errors)
        check_date_order(errors, self.filed_on, self.resolved_on, "resolved_on", "The resolution date")
        if self.docket_number and not self.court_id:
            errors.setdefault("court", []).append("A docket number needs the court it belongs to.")
        if self.case_id and self.case.kind == CaseKind.PRIVATE_SUIT:
            errors.setdefault("case", []).append("A private suit is not an enforcement action; record it as events.")
        if self.status in RESOLVED_STATUSES and not self.resolved_on:
            errors.setdefault("resolved_on", []).append(
                f"An action with status '{self.get_status_display()}' needs its resolution date."
            )
        for field, kind in (
            ("authority", EntityKind.AUTHORITY),
            ("court", EntityKind.COURT),
            ("judge", EntityKind.PERSON),
        ):
            related = getattr(self, field) if getattr(self, f"{field}_id") else None
            if related is not None and related.kind != kind:
                errors.setdefault(field, []).append(
                    f"{related} is a {related.get_kind_display().lower()}, not a {kind.label.lower()}."
                )
        if errors:
            raise ValidationError(errors)


class PartyRole(models.TextChoices):
    DEFENDANT = "defendant", "Defendant"
    RESPONDENT = "respondent", "Respondent"
    RELIEF_DEFENDANT = "relief_defendant", "Relief defendant"
    OTHER = "other", "Other party"


class ActionPartyManager(models.Manager):
    def get_by_natural_key(self, action_slug, entity_slug, role):
        return self.get(action__slug=action_slug, entity__slug=entity_slug, role=role)


class ActionParty(models.Model):
    """An entity's part in an action (defendant, respondent, relief defendant)."""

    action = models.ForeignKey(
        EnforcementAction, verbose_name="action", on_delete=models.CASCADE, related_name="parties"
    )
    entity = models.ForeignKey(
        "timeline.Entity", verbose_name="entity", on_delete=models.PROTECT, related_name="party_roles"
    )
    role = models.CharField("role", max_length=20, choices=PartyRole.choices, default=PartyRole.DEFENDANT)
    note = models.CharField("note", max_length=500, blank=True)

    objects = ActionPartyManager()
    audit_trail = HistoricalRecords()

    class Meta:
        verbose_name = "party"
        verbose_name_plural = "parties"
        ordering = ["action", "role", "entity__name"]
        constraints = [
            models.UniqueConstraint(fields=["action", "entity", "role"], name="timeline_actionparty_unique"),
            choices_constraint("actionparty", "role", PartyRole.choices),
        ]
        indexes = [
            # Serves ?party= (actions of an entity) without scanning every party row.
            models.Index(fields=["entity", "action"], name="timeline_party_entity"),
        ]

    def __str__(self):
        return f"{self.entity} ({self.get_role_display()})"

    def natural_key(self):
        return (self.action.slug, self.entity.slug, self.role)

    natural_key.dependencies = ["timeline.enforcementaction", "timeline.entity"]


class ChargeDisposition(models.TextChoices):
    PENDING = "pending", "Pending"
    PLEADED_GUILTY = "pleaded_guilty", "Pleaded guilty"
    CONVICTED = "convicted", "Convicted"
    LIABLE = "liable", "Found liable (civil)"
    ACQUITTED = "acquitted", "Acquitted"
    HUNG_JURY = "hung_jury", "Hung jury / mistrial"
    DISMISSED = "dismissed", "Dismissed"
    SETTLED = "settled", "Resolved by consent or settlement"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ChargeManager(models.Manager):
    def get_by_natural_key(self, action_slug, number):
        return self.get(action__slug=action_slug, number=number)


class Charge(models.Model):
    """A charge or claim in an action, with the statutes cited and how it ended."""

    action = models.ForeignKey(
        EnforcementAction, verbose_name="action", on_delete=models.CASCADE, related_name="charges"
    )
    number = models.PositiveSmallIntegerField(
        "number", validators=[MinValueValidator(1)], help_text="Order of the charge within its action, from 1."
    )
    defendant = models.ForeignKey(
        "timeline.Entity",
        verbose_name="defendant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charges",
        help_text="Leave empty when the charge is against every defendant of the action.",
    )
    description = models.TextField("description")
    counts = models.PositiveSmallIntegerField("counts", default=1, validators=[MinValueValidator(1)])
    statutes = models.ManyToManyField(
        Statute, verbose_name="statutes", through="ChargeStatute", related_name="charges", blank=True
    )
    disposition = models.CharField(
        "disposition", max_length=16, choices=ChargeDisposition.choices, default=ChargeDisposition.PENDING
    )
    disposition_on = models.DateField("disposition date", null=True, blank=True)
    disposition_precision = precision_field("disposition date precision")
    note = models.TextField("note", blank=True)
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="charges")

    objects = ChargeManager()
    audit_trail = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        ordering = ["action", "number"]
        constraints = [
            models.UniqueConstraint(fields=["action", "number"], name="timeline_charge_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="timeline_charge_number_positive"),
            models.CheckConstraint(condition=Q(counts__gte=1), name="timeline_charge_counts_positive"),
            choices_constraint("charge", "disposition", ChargeDisposition.choices),
            choices_constraint("charge", "disposition_precision", DatePrecision.choices),
        ]

    def __str__(self):
        return f"Count {self.number}: {self.description[:80]}"

    def natural_key(self):
        return (self.action.slug, self.number)

    natural_key.dependencies = ["timeline.enforcementaction"]

    def clean(self):
        errors = {}
        check_precisions(self, [("disposition_on", "disposition_precision")], errors)
        if errors:
            raise ValidationError(errors)


class ChargeStatuteManager(models.Manager):
    def get_by_natural_key(self, action_slug, number, citation):
        return self.get(charge__action__slug=action_slug, charge__number=number, statute__citation=citation)


class ChargeStatute(models.Model):
    """A statute cited by a charge; unconfirmed where no source read gives the citation."""

    charge = models.ForeignKey(Charge, verbose_name="charge", on_delete=models.CASCADE, related_name="citations")
    statute = models.ForeignKey(Statute, verbose_name="statute", on_delete=models.PROTECT, related_name="citations")
    confirmed = models.BooleanField(
        "confirmed", default=True, help_text="Off when the citation is the usual one but no source read confirms it."
    )

    objects = ChargeStatuteManager()
    audit_trail = HistoricalRecords()

    class Meta:
        verbose_name = "statute cited"
        verbose_name_plural = "statutes cited"
        constraints = [
            models.UniqueConstraint(fields=["charge", "statute"], name="timeline_chargestatute_unique"),
        ]

    def __str__(self):
        return str(self.statute) if self.confirmed else f"{self.statute} (unconfirmed)"

    def natural_key(self):
        return (*self.charge.natural_key(), self.statute.citation)

    natural_key.dependencies = ["timeline.charge", "timeline.statute"]
