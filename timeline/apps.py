from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender, using="default", apps=None, **kwargs):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from timeline.services.roles import roles_ensure

    # Receivers run in INSTALLED_APPS order and timeline comes before contrib.auth (for its admin
    # templates), so the permissions the roles grant may not exist yet: create them first (idempotent).
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps or global_apps)
    roles_ensure()


def _fill_penalty_totals(sender, using="default", **kwargs):
    from timeline.services.penalty_totals import penalty_totals_fill

    # A database that held settlements before the totals table existed gets it filled once.
    penalty_totals_fill(using=using)


class TimelineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "timeline"
    verbose_name = "Enforcement timeline"

    def ready(self):
        # Like contrib.auth's permissions: the role groups follow the models after every migrate.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="timeline.roles")
        post_migrate.connect(_fill_penalty_totals, sender=self, dispatch_uid="timeline.penalty_totals")
        from timeline.services.penalty_totals import penalty_totals_connect

        # The penalty totals table follows every write to the figures it adds up.
        penalty_totals_connect()
