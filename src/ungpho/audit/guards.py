"""Append-only guards: triggers that make the database itself refuse UPDATE and DELETE (and,
on PostgreSQL, TRUNCATE) on the tables of records that never change — the audit log, the
incident log, phase changes, situation reports, classifications and closure decisions (every
model whose manager is an ``AppendOnlyQuerySet``).

The ORM already refuses such writes; the triggers stop the rest — raw SQL, a script, a
mistaken migration. Whoever may drop triggers can still get past them: the keyed chain and its
anchors (docs/audit.md) are what find that.

Installed by migrations, and again after every ``migrate`` (``post_migrate``), because SQLite
drops a table's triggers when a later migration rebuilds the table.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections, transaction

#: The message both databases give when a guard refuses a write.
REFUSAL = "{table} is append-only: {op} refused"
_PG_FUNCTION = "ungpho_append_only"


def guarded_tables() -> list[str]:
    """The tables of every model whose manager refuses updates and deletes."""
    from ungpho.audit.models import AppendOnlyQuerySet

    return sorted(model._meta.db_table for model in apps.get_models()
                  if issubclass(model._default_manager._queryset_class, AppendOnlyQuerySet))


def _sqlite_names(table: str) -> list[tuple[str, str]]:
    return [(f"ungpho_append_only_{table}_{op.lower()}", op) for op in ("UPDATE", "DELETE")]


def guard_sql(vendor: str, table: str) -> list[str]:
    """Statements that install the guards of ``table`` (if they are not there yet)."""
    if vendor == "sqlite":
        return [f'CREATE TRIGGER IF NOT EXISTS "{name}" BEFORE {op} ON "{table}" BEGIN '
                f"SELECT RAISE(ABORT, '{REFUSAL.format(table=table, op=op)}'); END"
                for name, op in _sqlite_names(table)]
    if vendor == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
            f"USING ERRCODE = 'integrity_constraint_violation'; END $$",
            f'CREATE OR REPLACE TRIGGER {_PG_FUNCTION} BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
            f'CREATE OR REPLACE TRIGGER {_PG_FUNCTION}_truncate BEFORE TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()",
        ]
    raise NotImplementedError(f"append-only guards for {vendor}")


def unguard_sql(vendor: str, table: str) -> list[str]:
    """Statements that remove the guards of ``table``."""
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{name}"' for name, _op in _sqlite_names(table)]
    return [f'DROP TRIGGER IF EXISTS {name} ON "{table}"'
            for name in (_PG_FUNCTION, f"{_PG_FUNCTION}_truncate")]


def guards_present(connection, table: str) -> bool:
    """Whether every guard of ``table`` is installed."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            names = [name for name, _op in _sqlite_names(table)]
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                           "tbl_name = %s AND name IN (%s, %s)", [table, *names])
            return cursor.fetchone()[0] == len(names)
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND "
                       "tgname IN (%s, %s)", [f'"{table}"', _PG_FUNCTION,
                                              f"{_PG_FUNCTION}_truncate"])
        return cursor.fetchone()[0] == 2


def guards_install(connection, tables: list[str]) -> None:
    """Install the guards of ``tables`` in one transaction."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table in tables:
            for statement in guard_sql(connection.vendor, table):
                cursor.execute(statement)


def guards_after_migrate(sender, using, **kwargs) -> None:
    """``post_migrate``: every append-only table has its guards (a migration that rebuilt
    one on SQLite took them away)."""
    connection = connections[using]
    missing = [table for table in guarded_tables() if not guards_present(connection, table)]
    if missing:
        guards_install(connection, missing)


def guards_migration(*tables: str):
    """The migration operation that installs the guards of ``tables`` (reversed: removes
    them)."""
    from django.db import migrations

    def forward(apps, schema_editor):
        guards_install(schema_editor.connection, list(tables))

    def backward(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for table in tables:
                for statement in unguard_sql(schema_editor.connection.vendor, table):
                    cursor.execute(statement)

    return migrations.RunPython(forward, backward)
