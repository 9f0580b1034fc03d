"""Clemency writes: the request's current status follows its dated history."""

from django.db import transaction

from timeline.models import ClaimStatus, PardonRequest

ESTABLISHED = {ClaimStatus.FACT, ClaimStatus.CONFIRMED}


def derived_status(history):
    """The status of the latest established step, or of the latest step when none is established yet.

    A denied or disputed report never sets the status: "reported" then "denied by the subject"
    leaves the request reported, as the sources leave it.
    """
    steps = sorted(history, key=lambda change: (change.date, change.pk or 0))
    established = [change for change in steps if change.claim_status in ESTABLISHED]
    if established:
        return established[-1].status
    open_claims = [change for change in steps if change.claim_status != ClaimStatus.DENIED]
    if open_claims:
        return open_claims[-1].status
    return steps[-1].status if steps else None


@transaction.atomic
def pardon_request_sync_status(request: PardonRequest):
    """Set ``request.status`` from its history; returns True when it changed."""
    status = derived_status(request.history.all())
    if status is None or status == request.status:
        return False
    request.status = status
    request.full_clean()
    request.save(update_fields=["status", "updated_at"])
    return True
