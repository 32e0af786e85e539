"""``ungpho alerts cap``: the CAP 1.2 documents of the released public messages. Help texts:
Vietnamese / English."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ungpho.cli.common import require_database
from ungpho.cli.incidents import incident_pk


def cmd_alerts_cap(args) -> int:
    """Every CAP document, each starting with its XML declaration, one after the other
    (with ``--out``, one file ``<identifier>.xml`` each instead)."""
    require_database(migrated=True)
    # The apps' models exist only once main() has set Django up.
    from ungpho.alerts.links import public_url
    from ungpho.incidents.models import Incident
    from ungpho.public.cap import message_cap_xml
    from ungpho.public.selectors import messages_released

    incident = None
    if args.incident is not None:
        incident = Incident.objects.filter(pk=args.incident).first()
        if incident is None:
            sys.exit(f"ungpho alerts cap: --incident: không có sự cố / no incident "
                     f"{args.incident!r}")
    base = (args.base_url or public_url()).rstrip("/")
    messages = list(messages_released(current_only=not args.all, incident=incident))[::-1]
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    for message in messages:
        document = message_cap_xml(message, base)
        if args.out:
            (args.out / f"{message.identifier}.xml").write_bytes(document)
        else:
            sys.stdout.buffer.write(document + b"\n")
    sys.stdout.flush()
    print(f"{len(messages)} bản tin CAP / CAP messages", file=sys.stderr)
    return 0


def add_alerts_parser(sub: argparse._SubParsersAction) -> None:
    alerts = sub.add_parser("alerts", help="Cảnh báo công chúng / public alerts")
    alerts_sub = alerts.add_subparsers(dest="alerts_command", required=True,
                                       metavar="LỆNH/COMMAND")
    text = ("In CAP 1.2 của các bản tin đã phát hành (mặc định: đang hiệu lực) / print the "
            "CAP 1.2 XML of the released messages (default: those in force)")
    p = alerts_sub.add_parser("cap", help=text, description=text)
    p.set_defaults(func=cmd_alerts_cap)
    p.add_argument("--incident", type=incident_pk,
                   help="mã sự cố (UP-2026-00001) hoặc số / incident code or id")
    p.add_argument("--all", action="store_true",
                   help="cả các bản tin đã bị thay thế, hủy / superseded and cancelled too")
    p.add_argument("--out", type=Path, help="thư mục ghi mỗi bản tin một tệp / folder for one "
                                            "file per message")
    p.add_argument("--base-url", help="địa chỉ công khai cho các liên kết / public address for "
                                      "the links (UNGPHO_BASE_URL)")
