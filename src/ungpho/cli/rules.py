"""``ungpho rules …``: the arguments of the rules commands (their work is in
``rules_run``, imported only when a rules command runs).

Facts come from a file or ``-`` (standard input); some commands also take flags that build
the same facts.
"""

from __future__ import annotations

import argparse
from datetime import date

#: The commands that take facts, each with its JSON Schema (``ungpho rules schema INPUT``).
INPUTS = ("classify", "actions", "zones", "deadlines", "cordon", "message")


def _run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: it loads and validates every rule file (~1 s), which
    # the other ``ungpho`` commands (serve, worker, …) should not wait for at start-up.
    from ungpho.cli.rules_run import run

    return run(args)


def add_rules_parser(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser("rules", help="Quy định pháp luật dưới dạng mã / the law as code "
                                         "(TT 12/2023, TT 25/2014, QĐ 1251)")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True,
                                     metavar="LỆNH/COMMAND")

    def add(name: str, text: str, file_optional: bool = False) -> argparse.ArgumentParser:
        p = rules_sub.add_parser(name, help=text, description=text)
        p.set_defaults(func=_run, needs_setup=False)  # no Django: the engine is pure
        if name not in ("show", "schema"):
            p.add_argument("file", nargs="?" if file_optional else None,
                           help="tệp JSON dữ kiện, '-' là stdin / JSON facts file, '-' for stdin")
            p.add_argument("--on", type=date.fromisoformat,
                           help="ngày xét (chọn văn bản có hiệu lực) / date that picks the "
                                "instrument in force (YYYY-MM-DD)")
        return p

    add("classify", "Phân loại sự cố: nhóm nguy cơ, mức báo động, cấp ứng phó, "
                                  "thời hạn / classify an incident")
    add("actions", "Hành động bảo vệ theo mức tiêu chí chung / protective actions "
                                "from the generic criteria (Phụ lục II)")
    p = add("zones", "Vùng PAZ/UPZ/EPD/ICPD (Phụ lục IV) / emergency zones",
            file_optional=True)
    p.add_argument("--thermal-power", help="công suất nhiệt, ví dụ '500 kW' / thermal power")
    p.add_argument("--a-over-d", type=float, help="tỷ số A/D / A/D ratio")
    p = add("deadlines", "Thời hạn pháp lý (Phụ lục VI) / legal deadlines",
            file_optional=True)
    p.add_argument("--category", help="nhóm nguy cơ I–V / hazard category")
    p.add_argument("--first-information", help="thời điểm nhận tin, ISO 8601 có múi giờ / "
                                               "time of first information")
    p.add_argument("--classified", help="thời điểm phân loại / time of classification")
    p = add("cordon", "Bán kính vành đai an toàn (Phụ lục VIII.IV) / safety cordon",
            file_optional=True)
    p.add_argument("--setting", choices=["outdoors", "indoors"], help="ngoài trời/trong nhà")
    p.add_argument("--situation", action="append",
                   choices=["unshielded_or_damaged_source", "large_spill",
                            "fire_explosion_smoke", "suspected_bomb"],
                   help="tình huống, lặp lại được / situation, repeatable")
    p.add_argument("--measured", nargs=2, action="append", metavar=("DISTANCE", "DOSE_RATE"),
                   help="khoảng cách và suất liều đo được, ví dụ '45 m' '150 µSv/h'")
    p = add("message", "Bản tin công chúng (Phụ lục VIII.II) / public message",
            file_optional=True)
    p.add_argument("--template", help="initial | dispersal_or_transport | lost_or_stolen | "
                                      "found_in_public")
    p = add("show", "In các bảng quy định kèm trích dẫn / print the rule tables with "
                              "citations")
    p.add_argument("--instrument", help="ví dụ / e.g. tt12_2023")
    p = add("schema", "In JSON Schema của dữ kiện đầu vào / print the input "
                                  "JSON Schema")
    p.add_argument("input", choices=INPUTS)
