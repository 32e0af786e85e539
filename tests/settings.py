"""The test suite's settings: the real ones, with a fast password hasher. Every
``user_upsert`` would otherwise run PBKDF2's 1,000,000 iterations; MD5 is for tests only.
Processes a test starts (``ungpho web``, ``ungpho worker``, …) run with the real settings."""

from ungpho.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
