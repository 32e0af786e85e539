"""``ungpho incidents report``: an incident's closure report (TT 12/2023 Phụ lục VII.6) as a
PDF or DOCX file, from the command line. Help texts: Vietnamese / English."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ungpho.cli.common import require_database


def incident_pk(text: str) -> int:
    """``12`` or the incident's code ``UP-2026-00012``."""
    match = re.fullmatch(r"(?:UP-\d{4}-)?0*(\d+)", text.strip(), re.IGNORECASE)
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r}: a number or a code such as UP-2026-00012")
    return int(match.group(1))


def cmd_report(args) -> int:
    require_database(migrated=True)
    # The apps' models exist only once main() has set Django up.
    from ungpho.incidents.closure.final_report import final_report_render
    from ungpho.incidents.models import Incident

    incident = Incident.objects.filter(pk=args.incident).first()
    if incident is None:
        sys.exit(f"ungpho incidents report: incident: không có sự cố / no incident "
                 f"{args.incident}")
    content, _type, name = final_report_render(incident, args.format)
    out = Path(args.out or name)
    out.write_bytes(content)
    state = "dự thảo / draft" if incident.status == Incident.Status.OPEN else "chính thức / final"
    print(f"Đã ghi / wrote {out} ({state}, {len(content):,} bytes)")
    return 0


def add_incidents_parsers(sub: argparse._SubParsersAction) -> None:
    incidents = sub.add_parser("incidents", help="Sự cố / incidents")
    incidents_sub = incidents.add_subparsers(dest="incidents_command", required=True,
                                             metavar="LỆNH/COMMAND")
    text = ("Báo cáo kết thúc sự cố (Phụ lục VII.6), PDF hoặc DOCX; dự thảo khi chưa kết thúc "
            "/ the incident's closure report, PDF or DOCX; a draft while it is open")
    p = incidents_sub.add_parser("report", help=text, description=text)
    p.set_defaults(func=cmd_report)
    p.add_argument("incident", type=incident_pk, help="số hoặc mã sự cố / number or code")
    p.add_argument("--format", choices=["pdf", "docx"], default="pdf",
                   help="định dạng / format (pdf)")
    p.add_argument("--out", help="tệp ghi ra / output file (default: <code>-bao-cao-ket-thuc"
                                 ".<format>)")
