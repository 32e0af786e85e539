"""A facility's hazard category from the rules engine (TT 12/2023/TT-BKHCN Điều 4.1, Phụ lục I),
from what the register holds: its kind, thermal power, sources (decay-corrected to the day)
and the further facts an officer entered."""

from __future__ import annotations

import datetime as dt

from ungpho.core.rules.category import hazard_category
from ungpho.core.rules.decision import Decision
from ungpho.core.rules.facts import HazardFacts
from ungpho.core.rules.loader import rules_in_force
from ungpho.core.science.decay import activity_at_bq

#: Register kinds the rules engine has no kind for. TT 12/2023 is about radiation: a chemical
#: plant without radioactive sources gets no category from it.
_RULES_KIND = {"chemical_plant": "other", "chemical_store": "other"}
#: Sources that are no longer at the facility do not count towards its category.
_GONE = {"lost", "stolen", "disused", "in_transport"}


def facility_facts(facility, sources, *, on: dt.date) -> HazardFacts:
    """The rules engine's facts of a facility. Sources held at one facility are judged
    together (Σ Aᵢ/Dᵢ, QCVN 6:2010 "tập hợp nguồn"); mobile ones too, since they are kept
    there between jobs. A facility with sources is a licensed practice (category IV at
    least, Phụ lục I nhóm IV)."""
    at = dt.datetime.combine(on, dt.time(), dt.UTC)
    facts: dict = {"kind": _RULES_KIND.get(facility.kind, facility.kind)}
    if facility.thermal_power_mw is not None:
        facts["reactor_thermal_power"] = f"{facility.thermal_power_mw:g} MW"
    held = [s for s in sources if s.status not in _GONE]
    if held:
        facts["sources"] = [{"nuclide": s.nuclide, "sealed": s.sealed,
                             "activity": f"{source_activity_bq(s, at=at):.6g} Bq"}
                            for s in held]
        facts["sources_aggregated"] = True
    facts |= facility.hazard_facts or {}
    hazard: dict = {"facility": facts}
    if held:
        hazard["activity"] = "licensed_practice"
    return HazardFacts.model_validate(hazard)


def source_activity_bq(source, *, at: dt.datetime) -> float:
    """A source's activity at ``at``, decayed from its reference date (taken at 00:00 UTC)."""
    reference = dt.datetime.combine(source.reference_date, dt.time(), dt.UTC)
    return activity_at_bq(activity_bq=source.activity_bq, reference=reference, at=at,
                          nuclide=source.nuclide)


def facility_category(facility, sources, *, on: dt.date | None = None) -> Decision:
    """The decision, under the instrument in force on ``on`` (default today)."""
    on = on or dt.date.today()
    return hazard_category(facility_facts(facility, sources, on=on), rules_in_force(on))
