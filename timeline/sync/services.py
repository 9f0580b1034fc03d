"""Writes of the sync package: pruning the change log."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from timeline.sync.models import Change, FeedHorizon


@transaction.atomic
def changes_prune(keep_days):
    """Drop committed changes older than ``keep_days`` days and move the horizon past them.

    Readers holding a token from before the horizon get a 410 and resync from a bulk release.
    Returns how many changes were dropped.
    """
    if keep_days < 0:
        raise ValueError("keep_days cannot be negative")
    cutoff = timezone.now() - timedelta(days=keep_days)
    old = Change.objects.filter(position__isnull=False, recorded_at__lt=cutoff)
    last = old.aggregate(last=Max("position"))["last"]
    if last is None:
        return 0
    horizon, _ = FeedHorizon.objects.select_for_update().get_or_create(pk=1)
    dropped, _ = Change.objects.filter(position__lte=last).delete()
    horizon.position = max(horizon.position, last)
    horizon.pruned_at = timezone.now()
    horizon.full_clean()
    horizon.save()
    return dropped
