"""Run the task worker for webhooks, digests and reminders (django-tasks' db_worker), with the
recurring jobs scheduled."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from timeline.notify.services.schedule import schedule_ensure


class Command(BaseCommand):
    help = "Work the notification queue (webhooks, digests, reminders); extra options go to db_worker."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is due now, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of an empty queue.")

    def handle(self, *args, batch=False, interval=1.0, **options):
        from timeline.notify.tasks import changes_dispatch, schedule_run

        schedule_ensure()
        # The schedule re-queues itself; queue it unless a run is already waiting.
        if not DBTaskResult.objects.filter(task_path=schedule_run.module_path, status="READY").exists():
            schedule_run.enqueue()
        # Catch up on writes committed while no worker ran (their queued dispatch is still there too).
        changes_dispatch.enqueue()
        worker_options = ["--queue-name", "default", "--interval", str(interval), "--no-startup-delay", "--no-reload"]
        if batch:
            worker_options.append("--batch")
        call_command("db_worker", *worker_options, verbosity=options["verbosity"])
