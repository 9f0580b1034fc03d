"""A case groups every proceeding of one matter across authorities."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from timeline.models.common import CURRENCY_PATTERN, currency_field, money_field, non_negative_constraint


class CaseManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Case(models.Model):
    """One matter, e.g. the Binance global resolution, the SEC suit and the pardon that followed."""

    slug = models.SlugField("slug", max_length=100, unique=True)
    title = models.CharField("title", max_length=300)
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
        if self.headline_amount is not None and not self.headline_text:
            raise ValidationError({"headline_text": "Give the headline as stated when a headline amount is recorded."})
