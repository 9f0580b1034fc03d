"""Bring a whole database's derived data in line with its facts: clemency statuses, mirrored events and
the penalty totals.

Loaders call this after writing, and ``manage.py sync_timeline`` runs it on demand.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from timeline.models import EnforcementAction, EntityRelationship, PardonRequest
from timeline.services.clemency import pardon_request_sync_status
from timeline.services.events import SyncReport, events_sync, events_sync_all
from timeline.services.penalty_totals import penalty_totals_repair


@dataclass
class TimelineSyncReport:
    """What the sync changed, and the records whose derived data it could not write (with why)."""

    events: SyncReport = field(default_factory=SyncReport)
    clemency_changed: list[str] = field(default_factory=list)
    penalty_totals_changed: int = 0
    failures: list[tuple[object, str]] = field(default_factory=list)

    @property
    def changes(self):
        events = self.events.created + self.events.updated + self.events.deleted
        return events + len(self.clemency_changed) + self.penalty_totals_changed


def _reason(error):
    return " ".join(error.messages)


@transaction.atomic
def timeline_sync_all():
    """Clemency statuses from their histories, every mirrored event, the penalty totals; returns what changed.

    A record whose derived data cannot be written (say an editor's event already holds the key the
    mirrored event needs) is reported in ``failures`` instead of aborting the whole sync.
    """
    report = TimelineSyncReport()
    for request in PardonRequest.objects.prefetch_related("history").order_by("slug"):
        try:
            with transaction.atomic():
                if pardon_request_sync_status(request):
                    report.clemency_changed.append(request.slug)
        except ValidationError as error:
            report.failures.append((request, _reason(error)))
    try:
        with transaction.atomic():
            report.events = events_sync_all()
    except ValidationError:
        report.events = _events_sync_each(report.failures)
    report.penalty_totals_changed = penalty_totals_repair()
    return report


def _events_sync_each(failures):
    """Fact by fact, so that one failure names its fact and the others still sync."""
    events = SyncReport()
    facts = [
        *EnforcementAction.objects.order_by("slug"),
        *PardonRequest.objects.order_by("slug"),
        *EntityRelationship.objects.select_related("subject", "object").order_by("pk"),
    ]
    for fact in facts:
        try:
            with transaction.atomic():
                events.add(events_sync(fact))
        except ValidationError as error:
            failures.append((fact, _reason(error)))
    return events
