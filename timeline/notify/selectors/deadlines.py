"""Deadlines that end within a window: monitorships, bars, injunctions, undertakings, the terms of
deferred- and non-prosecution agreements, and scheduled releases from custody.

A deferred-prosecution term is recorded as the agreement's undertaking (a ``Restriction`` of kind
undertaking on a settlement of kind deferred or non-prosecution agreement) with its end date.
"""

import datetime
from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils import timezone

from timeline.models import ActionParty, Monitor, Restriction, Sentence
from timeline.models.money import RestrictionKind, SettlementKind

DPA_KINDS = (SettlementKind.DEFERRED_PROSECUTION, SettlementKind.NON_PROSECUTION)


class DeadlineKind(TextChoices):
    MONITORSHIP = "monitorship", "Monitorship ends"
    BAR = "bar", "Bar ends"
    INJUNCTION = "injunction", "Injunction ends"
    UNDERTAKING = "undertaking", "Undertaking ends"
    DPA_TERM = "dpa_term", "Deferred-prosecution term ends"
    SCHEDULED_RELEASE = "scheduled_release", "Scheduled release from custody"


@dataclass(frozen=True)
class Deadline:
    kind: str
    key: str
    ends_on: datetime.date
    precision: str
    title: str
    entities: tuple  # slugs of whom it binds (or who is released)
    case: str | None
    settlement: str | None

    @property
    def dedupe_key(self):
        """Told once per deadline and end date: a moved end date is a new reminder."""
        return f"deadline:{self.kind}:{self.key}:{self.ends_on.isoformat()}"

    def days_left(self, today):
        return (self.ends_on - today).days

    def as_dict(self, today):
        return {
            "kind": self.kind,
            "key": self.key,
            "ends_on": self.ends_on.isoformat(),
            "ends_on_precision": self.precision,
            "days_left": self.days_left(today),
            "title": self.title,
            "entities": list(self.entities),
            "case": self.case,
            "settlement": self.settlement,
        }


def today():
    return timezone.localdate()


def _monitors(start, end):
    monitors = list(
        Monitor.objects.filter(end_date__gte=start, end_date__lte=end).select_related(
            "settlement__action__case", "monitor"
        )
    )
    parties = {}
    for action_id, slug in ActionParty.objects.filter(
        action_id__in={monitor.settlement.action_id for monitor in monitors}
    ).values_list("action_id", "entity__slug"):
        parties.setdefault(action_id, []).append(slug)
    for monitor in monitors:
        action = monitor.settlement.action
        yield Deadline(
            kind=DeadlineKind.MONITORSHIP,
            key=monitor.key,
            ends_on=monitor.end_date,
            precision=monitor.end_precision,
            title=f"Monitorship under {monitor.settlement.title} ends",
            entities=tuple(sorted(parties.get(action.pk, ()))),
            case=action.case.slug,
            settlement=monitor.settlement.slug,
        )


def _restrictions(start, end):
    rows = Restriction.objects.filter(end_date__gte=start, end_date__lte=end).select_related(
        "settlement__action__case", "subject"
    )
    for restriction in rows:
        kind = restriction.kind
        if kind == RestrictionKind.UNDERTAKING and restriction.settlement.kind in DPA_KINDS:
            kind = DeadlineKind.DPA_TERM
        yield Deadline(
            kind=kind,
            key=restriction.key,
            ends_on=restriction.end_date,
            precision=restriction.end_precision,
            title=f"{restriction.get_kind_display()} on {restriction.subject.name} ends",
            entities=(restriction.subject.slug,),
            case=restriction.settlement.action.case.slug,
            settlement=restriction.settlement.slug,
        )


def _releases(start, end):
    rows = Sentence.objects.filter(
        released_on__isnull=True, scheduled_release_on__gte=start, scheduled_release_on__lte=end
    ).select_related("action__case", "defendant")
    for sentence in rows:
        yield Deadline(
            kind=DeadlineKind.SCHEDULED_RELEASE,
            key=f"sentence-{sentence.pk}",
            ends_on=sentence.scheduled_release_on,
            precision="day",
            title=f"{sentence.defendant.name} scheduled for release",
            entities=(sentence.defendant.slug,),
            case=sentence.action.case.slug,
            settlement=None,
        )


def deadlines_within(days, *, kinds=None, entity_slugs=None, case_slug=None, on=None):
    """Deadlines ending from ``on`` (default today) to ``days`` later, soonest first.

    Three queries for monitors (with the parties they watch), one for restrictions, one for sentences.
    """
    start = on or today()
    end = start + datetime.timedelta(days=days)
    found = [*_monitors(start, end), *_restrictions(start, end), *_releases(start, end)]
    if kinds:
        found = [deadline for deadline in found if deadline.kind in kinds]
    if entity_slugs is not None:
        found = [deadline for deadline in found if set(deadline.entities) & set(entity_slugs)]
    if case_slug:
        found = [deadline for deadline in found if deadline.case == case_slug]
    return sorted(found, key=lambda deadline: (deadline.ends_on, deadline.kind, deadline.key))
