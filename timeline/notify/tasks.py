"""The tasks the worker runs (django-tasks; ``manage.py notify_worker``). Thin: the work is in services."""

from django.utils import timezone
from django_tasks import task

from timeline.notify.services import changes, deliveries, digests, reminders, schedule


def _deliver_all(delivery_ids):
    for delivery_id in delivery_ids:
        delivery_send.enqueue(str(delivery_id))


@task()
def changes_dispatch():
    """Match new audit entries against the webhooks, and queue a send per delivery."""
    matched, created = changes.changes_dispatch()
    _deliver_all(created)
    if matched:
        for search_id in digests.realtime_search_ids():
            digest_send.enqueue(search_id)
    return len(created)


@task()
def delivery_send(delivery_id):
    """One try of a delivery; a failed try queues the next at its time on the backoff schedule."""
    next_attempt_at = deliveries.delivery_attempt(delivery_id)
    if next_attempt_at is not None:
        delivery_send.using(run_after=next_attempt_at).enqueue(delivery_id)
    return str(next_attempt_at) if next_attempt_at else None


@task()
def reminders_send():
    """Queue reminders of deadlines now within a deadline webhook's window."""
    created = reminders.reminders_send()
    _deliver_all(created)
    return len(created)


@task()
def digest_send(search_id):
    return digests.digest_send(search_id)


@task()
def schedule_run():
    """Run the due recurring jobs, then come back when the next is due."""
    ran, next_due = schedule.schedule_run()
    _deliver_all(ran.get("reminders", []))
    if next_due is not None:
        schedule_run.using(run_after=max(next_due, timezone.now())).enqueue()
    return sorted(ran)
