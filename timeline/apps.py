from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender, **kwargs):
    from timeline.services.roles import roles_ensure

    roles_ensure()


class TimelineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "timeline"
    verbose_name = "Enforcement timeline"

    def ready(self):
        # Like contrib.auth's permissions: the role groups follow the models after every migrate.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="timeline.roles")
