"""Who is involved: people, companies, authorities and courts, and how they relate."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from timeline.models.common import (
    COUNTRY_PATTERN,
    DatePrecision,
    check_date_order,
    check_precisions,
    choices_constraint,
    ordered_dates_constraint,
    precision_field,
    validate_country,
)
from timeline.models.protection import ProtectedDeleteMixin, ProtectedQuerySet


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    COMPANY = "company", "Company"
    AUTHORITY = "authority", "Government authority"
    COURT = "court", "Court"
    ORGANIZATION = "organization", "Other organization"


class EntityManager(models.Manager.from_queryset(ProtectedQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Entity(ProtectedDeleteMixin, models.Model):
    """A person, company, government authority or court."""

    slug = models.SlugField("slug", max_length=100, unique=True)
    name = models.CharField("name", max_length=255)
    kind = models.CharField("kind", max_length=12, choices=EntityKind.choices)
    country = models.CharField(
        "country",
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text="ISO 3166-1 alpha-2 code: nationality of a person, seat of a company or authority.",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="part of",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="components",
        help_text="The body this one belongs to, e.g. a U.S. Attorney's Office within the DOJ.",
    )
    description = models.TextField("description", blank=True)
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="entities", blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = EntityManager()
    audit_trail = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        verbose_name_plural = "entities"
        ordering = ["name"]
        constraints = [
            choices_constraint("entity", "kind", EntityKind.choices),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=COUNTRY_PATTERN), name="timeline_entity_country_iso3166"
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="timeline_entity_not_own_parent"),
        ]
        indexes = [
            # Serves the admin and API filters by kind, listed by name.
            models.Index(fields=["kind", "name"], name="timeline_entity_kind_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pages:entity-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "An entity cannot be part of itself."})


class EntityAliasManager(models.Manager):
    def get_by_natural_key(self, entity_slug, alias):
        return self.get(entity__slug=entity_slug, alias=alias)


class EntityAlias(models.Model):
    """Another name an entity is known by, so a search for 'CZ' finds Changpeng Zhao."""

    entity = models.ForeignKey(Entity, verbose_name="entity", on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("alias", max_length=255)

    objects = EntityAliasManager()
    audit_trail = HistoricalRecords()

    class Meta:
        verbose_name_plural = "entity aliases"
        ordering = ["alias"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "alias"], name="timeline_entityalias_unique"),
            models.CheckConstraint(condition=~Q(alias=""), name="timeline_entityalias_not_blank"),
        ]

    def __str__(self):
        return self.alias

    def natural_key(self):
        return (*self.entity.natural_key(), self.alias)

    natural_key.dependencies = ["timeline.entity"]


class IdentifierScheme(models.TextChoices):
    LEI = "lei", "Legal Entity Identifier (LEI)"
    SEC_CIK = "sec_cik", "SEC Central Index Key (CIK)"
    WIKIDATA = "wikidata", "Wikidata QID"
    OPENCORPORATES = "opencorporates", "OpenCorporates"
    BOP_REGISTER = "bop_register", "Federal Bureau of Prisons register number"
    CRD = "crd", "FINRA CRD"
    WEBSITE = "website", "Official website"
    OTHER = "other", "Other"


class EntityIdentifierManager(models.Manager):
    def get_by_natural_key(self, scheme, value):
        return self.get(scheme=scheme, value=value)


class EntityIdentifier(models.Model):
    """An identifier of an entity in an outside register (LEI, CIK, Wikidata ...)."""

    entity = models.ForeignKey(Entity, verbose_name="entity", on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField("scheme", max_length=20, choices=IdentifierScheme.choices)
    value = models.CharField("value", max_length=255)

    objects = EntityIdentifierManager()
    audit_trail = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="timeline_entityidentifier_unique"),
            choices_constraint("entityidentifier", "scheme", IdentifierScheme.choices),
            models.CheckConstraint(condition=~Q(value=""), name="timeline_entityidentifier_not_blank"),
        ]

    def __str__(self):
        return f"{self.scheme}:{self.value}"

    def natural_key(self):
        return (self.scheme, self.value)


class RelationshipKind(models.TextChoices):
    SUBSIDIARY_OF = "subsidiary_of", "subsidiary of"
    AFFILIATE_OF = "affiliate_of", "affiliate of"
    FOUNDER_OF = "founder_of", "founder of"
    CEO_OF = "ceo_of", "chief executive officer of"
    OFFICER_OF = "officer_of", "officer of"
    DIRECTOR_OF = "director_of", "director of"
    EMPLOYEE_OF = "employee_of", "employee of"
    OWNER_OF = "owner_of", "owner or shareholder of"
    JUDGE_OF = "judge_of", "judge of"


# Relationships that make the subject part of the object's group, for "include related" roll-ups.
ROLL_UP_KINDS = {
    RelationshipKind.SUBSIDIARY_OF,
    RelationshipKind.AFFILIATE_OF,
    RelationshipKind.FOUNDER_OF,
    RelationshipKind.CEO_OF,
    RelationshipKind.OFFICER_OF,
    RelationshipKind.DIRECTOR_OF,
}


class EntityRelationshipManager(models.Manager):
    def get_by_natural_key(self, subject_slug, kind, object_slug):
        return self.get(subject__slug=subject_slug, kind=kind, object__slug=object_slug)


class EntityRelationship(models.Model):
    """A dated relationship: 'subject is <kind> object', e.g. Changpeng Zhao is CEO of Binance."""

    subject = models.ForeignKey(
        Entity, verbose_name="subject", on_delete=models.PROTECT, related_name="relationships_out"
    )
    kind = models.CharField("relationship", max_length=20, choices=RelationshipKind.choices)
    object = models.ForeignKey(Entity, verbose_name="object", on_delete=models.PROTECT, related_name="relationships_in")
    title = models.CharField("title", max_length=255, blank=True, help_text="E.g. Chief Compliance Officer.")
    start_date = models.DateField("start date", null=True, blank=True)
    start_precision = precision_field("start date precision")
    end_date = models.DateField("end date", null=True, blank=True)
    end_precision = precision_field("end date precision")
    case = models.ForeignKey(
        "timeline.Case",
        verbose_name="case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relationships",
        help_text="The matter that started or ended this relationship, e.g. a CEO resigning under a plea deal.",
    )
    note = models.TextField("note", blank=True)
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="relationships")

    objects = EntityRelationshipManager()
    audit_trail = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        ordering = ["subject__name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "kind", "object"], name="timeline_entityrelationship_unique"),
            models.CheckConstraint(condition=~Q(subject=F("object")), name="timeline_entityrelationship_not_self"),
            choices_constraint("entityrelationship", "kind", RelationshipKind.choices),
            choices_constraint("entityrelationship", "start_precision", DatePrecision.choices),
            choices_constraint("entityrelationship", "end_precision", DatePrecision.choices),
            ordered_dates_constraint("entityrelationship", "start_date", "end_date"),
        ]

    def __str__(self):
        return f"{self.subject} is {self.get_kind_display()} {self.object}"

    def natural_key(self):
        return (self.subject.slug, self.kind, self.object.slug)

    natural_key.dependencies = ["timeline.entity"]

    def clean(self):
        errors = {}
        if self.subject_id and self.subject_id == self.object_id:
            errors["object"] = ["An entity cannot be related to itself."]
        check_precisions(self, [("start_date", "start_precision"), ("end_date", "end_precision")], errors)
        check_date_order(errors, self.start_date, self.end_date, "end_date", "The end date")
        if errors:
            raise ValidationError(errors)
