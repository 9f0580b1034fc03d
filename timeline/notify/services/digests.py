"""Email digests of saved searches (CourtListener's alert rates: real time, daily, weekly)."""

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from timeline.notify.models import Rate, SavedSearch, SearchKind
from timeline.notify.selectors.changes import changes_for_search, searches_due
from timeline.notify.selectors.deadlines import deadlines_within, today

logger = logging.getLogger(__name__)


def _deadline_window(search):
    return int((search.query or {}).get("within_days", 30))


def digest_send(search_id, until=None):
    """Email one saved search's new and changed matches since its last digest; True if one was sent.

    The search's row is locked, so a digest is sent once even if two workers run it; nothing to
    say sends nothing (deadline searches always list what is within their window, if anything).
    """
    until = until or timezone.now()
    with transaction.atomic():
        search = SavedSearch.objects.select_for_update().select_related("user").filter(pk=search_id).first()
        if search is None or search.rate == Rate.OFF:
            return False
        if search.kind == SearchKind.DEADLINES:
            day = today()
            matches, deadlines = (
                [],
                [(deadline, deadline.days_left(day)) for deadline in deadlines_within(_deadline_window(search))],
            )
        else:
            matches, deadlines = changes_for_search(search, search.last_sent_at, until), []
        search.last_sent_at = until
        search.save(update_fields=["last_sent_at", "updated_at"])
        if not (matches or deadlines):
            return False
        if not search.user.email:
            logger.warning("saved search %s has matches but its owner has no email address", search.pk)
            return False
        context = {"search": search, "matches": matches, "deadlines": deadlines, "until": until}
        subject = f"timeline: {len(matches) or len(deadlines)} for your saved search “{search.name}”"
        transaction.on_commit(
            lambda: send_mail(
                subject=subject,
                message=render_to_string("timeline_notify/digest.txt", context),
                from_email=None,
                recipient_list=[search.user.email],
            )
        )
    return True


def digests_send(rate):
    """Send the digest of every saved search of a rate; return how many were sent."""
    return sum(digest_send(search.pk) for search in searches_due(rate))


def realtime_search_ids():
    """Saved searches emailed as matches come (deadline searches are checked daily instead)."""
    return list(
        SavedSearch.objects.filter(rate=Rate.REAL_TIME).exclude(kind=SearchKind.DEADLINES).values_list("pk", flat=True)
    )
