"""Deadline reminders: a delivery to every deadline webhook for each deadline within its window."""

from timeline.notify.models import SubscriptionKind, WebhookSubscription
from timeline.notify.selectors.deadlines import deadlines_within, today
from timeline.notify.services.deliveries import delivery_create


def reminders_send():
    """Queue one delivery per deadline webhook and deadline within its window, once per end date;
    return the ids of the deliveries created."""
    day = today()
    subscriptions = list(WebhookSubscription.objects.filter(kind=SubscriptionKind.DEADLINE, enabled=True))
    if not subscriptions:
        return []
    found = deadlines_within(max(subscription.window_days for subscription in subscriptions), on=day)
    created = []
    for subscription in subscriptions:
        for deadline in found:
            if deadline.days_left(day) > subscription.window_days:
                continue
            delivery = delivery_create(
                subscription, "deadline.approaching", deadline.dedupe_key, {"deadline": deadline.as_dict(day)}
            )
            if delivery is not None:
                created.append(delivery.pk)
    return created
