"""Which facts a reader can cite from the record itself: the share of each case's facts with a primary source.

A fact is any sourced record of a case (the case, its actions, charges, settlements, amounts,
credits, monitors, bars, sentences, clemency steps, relationships and free-standing events);
events that mirror one of those restate it and are not counted twice. A fact has a primary
source when at least one of its sources is an agency release or order, a court record or a
faithful copy of one, or an official statement (models.sources.PRIMARY_SOURCE_KINDS); any
other fact rests on reports only.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef

from timeline.models import (
    PRIMARY_SOURCE_KINDS,
    Case,
    Charge,
    Credit,
    EnforcementAction,
    EntityRelationship,
    Event,
    Monitor,
    PardonRequest,
    PardonStatusChange,
    Restriction,
    Sentence,
    Settlement,
    SettlementComponent,
)

# model -> (label, path from the model to its case, extra filter)
FACT_MODELS = (
    (Case, "case", "pk", {}),
    (EnforcementAction, "action", "case", {}),
    (Charge, "charge", "action__case", {}),
    (Settlement, "settlement", "action__case", {}),
    (SettlementComponent, "amount", "settlement__action__case", {}),
    (Credit, "credit", "component__settlement__action__case", {}),
    (Monitor, "monitor", "settlement__action__case", {}),
    (Restriction, "bar or undertaking", "settlement__action__case", {}),
    (Sentence, "sentence", "action__case", {}),
    (PardonRequest, "clemency request", "actions__case", {}),
    (PardonStatusChange, "clemency step", "pardon_request__actions__case", {}),
    (EntityRelationship, "relationship", "case", {}),
    (Event, "event", "case", {"fact_field": ""}),
)


@dataclass
class CaseSourcing:
    slug: str
    title: str
    facts: int = 0
    primary: int = 0

    @property
    def share(self):
        """Percentage of facts with a primary source, to one decimal place."""
        if not self.facts:
            return Decimal("0.0")
        return (Decimal(100 * self.primary) / self.facts).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _with_primary(queryset):
    model = queryset.model
    through = model._meta.get_field("sources").remote_field.through
    own = f"{model._meta.model_name}_id"
    primary = through.objects.filter(
        **{own: OuterRef("pk")}, source__kind__in=[kind.value for kind in PRIMARY_SOURCE_KINDS]
    )
    return queryset.annotate(has_primary=Exists(primary))


def case_fact_rows(case):
    """(label, record, has a primary source) for every fact of ``case``, in a fixed order."""
    rows = []
    for model, label, path, extra in FACT_MODELS:
        queryset = _with_primary(model.objects.filter(**{path: case.pk}, **extra).distinct().order_by("pk"))
        rows.extend((label, record, record.has_primary) for record in queryset)
    return rows


def case_sourcing():
    """Per case (by title), how many facts it has and how many of them cite a primary source."""
    results = []
    for case in Case.objects.order_by("title"):
        sourcing = CaseSourcing(slug=case.slug, title=case.title)
        for model, _, path, extra in FACT_MODELS:
            queryset = _with_primary(model.objects.filter(**{path: case.pk}, **extra).distinct())
            flags = list(queryset.values_list("has_primary", flat=True))
            sourcing.facts += len(flags)
            sourcing.primary += sum(flags)
        results.append(sourcing)
    return results


def sourcing_table(results):
    """The per-case table as Markdown, as the README shows it."""
    lines = [
        "| Case | Facts | With a primary source | Share |",
        "|---|---:|---:|---:|",
    ]
    for row in results:
        lines.append(f"| {row.title} | {row.facts} | {row.primary} | {row.share}% |")
    return "\n".join(lines)


def amount_sourcing(case):
    """Every amount of ``case``: (key, figure, cites a primary source, where a credit's relation comes from)."""
    rows = []
    components = _with_primary(
        SettlementComponent.objects.filter(settlement__action__case=case).order_by("settlement__title", "key")
    )
    for component in components:
        figure = f"{component.currency} {component.amount:,}"
        rows.append((component.key, figure, component.has_primary, ""))
    credits = _with_primary(Credit.objects.filter(component__settlement__action__case=case).order_by("key"))
    for credit in credits:
        rows.append((credit.key, credit.amount_display, credit.has_primary, credit.get_evidence_display()))
    return rows


def amount_table(rows):
    lines = ["| Amount or credit | Figure | Backed by | Credit relation |", "|---|---:|---|---|"]
    for key, figure, primary, relation in rows:
        backed = "a primary source" if primary else "reported only"
        lines.append(f"| `{key}` | {figure} | {backed} | {relation or '-'} |")
    return "\n".join(lines)
