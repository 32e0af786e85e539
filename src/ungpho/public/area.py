"""Where a public message warns: the incident's location and the message's area.

The location (TT 12/2023 Phụ lục VIII.II, "địa điểm xảy ra sự cố") is, in this order, the
last position of the incident's tracked radioactive source, else the incident's own point
(the report's coordinates; the facility's when the report gave none), described by the
facility's name when it lies at the facility. The area of a new
message is the facility's emergency zone (Phụ lục IV) when the incident is at the facility,
else the initial inner cordon (Phụ lục VIII.IV) around the location. Approval and release
refuse an area that does not contain the location (``core.geo.area_contains``).

Readings (where the law is silent):
- An incident lies at its facility when its point is within ``AT_FACILITY_M`` of the
  facility's point (a site, its yard, its gate); farther, the point is described by its
  coordinates, not by the facility's name. Either way the cordon is centred on the
  incident's own point, the most precise one known.
- A tracked source's last position is its newest tracker fix, whenever it was taken (the
  text says when): a source out of control is where it was last seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import MultiPolygon

from ungpho.core.formats.cap import CapArea
from ungpho.core.geo.area_contains import area_contains
from ungpho.core.geo.distance import great_circle_distance_m
from ungpho.core.geo.provinces import province_at
from ungpho.core.rules.cordon import cordon
from ungpho.core.rules.facts import CordonFacts
from ungpho.core.rules.loader import Instrument
from ungpho.core.validate import Message, gettext_noop
from ungpho.core.vietnam_time import VIETNAM
from ungpho.preparedness.zones import facility_zones

#: An incident's point this close to its facility's is at the facility (module readings).
AT_FACILITY_M = 1_000.0
#: A source's last fix this far off the simplified coast still names the province nearest.
PLACE_TOLERANCE_M = 5_000.0

AREA_FIELDS = ("area_desc_vi", "area_desc_en", "circle_lat", "circle_lon", "circle_radius_km",
               "polygon")
ERR_AREA = "an area is needed: a circle (centre and radius) or a polygon"
ERR_CIRCLE = "give the centre's latitude and longitude and the radius"
ERR_OUTSIDE = gettext_noop("the area (%(area_en)s) does not contain the incident's location "
                           "(%(location_en)s): draw it around that location")


@dataclass(frozen=True)
class Location:
    """The incident's location, described in each language; ``at_facility`` when it is the
    incident's facility."""

    lat: float
    lon: float
    vi: str
    en: str
    at_facility: bool = False


def _point_text(lat: float, lon: float) -> tuple[str, str]:
    return f"vĩ độ {lat:.5f}, kinh độ {lon:.5f}", f"{lat:.5f} N, {lon:.5f} E"


def incident_location(incident) -> Location:
    """Where the incident is (module docstring): the tracked source's last position, the
    facility, or the incident's point, each with its province."""
    province = incident.province
    source = incident.radioactive_source
    if source is not None and source.last_lat is not None:
        # A source on the move may have crossed into another province: name the one it is in.
        province = province_at(source.last_lat, source.last_lon,
                               max_distance_m=PLACE_TOLERANCE_M) or province
        vi, en = _point_text(source.last_lat, source.last_lon)
        seen = source.last_position_at.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
        return Location(
            source.last_lat, source.last_lon,
            f"vị trí cuối của nguồn {source.nuclide} {source.serial} ({vi}, lúc {seen}), "
            f"{province.name_vi}",
            f"the last position of the {source.nuclide} source {source.serial} ({en}, at "
            f"{seen} Vietnam time), {province.name_en}")
    facility = incident.facility if incident.facility_id else None
    if facility is not None and not facility.foreign and great_circle_distance_m(
            facility.lat, facility.lon, incident.lat, incident.lon) <= AT_FACILITY_M:
        where = ", ".join(p for p in (facility.name, facility.address) if p)
        return Location(incident.lat, incident.lon, f"{where}, {province.name_vi}",
                        f"{where}, {province.name_en}", at_facility=True)
    vi, en = _point_text(incident.lat, incident.lon)
    return Location(incident.lat, incident.lon, f"{province.name_vi} ({vi})",
                    f"{province.name_en} ({en})")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _cordon_m(incident, instrument: Instrument) -> float:
    """The initial inner cordon outdoors (Phụ lục VIII.IV) for what the latest
    classification says: a release → large spill (100 m), a malicious act → suspected bomb
    (≥ 400 m), else an unshielded or damaged source (30 m)."""
    latest = incident.classifications.last()
    event = (latest.facts.get("event") or {}) if latest else {}
    situations = ["unshielded_or_damaged_source"]
    if event.get("release"):
        situations.append("large_spill")
    if event.get("malicious_act"):
        situations.append("suspected_bomb")
    decision = cordon(CordonFacts(setting="outdoors", situations=tuple(situations)), instrument)
    return (decision.result or {}).get("radius_m") or 30.0


def _zone_area(incident) -> dict | None:
    """The facility's emergency zone the public acts in: the UPZ at the highest level, else
    the innermost zone; a circle around a point site, a polygon around a site boundary."""
    zones, _decision = facility_zones(incident.facility, on=incident.first_information_at.date())
    if not zones:
        return None
    by_name = {z.zone: z for z in zones}
    zone = by_name.get("UPZ") if incident.alarm_level == 3 and "UPZ" in by_name else zones[0]
    facility = incident.facility
    area = {"area_desc_vi": f"Vùng {zone.zone} bán kính {zone.radius_km:g} km quanh "
                            f"{facility.name}",
            "area_desc_en": f"The {zone.zone} ({zone.radius_km:g} km) around {facility.name}",
            "circle_lat": None, "circle_lon": None, "circle_radius_km": None, "polygon": []}
    if facility.boundary:
        geometry = zone.geometry
        if isinstance(geometry, MultiPolygon):
            geometry = geometry.convex_hull
        outline = geometry.simplify(zone.radius_km / 111.0 / 50).exterior.coords
        area["polygon"] = [[round(lat, 6), round(lon, 6)] for lon, lat in outline]
    else:
        area.update(circle_lat=facility.lat, circle_lon=facility.lon,
                    circle_radius_km=zone.radius_km)
    return area


def area_default(incident, instrument: Instrument, location: Location) -> dict:
    """The area of a new message: the facility's zone when the incident is at the facility,
    else the cordon around the location."""
    if location.at_facility and (area := _zone_area(incident)):
        return area
    radius_m = _cordon_m(incident, instrument)
    return {"area_desc_vi": f"Vành đai an toàn bán kính {radius_m:g} m quanh {location.vi}",
            "area_desc_en": f"The safety cordon of {radius_m:g} m around {location.en}",
            "circle_lat": location.lat, "circle_lon": location.lon,
            "circle_radius_km": radius_m / 1000, "polygon": []}


def initial_measures(area: dict) -> dict[str, str]:
    """The template's "initial measures": setting up the area."""
    return {"vi": f"thiết lập {_lower_first(area['area_desc_vi'])}",
            "en": f"setting up {_lower_first(area['area_desc_en'])}"}


def area_check(area: dict, location: Location | None = None) -> list[tuple[str, str]]:
    """Problems of an area (CAP 1.2 §3.2.4 rules, by ``CapArea``), by field; with
    ``location``, also an area that does not contain it (naming both)."""
    circle = [area.get(k) for k in ("circle_lat", "circle_lon", "circle_radius_km")]
    if any(v is not None for v in circle) and not all(v is not None for v in circle):
        return [("circle", ERR_CIRCLE)]
    if not area.get("polygon") and circle[0] is None:
        return [("area", ERR_AREA)]
    try:
        cap = CapArea(desc_vi=area.get("area_desc_vi") or "",
                      desc_en=area.get("area_desc_en") or "",
                      polygons=(area["polygon"],) if area.get("polygon") else (),
                      circles=(tuple(circle),) if circle[0] is not None else ())
    except ValueError as error:
        return [("area", str(error))]
    if location is not None and not area_contains(location.lat, location.lon,
                                                  circles=cap.circles, polygons=cap.polygons):
        return [("area", Message(ERR_OUTSIDE, area_vi=_area_named(cap, "vi"),
                                 area_en=_area_named(cap, "en"), location_vi=location.vi,
                                 location_en=location.en))]
    return []


def _area_named(area: CapArea, lang: str) -> str:
    """The area as a refusal names it: its description, else its shape."""
    desc = area.desc_vi if lang == "vi" else area.desc_en
    if desc:
        return desc
    if area.circles:
        lat, lon, radius_km = area.circles[0]
        return f"{radius_km:g} km quanh {lat:g}, {lon:g}" if lang == "vi" else \
            f"{radius_km:g} km around {lat:g}, {lon:g}"
    return f"đa giác {len(area.polygons[0]) - 1} đỉnh" if lang == "vi" else \
        f"a polygon of {len(area.polygons[0]) - 1} vertices"
