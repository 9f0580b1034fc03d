"""With production settings (DEBUG off, secret from the environment) the security headers are on.

Settings are read once at start-up, so a separate process loads them as production does and
sends requests through the whole middleware stack with Django's test client; it prints what it
saw as JSON for the assertions here.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
import django
from django.conf import settings
from django.test import Client

django.setup()
client = Client(HTTP_HOST="timeline.example.org")
over_https = client.get("/api/v1/", {"format": "json"}, secure=True)
over_http = client.get("/api/v1/", {"format": "json"})
health = client.get("/healthz", secure=True)
print(json.dumps({
    "https": {"status": over_https.status_code, "headers": dict(over_https.headers)},
    "http": {"status": over_http.status_code, "location": over_http.headers.get("Location")},
    "health": {"headers": dict(health.headers)},
    "settings": {
        name: getattr(settings, name)
        for name in (
            "DEBUG",
            "SESSION_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "CSRF_COOKIE_SECURE",
            "SECURE_SSL_REDIRECT",
            "SECURE_PROXY_SSL_HEADER",
        )
    },
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    environment = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="timeline.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('production') / 'db.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_https_answers_carry_the_security_headers(production):
    assert production["https"]["status"] == 200
    headers = production["https"]["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_is_redirected_to_https(production):
    assert production["http"]["status"] == 301
    assert production["http"]["location"] == "https://timeline.example.org/api/v1/?format=json"


def test_health_check_is_never_cached_and_carries_the_headers(production):
    headers = production["health"]["headers"]
    assert "no-cache" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_cookies_are_secure_and_the_session_cookie_is_out_of_reach_of_scripts(production):
    assert production["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
