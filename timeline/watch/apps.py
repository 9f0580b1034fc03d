from django.apps import AppConfig


class WatchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "timeline.watch"
    label = "timeline_watch"
    verbose_name = "Agency watch"
