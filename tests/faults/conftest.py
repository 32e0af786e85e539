"""The fault suite (issue 20): each test here is a failure an independent test of the
running system found, replayed against the real parts (SQLite and PostgreSQL, Mosquitto,
Chromium). See README.md in this folder for which test covers which finding."""

# Real `ungpho worker` processes against a database of their own, as in tests/e2e.
from tests.e2e.conftest import (  # noqa: E402, F401
    fresh_database,
    processes,
    pytest_runtest_makereport,
    ungpho_env,
)
