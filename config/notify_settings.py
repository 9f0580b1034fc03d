"""Settings of notifications (webhooks, digests, reminders), their task worker and outgoing email."""

import os

from config.settings import DEBUG, env_bool

# django-tasks with its database backend: the queue lives in the application's own database
# (PostgreSQL or SQLite), worked by `manage.py notify_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Receivers must be https and public, except in development, where http and loopback receivers
# (127.0.0.1, ::1) are allowed; private, link-local and reserved addresses are refused everywhere.
NOTIFY_REQUIRE_HTTPS = env_bool("NOTIFY_REQUIRE_HTTPS", default=not DEBUG)
NOTIFY_ALLOW_LOOPBACK_URLS = env_bool("NOTIFY_ALLOW_LOOPBACK_URLS", default=DEBUG)
NOTIFY_WEBHOOK_TIMEOUT = float(os.environ.get("NOTIFY_WEBHOOK_TIMEOUT", "10"))

# Outgoing email (digests, disabled-webhook notices): SMTP in production, the console in development.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Where django.core.mail.backends.filebased.EmailBackend writes, when chosen.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "sent-email")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "timeline <timeline@localhost>")
