from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_screening_role(sender, using="default", apps=None, **kwargs):
    from timeline.screening.services import screening_role_ensure

    screening_role_ensure()


class ScreeningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "timeline.screening"
    label = "timeline_screening"
    verbose_name = "Screening"

    def ready(self):
        post_migrate.connect(_ensure_screening_role, sender=self, dispatch_uid="timeline_screening.role")
        from timeline.screening.indexing import name_index_connect

        # The name index follows every write to an entity's names and identifiers.
        name_index_connect()
