"""Emergency zones PAZ/UPZ and planning distances EPD/ICPD (TT 12/2023 Phụ lục IV)."""

from __future__ import annotations

from typing import Any, cast

from ungpho.core.rules.criteria import absent_note
from ungpho.core.rules.decision import Criterion, Decision, Text
from ungpho.core.rules.facts import ZoneFacts, ZoneRadii
from ungpho.core.rules.intervals import Interval
from ungpho.core.rules.loader import Instrument
from ungpho.core.rules.sources import sources_a_over_d
from ungpho.core.rules.tables import ProtectiveZoneRow, Zones
from ungpho.core.rules.units import Measure

ZONES = ("PAZ", "UPZ", "EPD", "ICPD")


def _km(interval: Interval) -> list[float]:
    return [interval.low / 1000, interval.high / 1000]


def protective_rows(table: Zones, *, power_w: float | None, a_over_d: float | None,
                    fissile: bool | None) -> list[ProtectiveZoneRow]:
    """Rows of Phụ lục IV.I that apply, in table order."""
    values = {"reactor_thermal_power": power_w, "a_over_d": a_over_d}
    return [row for row in table.protective_zones
            if (row.basis == "fissile_material_within_500_m" and fissile)
            or (row.range is not None and values.get(row.basis) is not None
                and row.range.contains(cast(float, values[row.basis])))]


def reference_radii_m(table: Zones, power_w: float) -> dict[str, float]:
    """Outer radius of each zone Phụ lục IV gives a reactor of ``power_w``: the upper end
    of each PAZ/UPZ range, and the EPD/ICPD (used when a foreign plan's radii are unknown)."""
    radii: dict[str, float] = {}
    for row in protective_rows(table, power_w=power_w, a_over_d=None, fissile=None):
        if row.paz:
            radii["PAZ"] = row.paz.high
        radii["UPZ"] = row.upz.high
    for row in table.planning_distances:
        if row.range.contains(power_w):
            radii |= {"EPD": row.epd.si, "ICPD": row.icpd.si}
    return radii


def _chosen(interval: Interval | None, chosen: Measure | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"reference_km": _km(interval) if interval else None}
    if chosen is not None:
        entry["chosen_km"] = chosen.si / 1000
        entry["within_reference"] = bool(interval and interval.contains(chosen.si))
    return entry


def emergency_zones(facts: ZoneFacts, instrument: Instrument) -> Decision:
    """The zones of a facility with the law's reference ranges and the plan's chosen radii."""
    table = instrument.tables.get("zones")
    if not isinstance(table, Zones):
        return Decision("zones", None, instrument.short,
                        notes=(absent_note(instrument, "zones"),))
    power = facts.reactor_thermal_power
    a_over_d, how, missing = (facts.a_over_d, f"A/D = {facts.a_over_d:g}", []) \
        if facts.a_over_d is not None else \
        sources_a_over_d(facts.sources, facts.sources_aggregated, "$.sources")
    rows = protective_rows(table, power_w=power.si if power else None, a_over_d=a_over_d,
                           fissile=facts.fissile_material_within_500_m)
    if power is None and a_over_d is None and not facts.sources:
        missing += ["reactor_thermal_power", "a_over_d"]
    if not rows:
        if facts.fissile_material_within_500_m is None:
            missing.append("fissile_material_within_500_m")
        return Decision("zones", None, instrument.short, missing=tuple(missing), notes=(Text(
            "Phụ lục IV chỉ quy định vùng cho cơ sở thuộc nhóm nguy cơ I và II.",
            "Phụ lục IV sets zones for category I and II facilities only."),))
    # Several rows may apply (a reactor that also holds sources): the widest UPZ governs.
    row = max(rows, key=lambda r: (r.upz.high, r.paz.high if r.paz else 0))
    fact = {"reactor_thermal_power": f"reactor_thermal_power = {power}" if power else "",
            "a_over_d": how, "fissile_material_within_500_m":
            "fissile_material_within_500_m = true"}[row.basis]
    matched = [Criterion(r.id, instrument.cite(r.cite), Text(
        f"PAZ {r.paz or 'không'}, UPZ {r.upz} (nhóm nguy cơ {r.category})",
        f"PAZ {r.paz or 'none'}, UPZ {r.upz} (category {r.category})"),
        fact if r is row else "", r.category) for r in rows]
    chosen = facts.chosen or ZoneRadii()
    result: dict[str, Any] = {"category": row.category,
                              "PAZ": _chosen(row.paz, chosen.PAZ),
                              "UPZ": _chosen(row.upz, chosen.UPZ)}
    notes = []
    for distance in table.planning_distances:
        if power is not None and distance.range.contains(power.si):
            matched.append(Criterion(distance.id, instrument.cite(distance.cite), Text(
                f"EPD {distance.epd}, ICPD {distance.icpd}",
                f"EPD {distance.epd}, ICPD {distance.icpd}"),
                f"reactor_thermal_power = {power}", row.category))
            result["EPD"] = {"reference_km": distance.epd.si / 1000}
            result["ICPD"] = {"reference_km": distance.icpd.si / 1000}
    for zone in ZONES:
        given = getattr(chosen, zone)
        if given is None:
            continue
        entry = result.setdefault(zone, {"reference_km": None})
        entry["chosen_km"] = given.si / 1000
        reference = entry["reference_km"]
        if reference is None:
            entry["within_reference"] = False
            notes.append(Text(f"Phụ lục IV không quy định {zone} cho trường hợp này.",
                              f"Phụ lục IV gives no {zone} for this case."))
        elif isinstance(reference, float):
            entry["within_reference"] = given.si / 1000 == reference
        if entry.get("within_reference") is False and reference is not None:
            notes.append(Text(
                f"{zone} đã chọn {given} nằm ngoài giá trị tham khảo của Phụ lục IV.",
                f"The chosen {zone} of {given} is outside Phụ lục IV's reference value."))
    notes += [n.text() for n in table.notes]
    return Decision("zones", result, instrument.short, tuple(matched), tuple(missing),
                    tuple(notes))
