"""Test-only settings: ungpho's own, with a URL whose view always fails (test_logs.py)."""

from ungpho.settings import *  # noqa: F403

ROOT_URLCONF = "tests.faults.urls_failing_view"
