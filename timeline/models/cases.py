"""A case groups every proceeding of one matter across authorities."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from timeline.models.common import (
    CURRENCY_PATTERN,
    choices_constraint,
    currency_field,
    money_field,
    non_negative_constraint,
)


class CaseKind(models.TextChoices):
    """Who brings the matter: an authority enforcing the law, or private plaintiffs suing for themselves."""

    ENFORCEMENT = "enforcement", "Enforcement by public authorities"
    PRIVATE_SUIT = "private_suit", "Private civil suit"


class CaseManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Case(models.Model):
    """One matter, e.g. the Binance global resolution, the SEC suit and the pardon that followed."""

    slug = models.SlugField("slug", max_length=100, unique=True)
    title = models.CharField("title", max_length=300)
    kind = models.CharField(
        "kind",
        max_length=12,
        choices=CaseKind.choices,
        default=CaseKind.ENFORCEMENT,
        help_text="A private suit has no enforcement actions and no penalties: its claims are not sanctions.",
    )
    plaintiffs = models.CharField(
        "private plaintiffs",
        max_length=500,
        blank=True,
        help_text="For a private suit: who sues, as the sources describe them (e.g. many victims' families).",
    )
    summary = models.TextField("summary", blank=True)
    headline_text = models.CharField(
        "stated headline figure",
        max_length=255,
        blank=True,
        help_text='The total as officials announced it, e.g. "over $4.3 billion". Shown beside computed totals.',
    )
    headline_amount = money_field(
        "headline amount", null=True, blank=True, help_text="The headline figure as a number, if one was stated."
    )
    headline_currency = currency_field("headline currency", blank=True)
    headline_sources = models.ManyToManyField(
        "timeline.Source", verbose_name="headline sources", related_name="case_headlines", blank=True
    )
    sources = models.ManyToManyField("timeline.Source", verbose_name="sources", related_name="cases")
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = CaseManager()
    audit_trail = HistoricalRecords(m2m_fields=["headline_sources", "sources"])

    class Meta:
        ordering = ["title"]
        constraints = [
            choices_constraint("case", "kind", CaseKind.choices),
            models.CheckConstraint(
                condition=Q(kind=CaseKind.PRIVATE_SUIT) | Q(plaintiffs=""),
                name="timeline_case_plaintiffs_only_in_private_suits",
            ),
            non_negative_constraint("case", "headline_amount"),
            models.CheckConstraint(
                condition=Q(headline_amount__isnull=True) | Q(headline_currency__regex=CURRENCY_PATTERN),
                name="timeline_case_headline_currency_iso4217",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:case-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        if self.headline_amount is not None and not self.headline_text:
            errors["headline_text"] = ["Give the headline as stated when a headline amount is recorded."]
        if self.plaintiffs and self.kind != CaseKind.PRIVATE_SUIT:
            errors["plaintiffs"] = ["Only a private suit names private plaintiffs."]
        if self.kind == CaseKind.PRIVATE_SUIT and self.pk is not None and self.actions.exists():
            errors["kind"] = ["This case has enforcement actions; a private suit has none."]
        if errors:
            raise ValidationError(errors)
