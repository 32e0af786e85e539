"""The registries' import and export commands (``ungpho stations|facilities|sources|chemicals
import|export``): a file (or standard input) handed to a registry's importer and its report
printed; a registry written to a file (or standard output) as CSV or GeoJSON. Reading and
writing the files themselves: ``ungpho.core.formats.registry_file``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ungpho.cli.common import require_database

if TYPE_CHECKING:
    from ungpho.core.formats.registry_file import ImportReport


def file_format(path: Path | None, given: str | None) -> str:
    """``--format`` if given, else from the file's name: GeoJSON for .geojson and .json."""
    if given:
        return given
    suffix = path.suffix.lower() if path is not None else ""
    return "geojson" if suffix in (".geojson", ".json") else "csv"


def cli_import(args, *, command: str, importer: Callable[..., ImportReport]) -> int:
    """Run ``importer(source, fmt=, by=)`` on ``args.file`` ('-': standard input) and print
    its report (``--json``: as one object); 1 when any line was refused."""
    # The audit app's models exist only once main() has set Django up.
    from ungpho.audit.services import Actor

    path = None if args.file == "-" else Path(args.file)
    if path is not None and not path.is_file():
        sys.exit(f"ungpho {command}: không có tệp / no such file: {path}")
    require_database()
    report = importer(sys.stdin if path is None else path, fmt=file_format(path, args.format),
                      by=Actor("system", f"cli:{command}"))
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(f"Tạo mới / created: {report.created}   Cập nhật / updated: {report.updated}   "
              f"Lỗi / problems: {len(report.rejected)}")
        for r in report.rejected:
            where = (f"dòng / line {r['line']}" if "line" in r else "tệp / file"
                     if r["feature"] is None else f"đối tượng / feature {r['feature']}")
            print(f"  {where}: {r['field']}: {r['reason']}")
    return 1 if report.rejected else 0


def cli_export(args, *, what: str, write_csv: Callable[[IO[str]], int],
               geojson: Callable[[], dict]) -> int:
    """Write the registry to ``args.output`` (default: standard output) as CSV or GeoJSON;
    ``what`` names the rows in the message, e.g. "trạm / stations"."""
    require_database()
    path = Path(args.output) if args.output else None
    fmt = file_format(path, args.format)
    # A file gets a UTF-8 signature so that spreadsheets read the Vietnamese text right.
    out = sys.stdout if path is None else path.open(
        "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
    try:
        if fmt == "csv":
            count = write_csv(out)
        else:
            doc = geojson()
            json.dump(doc, out, ensure_ascii=False, indent=1)
            out.write("\n")
            count = len(doc["features"])
    finally:
        if path is not None:
            out.close()
    if path is not None:
        print(f"Đã ghi / wrote {count} {what}: {path}", file=sys.stderr)
    return 0


def add_import_export(sub: argparse._SubParsersAction, *, import_func, import_help: str,
                      export_func, export_help: str) -> None:
    """The ``import FILE [--format] [--json]`` and ``export [--format] [--output]``
    subcommands of a registry's command group."""
    p = sub.add_parser("import", help=import_help, description=import_help)
    p.set_defaults(func=import_func)
    p.add_argument("file", metavar="FILE", help="tệp CSV hoặc GeoJSON, '-' là stdin / CSV or "
                                                "GeoJSON file, '-' for standard input")
    p.add_argument("--format", choices=["csv", "geojson"],
                   help="định dạng (mặc định theo đuôi tệp) / format (default: from the name)")
    p.add_argument("--json", action="store_true",
                   help="in một đối tượng JSON tổng kết / print one JSON summary object")
    p = sub.add_parser("export", help=export_help, description=export_help)
    p.set_defaults(func=export_func)
    p.add_argument("--format", choices=["csv", "geojson"],
                   help="định dạng (mặc định theo đuôi tệp, không thì csv) / format (default: "
                        "from the output name, else csv)")
    p.add_argument("--output", metavar="FILE", help="tệp ghi ra (mặc định: stdout) / "
                                                    "output file (default: standard output)")
