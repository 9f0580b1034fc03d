"""Bring a database to a working site: migrations, roles, the curated fixtures, a development login."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from timeline.services.roles import roles_ensure

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = (
        "Migrate, create the viewer/editor/admin roles, load fixtures/*.json and, with DEBUG on, "
        "create the development superuser. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-fixtures", action="store_true", help="Do not load fixtures/*.json.")
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument(
            "--admin-password",
            default="admin",
            help="Password of the development superuser (only created with DEBUG on). Default: admin.",
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        roles_ensure()
        self.stdout.write("Roles ready: viewer, editor, admin.")
        if not options["no_fixtures"]:
            files = sorted(str(path) for path in FIXTURES_DIR.glob("*.json"))
            if not files:
                raise CommandError(f"No fixtures found in {FIXTURES_DIR}.")
            # The editors' loader validates every record and keeps the timeline in line with the facts.
            call_command("load_timeline", *files, no_progress=True, verbosity=0)
            self.stdout.write(f"Loaded {len(files)} fixture file(s) from {FIXTURES_DIR}.")
        if settings.DEBUG:
            self._ensure_dev_superuser(options["admin_username"], options["admin_password"])

    def _ensure_dev_superuser(self, username, password):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True, "is_superuser": True})
        if created:
            user.set_password(password)
            user.save()
            self.stdout.write(f"Development superuser created: {username} / {password}")
        else:
            self.stdout.write(f"Development superuser {username} already exists; password unchanged.")
