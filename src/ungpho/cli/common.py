"""What every ``ungpho`` command shares: Django set up from the environment, the database
required with the fix said rather than a traceback, and the way a command is added."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from django.db import connections

from ungpho.cli.checks import check_database, check_migrations, check_settings

#: The exit status of a command cut off by its reader (``ungpho stations export | head``):
#: 128 + SIGPIPE, what a shell reports.
EXIT_BROKEN_PIPE = 141


def setup(exit_code: int = 1) -> None:
    """Load settings and Django, or exit with the configuration problem (no traceback)."""
    results, _loaded = check_settings()
    problems = [r.detail for r in results if not r.ok]
    if problems:
        print("ungpho: cấu hình sai / configuration error:\n  " + "\n  ".join(problems),
              file=sys.stderr)
        sys.exit(exit_code)


def require_database(*, migrated: bool = False, release: bool = False) -> None:
    """Exit with the check's fix when the database is unreachable (or, ``migrated``, not
    migrated) rather than with a traceback. ``release``: a server or worker gives the main
    thread's connection back, which it would otherwise hold for good."""
    for check in (check_database, check_migrations) if migrated else (check_database,):
        result = check()
        if not result.ok:
            sys.exit(f"ungpho: {result.name}: {result.detail}\n  → {result.fix}")
    if release:
        connections.close_all()


def add_command(sub: argparse._SubParsersAction, name: str, func: Callable[..., int],
                help_text: str) -> argparse.ArgumentParser:
    """A top-level command ``ungpho NAME`` running ``func(args)``; its help is its description."""
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.set_defaults(func=func)
    return p
