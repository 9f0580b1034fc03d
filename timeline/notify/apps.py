from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """Webhooks, saved searches with email digests, and deadline reminders, run by the task worker."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "timeline.notify"
    label = "timeline_notify"
    verbose_name = "Notifications"

    def ready(self):
        from timeline.notify.services.changes import changes_connect

        # Each committed write to the timeline queues one look at the audit trail (never a delivery inline).
        changes_connect()
