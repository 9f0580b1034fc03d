"""Settings for the test suite: development defaults, fast password hashing.

DATABASE_URL still picks the database under test (unset: SQLite); see README "Tests".
"""

import os

os.environ.setdefault("DEBUG", "1")
# The whole suite shares one cache: a generous anonymous API rate keeps it from tripping the throttle
# (tests/test_api_formats.py lowers it to check the 429).
os.environ.setdefault("API_ANON_RATE", "100000/minute")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
