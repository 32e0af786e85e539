"""Alarm level (TT 12/2023 Điều 22.1, Phụ lục III): A/B/C for hazard categories I–II,
Cấp 1/2/3 for III–V. The highest level matched wins; every matched criterion is listed."""

from __future__ import annotations

from typing import Any

from ungpho.core.rules.criteria import absent_note, facts_flatten, rules_match
from ungpho.core.rules.decision import Criterion, Decision, Text
from ungpho.core.rules.facts import IncidentFacts
from ungpho.core.rules.loader import Instrument
from ungpho.core.rules.tables import AlarmLevels


def alarm_level(facts: IncidentFacts, instrument: Instrument, *, category: str | None = None,
                derived: dict[str, Any] | None = None) -> Decision:
    """``category`` overrides ``facts.hazard_category`` (classify computes it); ``derived``
    adds computed facts such as ``event.source_group`` from the sources involved."""
    table = instrument.tables.get("alarm_levels")
    if not isinstance(table, AlarmLevels):
        return Decision("alarm_level", None, instrument.short,
                        notes=(absent_note(instrument, "alarm_levels"),))
    category = category or facts.hazard_category
    if category is None:
        return Decision("alarm_level", None, instrument.short, missing=("hazard_category",),
                        notes=(Text("Cần nhóm nguy cơ để chọn thang mức báo động.",
                                    "The hazard category picks the alarm scale."),))
    scheme = next(s for s in table.schemes if category in s.categories)
    flat = facts_flatten(facts) | (derived or {})
    matched: list[Criterion] = []
    unknown: list[str] = []
    result = None
    for level in sorted(scheme.levels, key=lambda lv: -lv.rank):
        evaluation = rules_match(instrument, level.criteria, flat, level.id)
        matched += evaluation.matched
        if evaluation.matched and result is None:
            result = level
        if result is None:
            unknown += evaluation.unknown
    other = "event" if scheme.id == "abc" else "plant"
    notes = [Text(f"Thang {scheme.id}: các dữ kiện '{other}' không dùng cho nhóm {category}.",
                  f"Scale {scheme.id}: the '{other}' facts do not apply to category "
                  f"{category}.")] if getattr(facts, other) is not None else []
    if result is None:
        notes.append(Text(
            "Chưa tiêu chí nào khớp. Nếu thông tin chưa rõ ràng, khai báo "
            "event.information_clear = false (Cấp 2)." if scheme.id == "cap" else
            "Chưa tiêu chí nào khớp.",
            "No criterion matched. If the information is not yet clear, state "
            "event.information_clear = false (Level 2)." if scheme.id == "cap" else
            "No criterion matched."))
        return Decision("alarm_level", None, instrument.short, (), tuple(dict.fromkeys(unknown)),
                        tuple(notes))
    return Decision(
        "alarm_level",
        {"level": result.id, "rank": result.rank, "scale": scheme.id,
         "name": result.name.text().as_dict()},
        instrument.short, tuple(matched), tuple(dict.fromkeys(unknown)), tuple(notes))


def alarm_level_id(instrument: Instrument, category: str | None, rank: int | None) -> str | None:
    """The level id (``A``…``C``, ``cap_1``…``cap_3``) of the alarm level ``rank`` on the scale
    of hazard ``category`` (Phụ lục III: A/B/C for I–II, Cấp 1/2/3 for III–V), or None when
    either is unknown or the instrument has no such level."""
    table = instrument.tables.get("alarm_levels")
    if not isinstance(table, AlarmLevels) or not category or rank is None:
        return None
    for scheme in table.schemes:
        if category in scheme.categories:
            return next((lv.id for lv in scheme.levels if lv.rank == rank), None)
    return None
