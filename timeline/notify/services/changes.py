"""From a committed write to queued deliveries: the on-commit hook and the dispatcher.

A write only queues one dispatch task when it commits (one per transaction, whatever it wrote);
the task reads the audit trail (selectors.changes) and creates one delivery per subscription and
change, each sent by a task of its own. So a write never waits on, nor fails because of, a receiver.
"""

import logging

from django.db import connection, transaction
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from timeline.models import Event, Monitor, Restriction, Sentence
from timeline.notify.models import Change, ScheduledJob
from timeline.notify.selectors import changes as selectors
from timeline.notify.services.deliveries import delivery_create

logger = logging.getLogger(__name__)

DEADLINE_MODELS = (Monitor, Restriction, Sentence)


def _queue_once(task_name):
    """Queue the task when the current transaction commits, once per transaction."""
    from timeline.notify import tasks

    task = getattr(tasks, task_name)
    if any(getattr(func, "notify_task", None) == task_name for _, func, _ in connection.run_on_commit):
        return

    def enqueue():
        task.enqueue()

    enqueue.notify_task = task_name
    # robust: a queue that cannot be written is logged, and the write that triggered it still stands.
    transaction.on_commit(enqueue, robust=True)


def _event_written(sender, **kwargs):
    _queue_once("changes_dispatch")


def _deadline_written(sender, **kwargs):
    _queue_once("reminders_send")


def changes_connect():
    post_create_historical_record.connect(
        _event_written, sender=Event.audit_trail.model, dispatch_uid="timeline_notify.event_written"
    )
    for model in DEADLINE_MODELS:
        post_create_historical_record.connect(
            _deadline_written, sender=model.audit_trail.model, dispatch_uid=f"timeline_notify.{model.__name__}"
        )


def event_data(change, event):
    """What a delivery says about an event change: the change, and the event as it now stands."""
    data = {
        "change": {
            "type": change.change_type,
            "at": change.changed_at.isoformat(),
            "audit_entries": sorted(change.history_ids),
        },
        "event": {"key": change.event_key},
    }
    if event is not None:
        data["event"] = {
            "key": event.key,
            "date": event.date.isoformat(),
            "date_precision": event.date_precision,
            "type": event.event_type,
            "title": event.title,
            "description": event.description,
            "claim_status": event.claim_status,
            "case": event.case.slug if event.case_id else None,
            "entities": sorted(entity.slug for entity in event.entities.all()),
            "sources": sorted(source.key for source in event.sources.all()),
        }
    return data


def changes_dispatch():
    """Match the audit entries not yet matched; return (how many changes, ids of the deliveries created).

    Dispatchers take turns (a locked row), so entries are recorded once even when two run together.
    """
    created = []
    with transaction.atomic():
        ScheduledJob.objects.select_for_update().get_or_create(
            name="dispatch", defaults={"next_run_at": timezone.now()}
        )
        changes = selectors.changes_pending()
        if not changes:
            return 0, created
        events = selectors.events_for_changes(changes)
        for subscription, change in selectors.subscriptions_for_changes(changes, events):
            delivery = delivery_create(
                subscription,
                f"event.{change.change_type}",
                change.dedupe_key,
                event_data(change, events.get(change.event_id)),
            )
            if delivery is not None:
                created.append(delivery.pk)
        Change.objects.bulk_create(
            Change(
                history_id=history_id,
                event_id=change.event_id if change.event_id in events else None,
                event_key=change.event_key,
                change_type=change.change_type,
                changed_at=change.changed_at,
            )
            for change in changes
            for history_id in change.history_ids
        )
        if len(changes) >= selectors.BATCH:
            _queue_once("changes_dispatch")
    logger.info("matched %d changes, %d deliveries", len(changes), len(created))
    return len(changes), created
