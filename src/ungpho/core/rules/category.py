"""Hazard category I–V of a facility, activity or area (TT 12/2023 Điều 4.1, Phụ lục I).

The most severe category matched wins (I before II …). Category V comes from the distance
of a Vietnamese area to a foreign category I/II facility: inside any of its zones. Where the
foreign plan's radii are unknown, the outer ends of Phụ lục IV's reference ranges for its
power are used, which is the widest reading and is said in the decision.
"""

from __future__ import annotations

from typing import Any

from ungpho.core.rules.criteria import absent_note, facts_flatten, rules_match
from ungpho.core.rules.decision import Criterion, Decision, Text
from ungpho.core.rules.facts import FacilityFacts, ForeignFacilityFacts, HazardFacts
from ungpho.core.rules.loader import Instrument
from ungpho.core.rules.sources import sources_a_over_d
from ungpho.core.rules.tables import HazardCategories, Zones
from ungpho.core.rules.zones import ZONES, reference_radii_m

_REACTORS = {"power_reactor", "research_reactor"}
# Facts that only matter for some kinds of facility (an unknown kind keeps them all).
_RELEVANT_KINDS = {
    "hazard.facility.reactor_thermal_power": _REACTORS,
    "hazard.facility.spent_fuel_cs137_inventory": _REACTORS | {"spent_fuel_store"},
    "hazard.facility.spent_fuel_active_cooling_required": _REACTORS | {"spent_fuel_store"},
    "hazard.facility.fissile_material_within_500_m":
        _REACTORS | {"spent_fuel_store", "fuel_cycle"},
}


def _foreign_zone(facility: ForeignFacilityFacts, zones: Zones | None,
                  path: str) -> tuple[str | None, str, list[str], list[Text]]:
    """(innermost zone the area is in or "none", how, missing, notes) for one facility."""
    given = facility.zones
    radii = {z: getattr(given, z).si for z in ZONES if given and getattr(given, z)}
    notes = []
    if not radii and facility.reactor_thermal_power is not None and zones is not None:
        radii = reference_radii_m(zones, facility.reactor_thermal_power.si)
        notes.append(Text(
            f"{facility.name}: chưa có bán kính vùng theo kế hoạch; dùng cận trên của Phụ lục IV "
            f"cho {facility.reactor_thermal_power}.",
            f"{facility.name}: its plan's radii are unknown; the upper ends of Phụ lục IV for "
            f"{facility.reactor_thermal_power} are used."))
    if not radii:
        return None, "", [f"{path}.zones", f"{path}.reactor_thermal_power"], notes
    distance = facility.distance.si
    inside = [z for z in ZONES if z in radii and distance <= radii[z]]
    if not inside:
        return "none", "", [], notes
    zone = inside[0]
    how = (f"{facility.name} ({facility.country}, nhóm {facility.hazard_category}): "
           f"{facility.distance} ≤ {zone} {radii[zone] / 1000:g} km")
    return zone, how, [], notes


def _derived(facts: HazardFacts, zones: Zones | None) -> tuple[dict[str, Any], dict[str, str],
                                                                list[str], list[Text]]:
    flat = facts_flatten(facts, "hazard.")
    shown: dict[str, str] = {}
    missing: list[str] = []
    notes: list[Text] = []
    facility = facts.facility or FacilityFacts()
    if facility.sources:
        ratio, how, lacking = sources_a_over_d(facility.sources, facility.sources_aggregated,
                                               "$.hazard.facility.sources")
        missing += lacking
        if ratio is not None:
            flat["hazard.facility.a_over_d"] = ratio
            shown["hazard.facility.a_over_d"] = how
    best = None
    for i, foreign in enumerate(facts.foreign_facilities):
        zone, how, lacking, extra = _foreign_zone(foreign, zones,
                                                  f"$.hazard.foreign_facilities[{i}]")
        missing += lacking
        notes += extra
        if zone and zone != "none" and (best is None or ZONES.index(zone) < ZONES.index(best)):
            best = zone
            shown["hazard.foreign_zone"] = how
        elif zone == "none" and best is None:
            flat.setdefault("hazard.foreign_zone", "none")
    if best:
        flat["hazard.foreign_zone"] = best
    return flat, shown, missing, notes


def _relevant(fact: str, facts: HazardFacts) -> bool:
    """Whether an unknown fact is worth asking for, given what the facts are about."""
    if fact.startswith("hazard.facility."):
        if facts.facility is None:
            return False
        kinds = _RELEVANT_KINDS.get(fact)
        return facts.facility.kind is None or kinds is None or facts.facility.kind in kinds
    if fact == "hazard.activity":
        return facts.facility is None and not facts.foreign_facilities
    return fact != "hazard.foreign_zone"


def hazard_category(facts: HazardFacts, instrument: Instrument) -> Decision:
    table = instrument.tables.get("hazard_categories")
    if not isinstance(table, HazardCategories):
        return Decision("hazard_category", None, instrument.short,
                        notes=(absent_note(instrument, "hazard_categories"),))
    zones = instrument.tables.get("zones")
    flat, shown, missing, notes = _derived(facts, zones if isinstance(zones, Zones) else None)
    matched: list[Criterion] = []
    unknown_more_severe: list[str] = []
    result = None
    for row in sorted(table.categories, key=lambda c: c.rank):
        evaluation = rules_match(instrument, row.criteria, flat, row.category)
        matched += [Criterion(c.id, c.citation, c.text,
                              _shown(c, shown), c.gives) for c in evaluation.matched]
        if evaluation.matched and result is None:
            result = row.category
        if result is None:
            unknown_more_severe += evaluation.unknown
    unknown = [f for f in unknown_more_severe
               if _relevant(f, facts) and f != "hazard.facility.a_over_d"]
    if facts.facility and not facts.facility.sources and result in (None, "III", "IV"):
        unknown.append("hazard.facility.sources")
    return Decision("hazard_category", result, instrument.short, tuple(matched),
                    tuple(dict.fromkeys(missing + unknown)), tuple(notes))


def _shown(criterion: Criterion, shown: dict[str, str]) -> str:
    for name, text in shown.items():
        if criterion.fact.startswith(name + " "):
            return text
    return criterion.fact
