"""Which activation packages fit an incident: the kind of event, read from the facts of its
latest classification (``IncidentFacts`` as JSON) and from its reports, and its hazard
category and alarm level (TT 12/2023/TT-BKHCN Phụ lục I, III).

An activation package is the operations centre's pre-planned first response to one kind of
event (tasks, who to tell, what to send); its content cites TT 12/2023 or QĐ 1251/QĐ-TTg
where it comes from the law. Packages are suggested, never applied by themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: The kinds of event a package is planned for.
INCIDENT_KINDS = ("lost_stolen_source", "source_found", "transport", "contamination",
                  "facility_release", "foreign_npp", "elevated_readings")


def _get(facts: dict[str, Any], path: str) -> Any:
    value: Any = facts
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def incident_kinds(facts: dict[str, Any], *, report_sources: Iterable[str] = (),
                   hazard_category: str | None = None) -> set[str]:
    """The kinds of event the facts describe (several may hold: a source lost in transport).

    ``report_sources``: how the incident's reports came in (``IncidentReport.Source``:
    ``source`` = a source reported lost or stolen, ``tracker``, ``threshold``, ``call``).

    >>> sorted(incident_kinds({"event": {"transport": True, "contamination": "small_area"}}))
    ['contamination', 'transport']
    """
    sources = set(report_sources)
    activity = _get(facts, "hazard.activity")
    event = facts.get("event") or {}
    plant = facts.get("plant") or {}
    kinds = set()
    if sources & {"source", "tracker"} or activity in ("illicit_trafficking", "malicious_act"):
        kinds.add("lost_stolen_source")
    if activity == "orphan_source" or (event.get("source_out_of_control")
                                       and not event.get("in_facility")):
        kinds.add("source_found")
    if event.get("transport"):
        kinds.add("transport")
    if event.get("contamination") in ("small_area", "wide_area"):
        kinds.add("contamination")
    at_facility = event.get("in_facility") or _get(facts, "scope.at_facility")
    if (at_facility and event.get("release")) or plant.get("release_without_fuel_damage") \
            or plant.get("fuel_damage") not in (None, "none"):
        kinds.add("facility_release")
    if hazard_category == "V" or event.get("origin") == "abroad" \
            or _get(facts, "hazard.foreign_facilities"):
        kinds.add("foreign_npp")
    if activity == "elevated_readings_unknown_origin" or "threshold" in sources:
        kinds.add("elevated_readings")
    return kinds


@dataclass(frozen=True)
class PackageFit:
    """How well a package fits: it fits when its kind is one of the incident's and neither
    its categories nor its levels exclude the incident's; the more it names, the better."""

    fits: bool
    score: int
    why: tuple[str, ...]


def package_fit(*, kind: str, categories: Iterable[str], levels: Iterable[int],
                incident_kinds: set[str], hazard_category: str | None,
                alarm_level: int | None) -> PackageFit:
    """``categories``/``levels`` empty: any. An incident not classified yet is not
    excluded by them, but scores lower than one that matches them.

    >>> package_fit(kind="transport", categories=["IV"], levels=[2], incident_kinds={
    ...     "transport"}, hazard_category="IV", alarm_level=2).score
    3
    """
    categories, levels = set(categories), set(levels)
    if kind not in incident_kinds:
        return PackageFit(False, 0, ())
    why, score = [f"kind={kind}"], 1
    for name, wanted, value in (("category", categories, hazard_category),
                                ("level", levels, alarm_level)):
        if not wanted:
            continue
        if value is None:
            why.append(f"{name} not known yet")
        elif value in wanted:
            why.append(f"{name}={value}")
            score += 1
        else:
            return PackageFit(False, 0, ())
    return PackageFit(True, score, tuple(why))
