"""Settings for the test suite: development defaults, fast password hashing.

DATABASE_URL still picks the database under test (unset: SQLite); see README "Tests".
"""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
