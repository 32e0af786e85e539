"""``ungpho deadletters``: what the doors could not read or store, for the administrator — list
them, show one, retry them once the cause is fixed, resolve one by hand (docs/dead-letters.md).
Help texts: Vietnamese / English."""

from __future__ import annotations

import argparse
import base64
import json
import sys

from django.utils import timezone

from ungpho.cli.common import require_database
from ungpho.core.printable import printable_text

LIST_LIMIT = 100


def _letters_open(door: str | None):
    # The apps' models exist only once main() has set Django up.
    from ungpho.faults.models import DeadLetter
    from ungpho.faults.selectors import deadletters_open

    if door is not None and door not in DeadLetter.Door.values:
        sys.exit(f"ungpho deadletters: --door: không có cửa / no door {door!r} (one of "
                 f"{', '.join(DeadLetter.Door.values)})")
    letters = deadletters_open()
    return letters.filter(door=door) if door else letters


def _letter(pk: int):
    # The apps' models exist only once main() has set Django up.
    from ungpho.faults.models import DeadLetter

    letter = DeadLetter.objects.filter(pk=pk).first()
    if letter is None:
        sys.exit(f"ungpho deadletters: không có thư lỗi / no dead letter #{pk}")
    return letter


def _when(moment) -> str:
    return "" if moment is None else timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _row(letter) -> dict:
    return {"id": letter.pk, "door": letter.door, "source": letter.source,
            "field": letter.field, "reason": letter.reason,
            "times_received": letter.times_received,
            "received_at": letter.received_at.isoformat(),
            "last_received_at": letter.last_received_at.isoformat(),
            "attempts": letter.attempts, "size_bytes": letter.size_bytes,
            "resolved_at": letter.resolved_at and letter.resolved_at.isoformat(),
            "resolution": letter.resolution}


def cmd_deadletters_list(args) -> int:
    require_database(migrated=True)
    letters = _letters_open(args.door)
    count = letters.count()
    shown = list(letters[:args.limit])
    if args.json:
        print(json.dumps({"open": count, "letters": [_row(letter) for letter in shown]},
                         ensure_ascii=False))
        return 0
    print(f"Thư lỗi đang mở / open dead letters: {count}"
          + (f" (mới nhất / newest {len(shown)})" if len(shown) < count else ""))
    for letter in shown:
        field = f"  {printable_text(letter.field, one_line=True)}:" if letter.field else ""
        print(f"#{letter.pk}  {_when(letter.last_received_at)}  {letter.door}  "
              f"×{letter.times_received}  {printable_text(letter.source, one_line=True)}")
        print(f"   {field} {printable_text(letter.reason, max_chars=300, one_line=True)}"
              .rstrip())
    if count:
        print("Xem / show: ungpho deadletters show ID · sửa xong thì / once fixed: ungpho "
              "deadletters retry ID")
    return 0


def cmd_deadletters_show(args) -> int:
    require_database(migrated=True)
    letter = _letter(args.id)
    payload = None if letter.payload is None else bytes(letter.payload)
    if args.json:
        print(json.dumps({**_row(letter), "sha256": letter.sha256,
                          "truncated": letter.truncated,
                          "payload_base64": payload and base64.b64encode(payload).decode()},
                         ensure_ascii=False))
        return 0
    state = (f"đã xử lý / resolved {_when(letter.resolved_at)}: "
             f"{printable_text(letter.resolution)}" if letter.resolved_at else "mở / open")
    print(f"Thư lỗi / dead letter #{letter.pk} — {state}")
    for label, value in (
            ("cửa / door", letter.door),
            ("nguồn / source", printable_text(letter.source)),
            ("trường / field", printable_text(letter.field)),
            ("lý do / reason", printable_text(letter.reason)),
            ("nhận / received", f"{_when(letter.received_at)} → "
                                f"{_when(letter.last_received_at)} (×{letter.times_received})"),
            ("thử lại / retries", f"{letter.attempts}"
                                  + (f", lần cuối / last {_when(letter.last_attempt_at)}"
                                     if letter.last_attempt_at else "")),
            ("kích thước / size", f"{letter.size_bytes} bytes, sha256 {letter.sha256}")):
        print(f"{label}: {value}")
    if payload is None:
        print("nội dung / payload: (không đọc được / could not be read)")
        return 0
    kept = (f" — chỉ giữ / kept only the first {len(payload)} bytes" if letter.truncated
            else "")
    print(f"--- nội dung / payload (ký tự điều khiển viết dạng \\xNN / control characters "
          f"escaped; --json: exact bytes){kept} ---")
    print(printable_text(payload))
    return 0


def cmd_deadletters_retry(args) -> int:
    # The apps' models exist only once main() has set Django up.
    from ungpho.faults.doors import deadletter_retry

    require_database(migrated=True)
    if (args.id is None) == (not args.all):
        sys.exit("ungpho deadletters retry: cho một ID hoặc --all / give one ID or --all")
    if args.id is not None:
        letter = _letter(args.id)
        if letter.resolved_at is not None:
            sys.exit(f"ungpho deadletters retry: #{letter.pk} đã xử lý / is already resolved")
        letters = [letter]
    else:
        letters = list(_letters_open(args.door).order_by("received_at", "id"))
    outcomes = []
    for letter in letters:
        resolved, text = deadletter_retry(letter)
        outcomes.append({"id": letter.pk, "resolved": resolved, "outcome": text})
        if not args.json:
            print(f"#{letter.pk} {'đã nhập / taken in' if resolved else 'vẫn lỗi / still dead'}"
                  f": {printable_text(text, one_line=True)}")
    if args.json:
        print(json.dumps(outcomes, ensure_ascii=False))
    elif not letters:
        print("Không có thư lỗi đang mở / no open dead letter")
    return 0 if all(o["resolved"] for o in outcomes) else 1


def cmd_deadletters_resolve(args) -> int:
    # The apps' models exist only once main() has set Django up.
    from ungpho.audit.services import Actor
    from ungpho.faults.services import AlreadyResolved, deadletter_resolve

    require_database(migrated=True)
    letter = _letter(args.id)
    try:
        deadletter_resolve(letter=letter, note=args.note,
                           by=Actor("system", "cli:deadletters resolve"))
    except AlreadyResolved:
        sys.exit(f"ungpho deadletters resolve: #{letter.pk} đã xử lý / is already resolved")
    print(f"Đã đóng / resolved #{letter.pk}")
    return 0


def add_faults_parser(sub: argparse._SubParsersAction) -> None:
    text = ("Thư lỗi: dữ liệu các cửa nhận không đọc hoặc không lưu được / dead letters: what "
            "the doors could not read or store")
    letters = sub.add_parser("deadletters", help=text, description=text)
    _list_options(letters)
    letters.set_defaults(func=cmd_deadletters_list)
    letters_sub = letters.add_subparsers(dest="deadletters_command", metavar="LỆNH/COMMAND")
    text = ("Liệt kê thư lỗi đang mở, mới nhất trước (mặc định) / list the open dead letters, "
            "newest first (the default)")
    p = letters_sub.add_parser("list", help=text, description=text)
    _list_options(p)
    p.set_defaults(func=cmd_deadletters_list)
    text = ("In một thư lỗi và nội dung của nó (an toàn cho màn hình) / print one dead letter "
            "and its payload (safe for a terminal)")
    p = letters_sub.add_parser("show", help=text, description=text)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--json", action="store_true",
                   help="in JSON, nội dung dạng base64 / print JSON, the payload as base64")
    p.set_defaults(func=cmd_deadletters_show)
    text = ("Đưa thư lỗi qua lại cửa của nó sau khi đã sửa nguyên nhân; mã thoát 1 nếu còn "
            "lỗi / feed dead letters back through their door once the cause is fixed; exit 1 "
            "if any is still dead")
    p = letters_sub.add_parser("retry", help=text, description=text)
    p.add_argument("id", type=int, nargs="?", metavar="ID")
    p.add_argument("--all", action="store_true",
                   help="mọi thư đang mở (cũ nhất trước) / every open letter (oldest first)")
    _door_option(p)
    p.add_argument("--json", action="store_true", help="in JSON / print JSON")
    p.set_defaults(func=cmd_deadletters_retry)
    text = ("Đóng một thư lỗi bằng tay, kèm ghi chú (có ghi nhật ký) / close a dead letter by "
            "hand, with a note (audited)")
    p = letters_sub.add_parser("resolve", help=text, description=text)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--note", required=True, help="lý do đóng / why it is closed")
    p.set_defaults(func=cmd_deadletters_resolve)


def _door_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--door", help="chỉ thư của cửa này (mqtt, http, file, eurdep, cli, "
                                       "tracker) / only this door's letters")


def _list_options(parser: argparse.ArgumentParser) -> None:
    _door_option(parser)
    parser.add_argument("--limit", type=int, default=LIST_LIMIT,
                        help=f"số thư in ra / letters printed ({LIST_LIMIT})")
    parser.add_argument("--json", action="store_true", help="in JSON / print JSON")
