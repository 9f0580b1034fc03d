"""Settings for the test suite: development defaults, fast password hashing.

DATABASE_URL still picks the database under test (unset: SQLite); see README "Tests".
"""

import os

os.environ.setdefault("DEBUG", "1")
# The whole suite shares one cache: a generous anonymous API rate keeps it from tripping the throttle
# (tests/test_api_formats.py lowers it to check the 429).
os.environ.setdefault("API_ANON_RATE", "100000/minute")
# Django's TestCase never commits, so the data version (set at commit on PostgreSQL) would not move
# within a test: answers are cached only in tests/test_response_cache.py, whose tests commit.
os.environ.setdefault("API_CACHE_SECONDS", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
