"""``ungpho facilities …``, ``sources …``, ``chemicals …``, ``trackers …``: the risk registry
from the command line. Help texts: Vietnamese / English."""

from __future__ import annotations

import argparse
import json
import sys

from ungpho.cli.common import require_database
from ungpho.cli.registry import add_import_export, cli_export, cli_import


def cmd_category_v(args) -> int:
    require_database(migrated=True)
    # The apps' models exist only once main() has set Django up.
    from ungpho.preparedness.zones import category_v_areas

    rows = [row.as_dict() for row in category_v_areas()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("Không có vùng nào thuộc nhóm V / no area is in category V")
        return 0
    print(f"{'Tỉnh / province':34} {'cơ sở / facility':36} {'vùng / zone':>12} "
          f"{'người / people':>15}")
    for row in rows:
        zone = f"{row['zone']} {row['radius_km']:g} km"
        print(f"{row['province'] + ' ' + row['province_name_vi']:34} "
              f"{row['facility'] + ' (' + row['country'] + ')':36} {zone:>12} "
              f"{row['people_inside']:>15,}")
    print("\nTT 12/2023/TT-BKHCN Phụ lục I, nhóm V; vùng theo Phụ lục IV (basis 'reference': "
          "cận trên của khoảng tham khảo / the outer end of the reference range)")
    return 0


def _registry(name: str, what: str):
    """The import and export commands of one kind of entry (``facilities``, ``sources``,
    ``chemicals``): the functions of ``ungpho.preparedness.registry.file_import|export``."""
    def cmd_import(args) -> int:
        # The apps' models exist only once main() has set Django up.
        from ungpho.preparedness.registry import file_import as registry_import

        return cli_import(args, command=f"{name} import",
                          importer=getattr(registry_import, f"{name}_import"))

    def cmd_export(args) -> int:
        # The apps' models exist only once main() has set Django up.
        from ungpho.preparedness.registry import file_export as registry_export

        return cli_export(args, what=what,
                          write_csv=getattr(registry_export, f"{name}_export_csv"),
                          geojson=getattr(registry_export, f"{name}_export_geojson"))
    return cmd_import, cmd_export


#: The registries' commands: the entries in Vietnamese and English.
_REGISTRIES = {"facilities": ("cơ sở", "facilities"),
               "sources": ("nguồn phóng xạ", "radioactive sources"),
               "chemicals": ("hóa chất nguy hại", "hazardous chemicals")}
_FACILITIES_FIRST = " (nhập cơ sở trước / import the facilities first)"


def add_preparedness_parsers(sub: argparse._SubParsersAction) -> None:
    facilities = sub.add_parser("facilities", help="Cơ sở và nguồn nguy cơ / facilities and "
                                                   "hazard sources")
    facilities_sub = facilities.add_subparsers(dest="facilities_command", required=True,
                                               metavar="LỆNH/COMMAND")
    text = ("Các tỉnh của Việt Nam thuộc nhóm nguy cơ V (trong vùng của cơ sở nhóm I, II ở "
            "nước ngoài) / Vietnamese provinces in category V (inside a zone of a foreign "
            "category I or II facility)")
    p = facilities_sub.add_parser("category-v", help=text, description=text)
    p.set_defaults(func=cmd_category_v)
    p.add_argument("--json", action="store_true", help="in JSON / print JSON")
    for name, (vi, en) in _REGISTRIES.items():
        if name == "facilities":
            group_sub, note = facilities_sub, ""
        else:
            text = f"{vi.capitalize()}: nhập, xuất / {en}: import, export"
            group_sub = sub.add_parser(name, help=text, description=text).add_subparsers(
                dest=f"{name}_command", required=True, metavar="LỆNH/COMMAND")
            note = _FACILITIES_FIRST
        cmd_import, cmd_export = _registry(name, f"{vi} / {en}")
        add_import_export(
            group_sub, import_func=cmd_import, import_help=(
                f"Nhập {vi} (CSV, GeoJSON), kiểm từng dòng; dòng tốt được lưu, có lỗi thì mã "
                f"thoát 1 / import {en} (CSV, GeoJSON), checked line by line; good rows are "
                f"saved, exit 1 on any error{note}"),
            export_func=cmd_export,
            export_help=f"Xuất {vi} (CSV, GeoJSON) / export {en} (CSV, GeoJSON)")
    text = "Thiết bị định vị nguồn di động / mobile-source trackers"
    trackers_sub = sub.add_parser("trackers", help=text, description=text).add_subparsers(
        dest="trackers_command", required=True, metavar="LỆNH/COMMAND")
    text = ("Gắn thiết bị định vị cho nguồn di động, in mã truy cập mới (chỉ một lần) / give a "
            "mobile source a tracker and print its new token (shown once)")
    p = trackers_sub.add_parser("enable", help=text, description=text)
    p.set_defaults(func=cmd_tracker_enable)
    p.add_argument("serial", help="số sê-ri của nguồn / the source's serial number")
    p.add_argument("--interval-s", type=int, required=True,
                   help="chu kỳ báo vị trí (giây) / reporting interval (seconds)")
    p.add_argument("--working-hours", default="",
                   help="giờ làm việc theo giấy phép, giờ Việt Nam, ví dụ 07:00-17:30 / the "
                        "licence's working hours, Vietnam time, e.g. 07:00-17:30")


def cmd_tracker_enable(args) -> int:
    require_database(migrated=True)
    # The apps' models exist only once main() has set Django up.
    from ungpho.preparedness.models import RadioactiveSource
    from ungpho.preparedness.services import RegistryError
    from ungpho.preparedness.trackers import tracker_enable

    source = RadioactiveSource.objects.filter(serial=args.serial).first()
    if source is None:
        sys.exit(f"ungpho trackers enable: không có nguồn / no source {args.serial!r}")
    try:
        token = tracker_enable(source=source, interval_s=args.interval_s,
                               working_hours=args.working_hours)
    except RegistryError as error:
        sys.exit(f"ungpho trackers enable: {error}")
    print(token)
    return 0
