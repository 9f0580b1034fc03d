"""Creating, sending and retrying webhook deliveries, and disabling a receiver that keeps failing.

The schedule follows CourtListener's (cl/api/utils.py): after the first try, retries wait
3, 9, 27, 81, 243, 729 and 2187 minutes, eight tries over about 54 hours; a delivery that fails
them all gives up, and its subscription is disabled and its owner emailed.
"""

import datetime
import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from timeline.notify import transport
from timeline.notify.models import DeliveryAttempt, DeliveryStatus, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

RETRY_DELAYS = tuple(datetime.timedelta(minutes=3**n) for n in range(1, 8))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
RETRY_HOURS = round(sum(RETRY_DELAYS, datetime.timedelta()).total_seconds() / 3600)


def payload_build(subscription, delivery_id, event_type, data, created_at):
    """The versioned JSON body (version 1): who it is for, what happened, and the record."""
    return {
        "version": subscription.version,
        "id": str(delivery_id),
        "type": event_type,
        "created_at": created_at.isoformat(),
        "webhook": {"id": subscription.pk, "kind": subscription.kind},
        "data": data,
    }


def delivery_create(subscription, event_type, dedupe_key, data):
    """Record one delivery to send (once per subscription and change); None if it already exists."""
    delivery = WebhookDelivery(subscription=subscription, event_type=event_type, dedupe_key=dedupe_key, payload={})
    delivery.payload = payload_build(subscription, delivery.id, event_type, data, timezone.now())
    delivery.next_attempt_at = timezone.now()
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        return None
    return delivery


def _owner_tell_disabled(subscription):
    owner = subscription.user
    if not owner.email:
        logger.warning("webhook %s disabled; its owner %s has no email address", subscription.pk, owner)
        return
    send_mail(
        subject="timeline: your webhook was disabled",
        message=(
            f"Your webhook {subscription.pk} to {subscription.url} was disabled: {subscription.disabled_reason}\n\n"
            f"Its delivery log is at {reverse('api:webhook-deliveries', args=[subscription.pk])}. "
            "Fix the receiver, then set enabled to true (PATCH) to resume; deliveries that gave up are not resent."
        ),
        from_email=None,
        recipient_list=[owner.email],
    )


def delivery_attempt(delivery_id):
    """Make the next try of a delivery; return when the one after is due (None when finished).

    The row is locked while the POST runs, so two workers never send the same delivery at once; the
    POST itself is bounded (transport.post), so the lock is held at most a couple of timeouts.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("subscription__user")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING):
            return None
        subscription = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
        if not subscription.enabled and delivery.event_type != "webhook.test":
            delivery.status, delivery.next_attempt_at = DeliveryStatus.SKIPPED, None
            delivery.save(update_fields=["status", "next_attempt_at"])
            return None
        started_at = timezone.now()
        outcome = transport.post(subscription.url, subscription.secret, delivery.payload, str(delivery.pk))
        delivery.attempts += 1
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=started_at,
            duration_ms=outcome.duration_ms,
            response_status=outcome.status,
            error=outcome.error,
        )
        delivery.response_status, delivery.error = outcome.status, outcome.error
        if outcome.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                DeliveryStatus.DELIVERED,
                timezone.now(),
                None,
            )
            subscription.failure_count = 0
        else:
            subscription.failure_count += 1
            if delivery.attempts >= MAX_ATTEMPTS or delivery.event_type == "webhook.test":
                delivery.status, delivery.next_attempt_at = DeliveryStatus.GAVE_UP, None
            else:
                delivery.status = DeliveryStatus.RETRYING
                delivery.next_attempt_at = timezone.now() + RETRY_DELAYS[delivery.attempts - 1]
        delivery.save()
        if delivery.status == DeliveryStatus.GAVE_UP and delivery.event_type != "webhook.test" and subscription.enabled:
            subscription.enabled = False
            subscription.disabled_reason = (
                f"delivery {delivery.pk} failed all {delivery.attempts} tries over {RETRY_HOURS} hours "
                f"(last: {outcome.error})"
            )[:300]
            transaction.on_commit(lambda: _owner_tell_disabled(subscription), robust=True)
        subscription.save(update_fields=["failure_count", "enabled", "disabled_reason", "updated_at"])
    return delivery.next_attempt_at


def subscription_test_send(subscription):
    """Queue a test delivery (sent even to a disabled webhook, so its owner can check a fix)."""
    now = timezone.now()
    return delivery_create(
        subscription,
        "webhook.test",
        f"test:{now.isoformat()}",
        {"message": "A test delivery from timeline. Check the signature with your secret."},
    )
