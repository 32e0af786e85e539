"""The ``ungpho`` command: the parser built from each area's commands, and ``main()``.
Help texts: Vietnamese / English.

Each area's module (``system``, ``accounts``, ``checks``, ``audit``, ``monitoring``,
``preparedness``, ``rules``, ``alerts``, ``incidents``, ``faults``) adds its commands; the
shared helpers are in ``common``. ``main()`` sets Django up after the arguments are parsed, so
``ungpho --help`` and the ``rules`` commands work without a configuration or a database: the
apps' modules, which define models, are imported inside the commands that use them.
"""

from __future__ import annotations

import argparse
import os
import sys

from django.db import DatabaseError

from ungpho.cli.accounts import add_accounts_parser
from ungpho.cli.alerts import add_alerts_parser
from ungpho.cli.audit import add_audit_parser
from ungpho.cli.checks import add_check_parser
from ungpho.cli.common import EXIT_BROKEN_PIPE, require_database, setup
from ungpho.cli.faults import add_faults_parser
from ungpho.cli.incidents import add_incidents_parsers
from ungpho.cli.monitoring import add_monitoring_parsers, add_token_parser
from ungpho.cli.preparedness import add_preparedness_parsers
from ungpho.cli.rules import add_rules_parser
from ungpho.cli.system import add_system_parsers


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ungpho",
        description="Hệ thống thông tin ứng phó sự cố môi trường và bức xạ / "
                    "environmental and radiological incident response system")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH/COMMAND")
    # In this order in ``ungpho --help``.
    add_system_parsers(sub)
    add_accounts_parser(sub)
    add_token_parser(sub)
    add_check_parser(sub)
    add_audit_parser(sub)
    add_monitoring_parsers(sub)
    add_preparedness_parsers(sub)
    add_rules_parser(sub)
    add_alerts_parser(sub)
    add_incidents_parsers(sub)
    add_faults_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Names this process's PostgreSQL connections (pg_stat_activity, ungpho check).
    os.environ.setdefault("PGAPPNAME", f"ungpho {args.command}")
    if getattr(args, "needs_setup", True):
        setup(getattr(args, "config_exit", 1))
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader left (``ungpho stations export | head``): end quietly, as cat does,
        # with nothing more written to the closed pipe when Python flushes at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except DatabaseError:
        # A command that met a database without its tables (never migrated, or migrated by
        # an older version) says so with the fix, not with a traceback; any other error of
        # the database is raised as it was.
        require_database(migrated=True)
        raise
