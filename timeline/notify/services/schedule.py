"""The recurring jobs (daily and weekly digests, daily reminders), run by the task worker itself.

Each job has a row saying when it next runs. ``schedule_run`` claims the due rows under a lock,
runs them, moves them on, and queues itself again for the soonest next run; running it twice, or
from two workers, runs each job once per period.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from timeline.notify.models import Rate, ScheduledJob
from timeline.notify.services.digests import digests_send
from timeline.notify.services.reminders import reminders_send

DAY = datetime.timedelta(days=1)
# name: (period, what it runs, the UTC hour it runs at)
JOBS = {
    "digests-daily": (DAY, lambda: digests_send(Rate.DAILY), 6),
    "digests-weekly": (7 * DAY, lambda: digests_send(Rate.WEEKLY), 6),
    "reminders": (DAY, reminders_send, 5),
}


def _first_run(hour, now):
    first = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return first if first > now else first + DAY


def schedule_ensure(now=None):
    now = now or timezone.now()
    for name, (_, _, hour) in JOBS.items():
        ScheduledJob.objects.get_or_create(name=name, defaults={"next_run_at": _first_run(hour, now)})


def schedule_run(now=None):
    """Run the due jobs; return ({name: its result}, when the next one is due)."""
    now = now or timezone.now()
    schedule_ensure(now)
    ran = {}
    for name, (period, run, _) in JOBS.items():
        with transaction.atomic():
            job = ScheduledJob.objects.select_for_update().get(name=name)
            if job.next_run_at > now:
                continue
            result = run()
            while job.next_run_at <= now:
                job.next_run_at += period
            job.last_run_at = now
            job.save()
            ran[name] = result
    next_due = ScheduledJob.objects.filter(name__in=JOBS).order_by("next_run_at").values_list("next_run_at", flat=True)
    return ran, next_due.first()
