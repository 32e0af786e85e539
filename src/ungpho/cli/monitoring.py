"""``ungpho ingest``, ``ungpho simulate``, ``ungpho token``, ``ungpho stations …``,
``ungpho eurdep …``: the monitoring network from the command line. Help texts: Vietnamese /
English."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from django.conf import settings
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from ungpho.cli.common import add_command, require_database
from ungpho.cli.registry import add_import_export, cli_export, cli_import
from ungpho.core.printable import printable_text
from ungpho.platform.env import ConfigError, mqtt_from_url

#: Exit codes of ``ungpho ingest`` and ``ungpho eurdep import`` beyond 0 (all taken in), 1
#: (could not run: no such path, no database) and 2 (bad arguments): some lines were
#: rejected, or some files could not be read or stored (dead letters, which win over lines).
#: The rest was stored either way. See docs/dead-letters.md.
EXIT_REJECTED, EXIT_DEAD_LETTERS = 3, 4
EXIT_CODES = ("Mã thoát / exit codes: 0 đã nhập hết / all taken in; 1 không chạy được / could "
              "not run; 2 sai tham số / bad arguments; 3 có dòng bị loại / some lines "
              "rejected; 4 có tệp không nhập được (thư lỗi) / some files not taken in (dead "
              "letters: ungpho deadletters). Phần còn lại đã lưu / the rest was stored.")


def cmd_ingest(args) -> int:
    # The apps' models exist only once main() has set Django up.
    from ungpho.faults.models import DeadLetter
    from ungpho.monitoring.doors.files import files_ingest, station_files

    _paths_exist("ingest", args.paths)
    require_database()
    # Two walks rather than one list: a backlog of millions of files is never held whole.
    total = sum(_size(p) for p in station_files(args.paths))
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=_console(), disable=args.json or not sys.stderr.isatty(),
                  transient=True) as progress:
        task = progress.add_task("Nhập tệp trạm / ingesting", total=total)
        seen = {"bytes": 0}

        def on_file(path, size):
            progress.update(task, completed=seen["bytes"],
                            description=os.path.basename(path)[:40])
            seen["bytes"] += size

        summary = files_ingest(args.paths, on_file=on_file, door=DeadLetter.Door.CLI)
        progress.update(task, completed=total)
    if args.json:
        _print_json(summary.as_dict())
    else:
        _print_summary(summary)
    return _exit_code(summary.rejected, summary.dead_letters)


def _print_json(data) -> None:
    """One JSON line; a file name that is not UTF-8 keeps its ``\\udcNN`` escape (valid JSON)
    rather than breaking the output."""
    print(json.dumps(data, ensure_ascii=False).encode("utf-8", "backslashreplace").decode())


def _paths_exist(command: str, paths: list[str]) -> None:
    """Refuse a path that is not there at all (a typo) before anything is taken in; a link
    to nothing is there, and becomes a dead letter like any file that cannot be read."""
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        sys.exit(f"ungpho {command}: không có tệp / no such file: {', '.join(missing)}")


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:  # a link to nothing, gone: the door says so
        return 0


def _exit_code(rejected: list, dead_letters: list) -> int:
    return EXIT_DEAD_LETTERS if dead_letters else EXIT_REJECTED if rejected else 0


def _console():
    return Console(stderr=True)


def _print_summary(summary) -> None:
    print(f"Tệp / files: {summary.files} (đã nhập trước / taken before: "
          f"{summary.files_skipped})")
    print(f"Lưu / stored: {summary.stored}   trùng / duplicates: {summary.duplicates}   "
          f"loại / rejected lines: {len(summary.rejected)}")
    _print_rejected(summary.rejected)
    if summary.files_vanished:
        print(f"Tệp biến mất trước khi đọc / files gone before they were read: "
              f"{summary.files_vanished}")
    _print_dead_letters(summary.dead_letters)
    if summary.incidents_opened:
        print(f"Báo cáo sự cố mới / new incident reports: {summary.incidents_opened}")


def _print_rejected(rows: list[dict]) -> None:
    for row in rows[:50]:
        print(printable_text(f"  {row['file']}:{row['line']}: {row['field']}: {row['reason']}",
                             one_line=True))
    if len(rows) > 50:
        print(f"  … {len(rows) - 50} more (--json lists all)")


def _print_dead_letters(rows: list[dict]) -> None:
    if not rows:
        return
    print(f"Tệp không nhập được / files not taken in: {len(rows)} — thư lỗi / dead letters "
          f"(ungpho deadletters show ID; sửa rồi / fix, then: ungpho deadletters retry ID)")
    for row in rows:
        print(printable_text(f"  {row['file']}:{row['line']}: {row['field']}: {row['reason']} "
                             f"[#{row['letter']}]", one_line=True))


def cmd_simulate(args) -> int:
    # The apps' models exist only once main() has set Django up; the simulator (numpy, ~0.2 s)
    # is for this command only.
    from ungpho.core.monitoring.simulate import SIM_STATION_TYPES
    from ungpho.monitoring.models import Station
    from ungpho.monitoring.services import station_token_issue
    from ungpho.monitoring.simulate import (
        SimulateError,
        ramp_from_text,
        simulate_into,
        time_parse,
    )

    def fail(message: str):
        sys.exit(f"ungpho simulate: {message}")

    if args.stations:
        codes = [c.strip() for c in args.stations.split(",") if c.strip()]
        found = {s.code: s for s in Station.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            fail(f"stations: không có trạm / no station {unknown[0]!r}")
        stations = [found[c] for c in codes]
    else:
        stations = list(Station.objects.filter(status=Station.Status.ACTIVE,
                                               type__in=list(SIM_STATION_TYPES)))
        if not stations:
            fail("stations: không có trạm nào để mô phỏng / no active station to simulate "
                 "(ungpho demo loads some)")
    tokens = {}
    for pair in args.token or ():
        code, sep, token = pair.partition("=")
        if not sep or not token:
            fail(f"--token: {pair!r} must be CODE=TOKEN")
        tokens[code] = token
    try:
        end = (time_parse(args.end, "--end") if args.end
               else dt.datetime.now(dt.UTC).replace(second=0, microsecond=0))
        if not args.hours > 0:
            raise ValueError(f"--hours: must be > 0, got {args.hours:g}")
        start = end - dt.timedelta(hours=args.hours)
        ramp = ramp_from_text(args.ramp) if args.ramp else None
        mqtt = mqtt_from_url(args.mqtt_url) if args.mqtt_url else (
            settings.MQTT or mqtt_from_url("mqtt://127.0.0.1:1883"))
    except (ValueError, ConfigError) as error:
        fail(str(error))
    out = args.out or settings.DROP_DIR
    if args.door == "file" and out is None:
        fail("--out: chọn thư mục / name a folder (or set UNGPHO_DROP_DIR)")
    issued = []
    if args.door in ("http", "mqtt"):
        for station in stations:
            if station.code not in tokens:
                tokens[station.code] = station_token_issue(station=station)
                issued.append(station.code)
    def send(start, end):
        try:
            return simulate_into(door=args.door, stations=stations, start=start, end=end,
                                 seed=args.seed, ramp=ramp, out_dir=out, url=args.url,
                                 mqtt=mqtt, tokens=tokens, batch_s=round(args.batch_min * 60))
        except (ValueError, SimulateError) as error:
            fail(str(error))

    summary = send(start, end)
    if args.follow:
        _follow(send, end, min(s.reporting_interval_s for s in stations))
    if args.json:
        print(json.dumps({**summary.as_dict(), "start": start.isoformat(),
                          "end": end.isoformat(), "tokens_issued": issued},
                         ensure_ascii=False))
        return 0
    if issued:
        print(f"Đã cấp mã truy cập mới / issued new tokens (mã cũ hết hiệu lực / old ones "
              f"stop working): {', '.join(issued)}", file=sys.stderr)
    print(f"Mô phỏng / simulated: {summary.readings} số đo / readings, {summary.stations} "
          f"trạm / stations, {start.isoformat()} → {end.isoformat()}")
    if args.door == "file":
        print(f"Đã ghi / wrote {summary.messages} tệp / files → {out}")
    elif args.door == "http":
        print(f"Đã gửi / sent {summary.messages} yêu cầu / requests → {args.url}: lưu / "
              f"stored {summary.stored}, trùng / duplicates {summary.duplicates}, loại / "
              f"rejected {summary.rejected}")
    else:
        print(f"Đã gửi / published {summary.messages} tin nhắn / messages (QoS 1, đã xác "
              f"nhận / acknowledged) → mqtt://{mqtt['host']}:{mqtt['port']}")
    for code, count in summary.per_station.items():
        print(f"  {code}: {count}")
    return 0


def cmd_stations_import(args) -> int:
    # The apps' models exist only once main() has set Django up.
    from ungpho.monitoring.registry.file_import import stations_import

    return cli_import(args, command="stations import", importer=stations_import)


def cmd_stations_export(args) -> int:
    # The apps' models exist only once main() has set Django up.
    from ungpho.monitoring.registry.file_export import stations_export_csv, stations_export_geojson

    return cli_export(args, what="trạm / stations", write_csv=stations_export_csv,
                      geojson=stations_export_geojson)


def cmd_eurdep_import(args) -> int:
    # The apps' models exist only once main() has set Django up.
    from ungpho.audit.services import Actor
    from ungpho.monitoring.doors.eurdep_io import eurdep_file_import

    _paths_exist("eurdep import", args.files)
    require_database()
    total = {"files": len(args.files), "stored": 0, "duplicates": 0, "rejected": [],
             "unknown_localities": [], "incidents_opened": [], "dead_letters": []}
    for path in args.files:
        summary = eurdep_file_import(path, by=Actor("system", "cli:eurdep import"))
        total["stored"] += summary["stored"]
        total["duplicates"] += summary["duplicates"]
        total["rejected"] += [{"file": path, **row} for row in summary["rejected"]]
        total["unknown_localities"] = sorted({*total["unknown_localities"],
                                              *summary["unknown_localities"]})
        total["incidents_opened"] += summary["incidents_opened"]
        if summary["dead_letter"] is not None:
            total["dead_letters"].append({"file": path, **summary["dead_letter"]})
    if args.json:
        _print_json(total)
        return _exit_code(total["rejected"], total["dead_letters"])
    print(f"Tệp / files: {total['files']}   lưu / stored: {total['stored']}   trùng / "
          f"duplicates: {total['duplicates']}   loại / rejected: {len(total['rejected'])}")
    if total["unknown_localities"]:
        print("Địa điểm không có trạm / localities without a station: "
              + ", ".join(total["unknown_localities"]))
    _print_rejected(total["rejected"])
    _print_dead_letters(total["dead_letters"])
    if total["incidents_opened"]:
        print(f"Báo cáo sự cố mới / new incident reports: {total['incidents_opened']}")
    return _exit_code(total["rejected"], total["dead_letters"])


def cmd_eurdep_export(args) -> int:
    # The apps' models exist only once main() has set Django up.
    from ungpho.monitoring.doors.eurdep_io import eurdep_export
    from ungpho.monitoring.simulate import time_parse

    try:
        until = time_parse(args.until, "--until") if args.until else dt.datetime.now(dt.UTC)
        since = time_parse(args.since, "--since") if args.since else until - dt.timedelta(
            days=1)
    except ValueError as error:
        sys.exit(f"ungpho eurdep export: {error}")
    require_database()
    path = Path(args.output) if args.output else None
    out = sys.stdout if path is None else path.open("w", encoding="utf-8")
    try:
        count = eurdep_export(since=since, until=until, station_codes=args.station,
                              stream=out)
    except ValueError as error:  # raised before anything is written
        if path is not None:
            out.close()
            path.unlink()
        sys.exit(f"ungpho eurdep export: {error}")
    if path is not None:
        out.close()
        print(f"Đã ghi / wrote {count} giá trị / values: {path}", file=sys.stderr)
    return 0


def _follow(send, end, interval_s: int) -> None:
    """Go on sending, one reporting interval at a time, as live stations would (Ctrl+C)."""
    print(f"Tiếp tục gửi mỗi {interval_s} s / following every {interval_s} s (Ctrl+C)",
          flush=True)
    try:
        while True:
            due = end + dt.timedelta(seconds=interval_s)
            time.sleep(max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds()))
            sent = send(end, due)
            print(f"{due.isoformat()}: {sent.readings} số đo / readings", flush=True)
            end = due
    except KeyboardInterrupt:
        pass


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="in một đối tượng JSON tổng kết / print one JSON summary object")


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", metavar="FILE", help="tệp ghi ra (mặc định: stdout) / "
                                                         "output file (default: standard output)")


def cmd_token(args) -> int:
    require_database()
    # The apps' models exist only once main() has set Django up.
    from ungpho.monitoring.models import Station
    from ungpho.monitoring.services import station_token_issue

    station = Station.objects.filter(code=args.station).first()
    if station is None:
        sys.exit(f"ungpho token: station: không có trạm / no station {args.station!r}")
    print(station_token_issue(station=station))
    return 0


def add_token_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "token", cmd_token, "Cấp mã truy cập mới cho trạm / issue a new "
                                             "station API token")
    p.add_argument("station", help="mã trạm / station code")


def add_monitoring_parsers(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "ingest", cmd_ingest, "Nhập tệp dữ liệu trạm quan trắc (TT 10/2021) / "
                                               "ingest station data files")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="tệp hoặc thư mục (đệ quy) / files or folders (recursive)")
    p.epilog = EXIT_CODES
    _add_json(p)
    p = add_command(sub, "simulate", cmd_simulate, "Mô phỏng số liệu trạm quan trắc (demo, đo "
                                                   "hiệu năng) / simulate station traffic (demo, "
                                                   "benchmarks)")
    p.add_argument("--follow", action="store_true",
                   help="tiếp tục gửi như trạm thật / keep sending live, like real stations")
    p.add_argument("--door", required=True, choices=["file", "http", "mqtt"],
                   help="cửa nhận số liệu / ingestion door")
    p.add_argument("--stations", metavar="CODE,...",
                   help="mã trạm, cách nhau dấu phẩy (mặc định: mọi trạm hoạt động) / station "
                        "codes, comma-separated (default: every active station)")
    p.add_argument("--hours", type=float, default=24.0,
                   help="số giờ số liệu / hours of data (24)")
    p.add_argument("--end", metavar="ISO",
                   help="thời điểm kết thúc, không có múi giờ = giờ Việt Nam (mặc định: bây "
                        "giờ) / end time, no offset = Vietnam time (default: now)")
    p.add_argument("--seed", type=int, default=0, help="hạt giống ngẫu nhiên / random seed (0)")
    p.add_argument("--out", metavar="DIR",
                   help="thư mục ghi tệp (mặc định: UNGPHO_DROP_DIR) / folder for the file "
                        "door (default: UNGPHO_DROP_DIR)")
    p.add_argument("--url", default="http://127.0.0.1:8000",
                   help="máy chủ web / web server (http://127.0.0.1:8000)")
    p.add_argument("--mqtt-url", metavar="URL",
                   help="máy chủ MQTT (mặc định: MQTT_URL hoặc mqtt://127.0.0.1:1883) / MQTT "
                        "broker (default: MQTT_URL or mqtt://127.0.0.1:1883)")
    p.add_argument("--ramp", metavar="STATION:PARAM:START_ISO:DURATION_MIN:PEAK",
                   help="sự cố tăng dần, PEAK = x<hệ số> hoặc giá trị / incident ramp, PEAK = "
                        "x<factor> or a value, e.g. HN-GAMMA-01:GammaDR:2026-11-21T10:00:30:x10")
    p.add_argument("--token", action="append", metavar="CODE=TOKEN",
                   help="mã truy cập của trạm, lặp lại được (thiếu thì cấp mới) / a station's "
                        "token, repeatable (missing ones are issued anew)")
    p.add_argument("--batch-min", type=float, default=60.0,
                   help="phút số liệu mỗi yêu cầu / minutes of data per request or message "
                        "(60)")
    _add_json(p)
    stations = sub.add_parser("stations", help="Danh mục trạm: nhập, xuất / station "
                                               "registry: import, export")
    stations_sub = stations.add_subparsers(dest="stations_command", required=True,
                                           metavar="LỆNH/COMMAND")
    add_import_export(
        stations_sub, import_func=cmd_stations_import, import_help=(
            "Nhập danh mục trạm, kiểm từng dòng; dòng tốt được lưu, có lỗi thì mã thoát 1 / "
            "import stations, checked line by line; good rows are saved, exit 1 on any error"),
        export_func=cmd_stations_export,
        export_help="Xuất danh mục trạm (không có mã truy cập) / export stations (never the "
                    "tokens)")
    eurdep = sub.add_parser("eurdep", help="Trao đổi số liệu EURDEP (suất liều gamma) / EURDEP "
                                           "exchange (gamma dose rate)")
    eurdep_sub = eurdep.add_subparsers(dest="eurdep_command", required=True,
                                       metavar="LỆNH/COMMAND")
    text = ("Nhập tệp EURDEP 2.x vào trạm phóng xạ cùng mã; dòng lỗi được giữ kèm lý do / "
            "import EURDEP 2.x files into the radiation stations of the same code; bad lines "
            "are kept with their reason")
    p = eurdep_sub.add_parser("import", help=text, description=text)
    p.set_defaults(func=cmd_eurdep_import)
    p.add_argument("files", nargs="+", metavar="FILE", help="tệp EURDEP / EURDEP files")
    p.epilog = EXIT_CODES
    _add_json(p)
    text = ("Xuất suất liều gamma hợp lệ của trạm phóng xạ dạng EURDEP 2.1 / export the valid "
            "gamma dose rates of radiation stations as EURDEP 2.1")
    p = eurdep_sub.add_parser("export", help=text, description=text)
    p.set_defaults(func=cmd_eurdep_export)
    p.add_argument("--since", metavar="ISO",
                   help="từ thời điểm, không có múi giờ = giờ Việt Nam (mặc định: until − 24 h) "
                        "/ from, no offset = Vietnam time (default: until − 24 h)")
    p.add_argument("--until", metavar="ISO",
                   help="đến trước thời điểm (mặc định: bây giờ) / up to, excluded (default: "
                        "now)")
    p.add_argument("--station", action="append", metavar="CODE",
                   help="mã trạm, lặp lại được (mặc định: mọi trạm phóng xạ) / station code, "
                        "repeatable (default: every radiation station)")
    _add_output(p)
