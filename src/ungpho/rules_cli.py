"""``ungpho rules …``: the rules engines from the command line, JSON in and JSON out.

Facts come from a file or ``-`` (standard input); some commands also take flags that build
the same facts. Exit status: 0 decided, 1 a message left with unfilled placeholders,
2 invalid facts (the problems, each with its JSON path, are printed as JSON).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from ungpho.core.rules.actions import protective_actions
from ungpho.core.rules.classify import decision_date, incident_classify
from ungpho.core.rules.cordon import cordon
from ungpho.core.rules.deadlines import legal_deadlines
from ungpho.core.rules.decision import NoInstrumentInForce
from ungpho.core.rules.facts import (
    ActionFacts,
    CordonFacts,
    DeadlineFacts,
    Facts,
    FactsError,
    IncidentFacts,
    MessageFacts,
    Problem,
    ZoneFacts,
    facts_parse,
)
from ungpho.core.rules.loader import rulebook, rules_in_force
from ungpho.core.rules.messages import public_message
from ungpho.core.rules.show import instrument_show
from ungpho.core.rules.zones import emergency_zones

MODELS: dict[str, type[Facts]] = {
    "classify": IncidentFacts, "actions": ActionFacts, "zones": ZoneFacts,
    "deadlines": DeadlineFacts, "cordon": CordonFacts, "message": MessageFacts}


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _read_facts(args: argparse.Namespace, flags: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if args.file:
        text = sys.stdin.read() if args.file == "-" else \
            Path(args.file).read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise FactsError([Problem("$", f"not JSON: {error.msg} at line {error.lineno}, "
                                           f"column {error.colno}")]) from None
        if not isinstance(data, dict):
            raise FactsError([Problem("$", "the facts must be a JSON object")])
    return data | {k: v for k, v in flags.items() if v is not None}


def _instrument_for(facts: Facts, args: argparse.Namespace):
    on = decision_date(getattr(facts, "on", None) or args.on,
                       getattr(facts, "first_information_at", None), date.today())
    return rules_in_force(on), on


def _decide(args, flags: dict[str, Any], engine: Callable[[Any, Any], Any]) -> int:
    facts = facts_parse(MODELS[args.rules_command], _read_facts(args, flags))
    instrument, _ = _instrument_for(facts, args)
    decision = engine(facts, instrument)
    _print(decision.as_dict())
    if args.rules_command == "message" and decision.result and not decision.result["complete"]:
        print("ungpho rules message: chưa điền / unfilled: " + ", ".join(decision.missing),
              file=sys.stderr)
        return 1
    return 0


def cmd_classify(args) -> int:
    facts = facts_parse(IncidentFacts, _read_facts(args, {}))
    today = args.on or date.today()
    _print(incident_classify(facts, today=today))
    return 0


def cmd_deadlines(args) -> int:
    facts = facts_parse(DeadlineFacts, _read_facts(args, {
        "hazard_category": args.category, "first_information_at": args.first_information,
        "classified_at": args.classified}))
    instrument, _ = _instrument_for(facts, args)
    _print(legal_deadlines(
        category=facts.hazard_category, first_information_at=facts.first_information_at,
        classified_at=facts.classified_at, instrument=instrument,
        levels=facts.response_levels, transboundary=facts.transboundary,
        upz_extends_abroad=facts.upz_extends_abroad).as_dict())
    return 0


def cmd_zones(args) -> int:
    return _decide(args, {"reactor_thermal_power": args.thermal_power,
                          "a_over_d": args.a_over_d}, emergency_zones)


def cmd_cordon(args) -> int:
    measurements = [{"distance": d, "dose_rate": r} for d, r in (args.measured or [])]
    return _decide(args, {"setting": args.setting, "situations": args.situation or None,
                          "measurements": measurements or None}, cordon)


def cmd_actions(args) -> int:
    return _decide(args, {}, protective_actions)


def cmd_message(args) -> int:
    return _decide(args, {"template": args.template}, public_message)


def cmd_show(args) -> int:
    book = rulebook()
    if args.instrument and args.instrument not in book.instruments:
        sys.exit(f"ungpho rules show: --instrument: {args.instrument!r} is not one of "
                 f"{sorted(book.instruments)}")
    chosen = [book.instruments[args.instrument]] if args.instrument else \
        list(book.instruments.values())
    for instrument in chosen:
        print("\n".join(instrument_show(instrument)))
        print()
    return 0


def cmd_schema(args) -> int:
    _print(MODELS[args.input].model_json_schema())
    return 0


def run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return func(args)
    except FactsError as error:
        _print(error.as_dict())
        for problem in error.problems:
            print(f"ungpho rules: {problem}", file=sys.stderr)
        return 2
    except NoInstrumentInForce as error:
        _print({"error": "no instrument in force", "detail": str(error)})
        print(f"ungpho rules: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"ungpho rules: {error}", file=sys.stderr)
        return 2


def add_rules_parser(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser("rules", help="Quy định pháp luật dưới dạng mã / the law as code "
                                         "(TT 12/2023, TT 25/2014, QĐ 1251)")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True,
                                     metavar="LỆNH/COMMAND")

    def add(name: str, func, text: str, file_optional: bool = False) -> argparse.ArgumentParser:
        p = rules_sub.add_parser(name, help=text, description=text)
        p.set_defaults(func=lambda a, f=func: run(f, a), pure=True)
        if name not in ("show", "schema"):
            p.add_argument("file", nargs="?" if file_optional else None,
                           help="tệp JSON dữ kiện, '-' là stdin / JSON facts file, '-' for stdin")
            p.add_argument("--on", type=date.fromisoformat,
                           help="ngày xét (chọn văn bản có hiệu lực) / date that picks the "
                                "instrument in force (YYYY-MM-DD)")
        return p

    add("classify", cmd_classify, "Phân loại sự cố: nhóm nguy cơ, mức báo động, cấp ứng phó, "
                                  "thời hạn / classify an incident")
    add("actions", cmd_actions, "Hành động bảo vệ theo mức tiêu chí chung / protective actions "
                                "from the generic criteria (Phụ lục II)")
    p = add("zones", cmd_zones, "Vùng PAZ/UPZ/EPD/ICPD (Phụ lục IV) / emergency zones",
            file_optional=True)
    p.add_argument("--thermal-power", help="công suất nhiệt, ví dụ '500 kW' / thermal power")
    p.add_argument("--a-over-d", type=float, help="tỷ số A/D / A/D ratio")
    p = add("deadlines", cmd_deadlines, "Thời hạn pháp lý (Phụ lục VI) / legal deadlines",
            file_optional=True)
    p.add_argument("--category", help="nhóm nguy cơ I–V / hazard category")
    p.add_argument("--first-information", help="thời điểm nhận tin, ISO 8601 có múi giờ / "
                                               "time of first information")
    p.add_argument("--classified", help="thời điểm phân loại / time of classification")
    p = add("cordon", cmd_cordon, "Bán kính vành đai an toàn (Phụ lục VIII.IV) / safety cordon",
            file_optional=True)
    p.add_argument("--setting", choices=["outdoors", "indoors"], help="ngoài trời/trong nhà")
    p.add_argument("--situation", action="append",
                   choices=["unshielded_or_damaged_source", "large_spill",
                            "fire_explosion_smoke", "suspected_bomb"],
                   help="tình huống, lặp lại được / situation, repeatable")
    p.add_argument("--measured", nargs=2, action="append", metavar=("DISTANCE", "DOSE_RATE"),
                   help="khoảng cách và suất liều đo được, ví dụ '45 m' '150 µSv/h'")
    p = add("message", cmd_message, "Bản tin công chúng (Phụ lục VIII.II) / public message",
            file_optional=True)
    p.add_argument("--template", help="initial | dispersal_or_transport | lost_or_stolen | "
                                      "found_in_public")
    p = add("show", cmd_show, "In các bảng quy định kèm trích dẫn / print the rule tables with "
                              "citations")
    p.add_argument("--instrument", help="ví dụ / e.g. tt12_2023")
    p = add("schema", cmd_schema, "In JSON Schema của dữ kiện đầu vào / print the input "
                                  "JSON Schema")
    p.add_argument("input", choices=sorted(MODELS))
