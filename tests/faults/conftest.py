"""The fault suite (issue 20): each test here is a failure an independent test of the
running system found, replayed against the real parts (SQLite and PostgreSQL, Mosquitto,
Chromium). See README.md in this folder for which test covers which finding."""

# Real ungpho processes on a database of their own, as in tests/e2e.
from tests.e2e.conftest import fresh_database, processes, ungpho_env  # noqa: E402, F401
