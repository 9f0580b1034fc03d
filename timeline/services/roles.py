"""The three roles compliance teams use, as Django groups with model permissions.

viewer: read every timeline record. editor: also add, change and delete them.
admin: an editor who also manages users, groups and API tokens.
Run after every migration (post_migrate), so new models get their permissions too.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

ROLE_NAMES = ("viewer", "editor", "admin")
ACCOUNT_MODELS = (("auth", "user"), ("auth", "group"), ("authtoken", "token"), ("authtoken", "tokenproxy"))
# Everyone's webhooks, deliveries and saved searches, and the task queue: administrators only.
ADMIN_APPS = ("timeline_notify", "django_tasks_database")


def _timeline_permissions(actions):
    """Permissions on timeline models; the audit trail is never writable, only viewable."""
    codenames = [
        f"{action}_{model._meta.model_name}"
        for model in apps.get_app_config("timeline").get_models()
        for action in actions
        if action == "view" or not model._meta.model_name.startswith("historical")
    ]
    return Permission.objects.filter(content_type__app_label="timeline", codename__in=codenames)


@transaction.atomic
def roles_ensure():
    """Create or update the role groups; idempotent."""
    viewer = _timeline_permissions(["view"])
    editor = _timeline_permissions(["view", "add", "change", "delete"])
    account = Permission.objects.none()
    for app_label, model_name in ACCOUNT_MODELS:
        account |= Permission.objects.filter(content_type__app_label=app_label, content_type__model=model_name)
    account |= Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
    wanted = {"viewer": viewer, "editor": editor, "admin": editor | account}
    for name, permissions in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions.distinct())
    return {name: Group.objects.get(name=name) for name in ROLE_NAMES}
