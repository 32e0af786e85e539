"""The test suite's settings: the real ones, with a fast password hasher. Every
``user_upsert`` would otherwise run PBKDF2's 1,000,000 iterations; MD5 is for tests only.
The processes the end-to-end tests start (``ungpho web``, ``ungpho worker``, ``ungpho
demo``, …: ``tests/e2e/conftest.py``) use them too; the tests of start-up and configuration
(``tests/cli``, ``tests/platform/test_env.py``) run the command with the real settings."""

from ungpho.settings import *  # noqa: F403

# New passwords are hashed with MD5; one stored by a process on the real settings (PBKDF2)
# is still recognised.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                    "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
