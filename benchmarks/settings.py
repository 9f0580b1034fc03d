"""Settings for benchmark runs: production-like (DEBUG off) but served over plain HTTP on 127.0.0.1.

The harness's own urlconf mounts the framework-floor views beside the site's URLs; the anonymous
throttle is lifted so the load generator measures the application, not the rate limiter.
"""

import os
import secrets
import warnings

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("API_ANON_RATE", "100000000/minute")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
# Static files are served from the apps (no collectstatic for a benchmark run).
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
# Plain HTTP on loopback: cookies must travel without TLS.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# The admin renders {% static %}; no collectstatic manifest is needed to measure it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
