"""The fault suite (issue 20): each test here is a failure an independent test of the
running system found, replayed against the real parts (SQLite and PostgreSQL, Mosquitto,
Chromium). See README.md in this folder for which test covers which finding."""

# Real processes against a database of their own (the CLI, worker and browser tests here).
from tests.e2e.conftest import (  # noqa: E402, F401
    fresh_database,
    migrated_template,
    processes,
    pytest_runtest_makereport,
    ungpho_env,
)


def database_refuses(table: str, column: str, value: float):
    """Make the database itself refuse rows of ``table`` whose ``column`` equals ``value``,
    as out of range (a trigger, on either database): what a value no check caught would
    meet. Returns the function that lifts the refusal (the fix)."""
    from django.db import connection

    name = f"refuse_{table}_{column}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                           f"IF NEW.{column} = {value} THEN RAISE EXCEPTION '{column} out of "
                           "range' USING ERRCODE = 'numeric_value_out_of_range'; END IF; "
                           "RETURN NEW; END $$ LANGUAGE plpgsql")
            cursor.execute(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW "
                           f"EXECUTE FUNCTION {name}()")
            undo = [f"DROP TRIGGER IF EXISTS {name} ON {table}",
                    f"DROP FUNCTION IF EXISTS {name}()"]
        else:
            cursor.execute(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN "
                           f"NEW.{column} = {value} BEGIN SELECT RAISE(ABORT, '{column} out "
                           "of range'); END")
            undo = [f"DROP TRIGGER IF EXISTS {name}"]

    def lift():
        with connection.cursor() as cursor:
            for statement in undo:
                cursor.execute(statement)

    return lift
