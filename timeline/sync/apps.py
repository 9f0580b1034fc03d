from django.apps import AppConfig


class SyncConfig(AppConfig):
    """The change feed's log and horizon live in their own app, so their migrations are their own."""

    name = "timeline.sync"
    label = "timeline_sync"
    verbose_name = "Sync"
    default_auto_field = "django.db.models.BigAutoField"
