"""A facility's emergency zones (TT 12/2023/TT-BKHCN Phụ lục IV) drawn on the map, with the
provinces and people inside, and the Vietnamese areas they put in category V (Phụ lục I)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shapely.geometry import Point, mapping, shape

from ungpho.core.geo.zone_geometry import ZonePopulation, zone_around, zone_population
from ungpho.core.rules.decision import Decision
from ungpho.core.rules.facts import ZoneFacts
from ungpho.core.rules.loader import rules_in_force
from ungpho.core.rules.zones import ZONES, emergency_zones
from ungpho.preparedness.category import facility_facts
from ungpho.preparedness.models import Facility


@dataclass(frozen=True)
class FacilityZone:
    zone: str  # PAZ, UPZ, EPD or ICPD
    radius_km: float
    # "plan": the radius the facility's plan chose; "reference": the outer end of Phụ lục IV's
    # range (the widest reading, used while no plan says otherwise).
    basis: str
    geometry: object  # shapely, lon/lat
    population: ZonePopulation

    def as_feature(self, facility: Facility) -> dict:
        """A GeoJSON Feature of the zone with its provinces and people."""
        return {"type": "Feature", "geometry": mapping(self.geometry), "properties": {
            "facility": facility.code, "zone": self.zone, "radius_km": self.radius_km,
            "basis": self.basis, "people": self.population.people_total,
            "provinces": [{"code": p.code, "name": p.name_vi, "people": p.people,
                           "fraction": round(p.fraction_of_province, 4)}
                          for p in self.population.provinces],
            "method": self.population.method}}


def facility_zones(facility: Facility, *, on: dt.date | None = None
                   ) -> tuple[list[FacilityZone], Decision]:
    """The zones Phụ lục IV gives the facility (none below category II), innermost first,
    and the rules engine's decision behind them."""
    on = on or dt.date.today()
    facts = facility_facts(facility, list(facility.sources.all()), on=on).facility
    chosen = {z: f"{km:g} km" for z, km in (facility.zone_radii_km or {}).items() if km}
    decision = emergency_zones(ZoneFacts.model_validate({
        "reactor_thermal_power": facts.reactor_thermal_power,
        "sources": facts.sources, "sources_aggregated": facts.sources_aggregated,
        "fissile_material_within_500_m": facts.fissile_material_within_500_m,
        "chosen": chosen or None}), rules_in_force(on))
    site = shape(facility.boundary) if facility.boundary else Point(facility.lon, facility.lat)
    zones = []
    for zone in ZONES:
        entry = (decision.result or {}).get(zone)
        if not entry:
            continue
        radius_km, basis = _radius_km(entry)
        if radius_km:
            geometry = zone_around(site, radius_km * 1000)
            zones.append(FacilityZone(zone, radius_km, basis, geometry,
                                      zone_population(geometry)))
    return zones, decision


def _radius_km(entry: dict) -> tuple[float | None, str]:
    if entry.get("chosen_km"):
        return entry["chosen_km"], "plan"
    reference = entry.get("reference_km")
    if isinstance(reference, list):
        return reference[1], "reference"
    return reference, "reference"


@dataclass(frozen=True)
class CategoryVArea:
    province_code: str
    province_name_vi: str
    province_name_en: str
    facility: Facility
    zone: str  # the innermost zone of that facility that reaches the province
    radius_km: float
    basis: str
    people_inside: int

    def as_dict(self) -> dict:
        return {"province": self.province_code, "province_name_vi": self.province_name_vi,
                "province_name_en": self.province_name_en, "facility": self.facility.code,
                "facility_name": self.facility.name, "country": self.facility.country,
                "facility_category": self.facility.category, "zone": self.zone,
                "radius_km": self.radius_km, "basis": self.basis,
                "people_inside": self.people_inside}


def category_v_areas(*, on: dt.date | None = None, codes=None) -> list[CategoryVArea]:
    """Vietnamese provinces inside a zone of a foreign category I or II facility: category V
    (TT 12/2023 Phụ lục I, nhóm V), one row per province and facility, by province; of the
    facilities with ``codes`` only, when given."""
    rows = []
    foreign = Facility.objects.filter(foreign=True).order_by("code")
    for facility in foreign if codes is None else foreign.filter(code__in=codes):
        if facility.category not in ("I", "II"):
            continue
        zones, _ = facility_zones(facility, on=on)
        seen: set[str] = set()
        for zone in zones:  # innermost first
            for province in zone.population.provinces:
                if province.code in seen:
                    continue
                seen.add(province.code)
                rows.append(CategoryVArea(province.code, province.name_vi, province.name_en,
                                          facility, zone.zone, zone.radius_km, zone.basis,
                                          province.people))
    return sorted(rows, key=lambda r: (r.province_code, r.facility.code))
