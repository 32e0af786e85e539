"""Export of the risk registry (CSV, GeoJSON): facilities, radioactive sources, hazardous
chemicals. How a file is read back is in ``ungpho.preparedness.registry.file_import``.

Sources:
- RFC 4180 (CSV: a header line, then one record per line).
- RFC 7946 §3.1.2, §3.1.6 and §3.3 (a Point is [longitude, latitude]; a Polygon is rings
  of [lon, lat]; FeatureCollection; a Feature's geometry may be null).

Columns (CSV header = GeoJSON property names):
- facilities: ``FACILITY_COLUMNS``, then ``category_computed`` (read only). GeoJSON: a
  Point at lat/lon; the site boundary, if any, is the property ``boundary``.
- sources: ``SOURCE_COLUMNS``, then ``activity_now_bq`` and ``group`` (read only). GeoJSON:
  the permitted area as geometry when mobile, else the facility's point (null without one).
- chemicals: ``CHEMICAL_COLUMNS``. GeoJSON: the facility's point.

Readings (where the sources are silent):
- Numbers in their shortest exact form (``1`` rather than ``1.0``); an unset value is an
  empty cell (null in GeoJSON); booleans ``true`` / ``false``; dates YYYY-MM-DD.
- ``activity`` is the activity at the reference date with the largest SI unit that keeps
  it at 1 or more ("3.7 TBq"), written exactly (decimal arithmetic), so it reads back to
  the same number of becquerels.
- ``activity_now_bq`` is decayed to 00:00 UTC of the export's day (as the category is,
  ``ungpho.preparedness.category``), to 6 significant digits.
- ``zone_radii_km`` in CSV: ``PAZ=3; UPZ=30`` (zones in Phụ lục IV's order); in GeoJSON
  an object. ``boundary`` and ``permitted_area`` in CSV: the GeoJSON geometry as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from ungpho.core.formats.registry_file import num_text, point_features
from ungpho.core.rules.zones import ZONES
from ungpho.preparedness.category import source_activity_bq
from ungpho.preparedness.models import Facility, HazardousChemical, RadioactiveSource

FACILITY_COLUMNS = ("code", "name", "kind", "licensee", "licence_number", "licence_valid_until",
                    "address", "province", "foreign", "country", "lat", "lon",
                    "thermal_power_mw", "contact_24h", "last_inspection_on", "plan_status",
                    "category_override", "override_reason", "zone_radii_km", "boundary",
                    "sources_cited")
FACILITY_CSV_COLUMNS = (*FACILITY_COLUMNS, "category_computed")
SOURCE_COLUMNS = ("serial", "nuclide", "activity", "reference_date", "sealed", "device",
                  "facility", "mobile", "permitted_area", "status")
SOURCE_CSV_COLUMNS = (*SOURCE_COLUMNS, "activity_now_bq", "group")
CHEMICAL_COLUMNS = ("facility", "name", "cas", "max_quantity_kg", "storage")

#: Units of activity (SI prefixes of Bq), largest first, with their power of ten.
_BQ_UNITS = (("EBq", 18), ("PBq", 15), ("TBq", 12), ("GBq", 9), ("MBq", 6), ("kBq", 3),
             ("Bq", 0))


def activity_text(activity_bq: float) -> str:
    """``3.7e12`` → ``"3.7 TBq"``: exact, in the largest unit that keeps the value ≥ 1."""
    exact = Decimal(repr(float(activity_bq)))
    for unit, power in _BQ_UNITS:
        if abs(exact) >= Decimal(10) ** power or power == 0:
            return f"{exact.scaleb(-power).normalize():f} {unit}"
    raise AssertionError("unreachable")


def zone_radii_text(radii_km: dict) -> str:
    order = {zone: i for i, zone in enumerate(ZONES)}
    return "; ".join(f"{zone}={num_text(km)}" for zone, km in
                     sorted(radii_km.items(), key=lambda item: order.get(item[0], len(order))))


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return num_text(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _write(stream: IO[str], columns: tuple[str, ...], records: Iterator[dict]) -> int:
    writer = csv.writer(stream)
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow(_cell(record[c]) for c in columns)
        count += 1
    return count


def _point(facility: Facility | None) -> dict | None:
    if facility is None:
        return None
    return {"type": "Point", "coordinates": [facility.lon, facility.lat]}


# -- facilities -------------------------------------------------------------------------------

def _facility_records(queryset) -> Iterator[dict[str, Any]]:
    for f in (Facility.objects.all() if queryset is None else queryset).order_by("code"):
        yield {
            "code": f.code, "name": f.name, "kind": f.kind, "licensee": f.licensee,
            "licence_number": f.licence_number,
            "licence_valid_until": _date(f.licence_valid_until), "address": f.address,
            "province": f.province_id, "foreign": f.foreign, "country": f.country,
            "lat": f.lat, "lon": f.lon, "thermal_power_mw": f.thermal_power_mw,
            "contact_24h": f.contact_24h, "last_inspection_on": _date(f.last_inspection_on),
            "plan_status": f.plan_status, "category_override": f.category_override,
            "override_reason": f.override_reason, "zone_radii_km": f.zone_radii_km or {},
            "boundary": f.boundary, "sources_cited": f.sources_cited,
            "category_computed": f.category_computed,
        }


def facilities_export_csv(stream: IO[str], queryset=None) -> int:
    """Write the facilities (all when ``queryset`` is None) as CSV, columns
    ``FACILITY_CSV_COLUMNS``; returns how many."""
    def records():
        for record in _facility_records(queryset):
            record["zone_radii_km"] = zone_radii_text(record["zone_radii_km"])
            yield record
    return _write(stream, FACILITY_CSV_COLUMNS, records())


def facilities_export_geojson(queryset=None) -> dict:
    """The facilities as a FeatureCollection: a Point at lat/lon, the rest as properties."""
    return point_features(_facility_records(queryset), id_key="code")


# -- sources ----------------------------------------------------------------------------------

def _source_records(queryset, on: dt.date | None) -> Iterator[tuple[dict[str, Any], dict | None]]:
    """(record, geometry) of each source."""
    at = dt.datetime.combine(on or dt.date.today(), dt.time(), dt.UTC)
    sources = (RadioactiveSource.objects.all() if queryset is None else queryset)
    for s in sources.select_related("facility").order_by("serial"):
        record = {
            "serial": s.serial, "nuclide": s.nuclide, "activity": activity_text(s.activity_bq),
            "reference_date": _date(s.reference_date), "sealed": s.sealed, "device": s.device,
            "facility": s.facility.code if s.facility else None, "mobile": s.mobile,
            "permitted_area": s.permitted_area, "status": s.status,
            "activity_now_bq": float(f"{source_activity_bq(s, at=at):.6g}"), "group": s.group,
        }
        yield record, (s.permitted_area if s.mobile and s.permitted_area else
                       _point(s.facility))


def sources_export_csv(stream: IO[str], queryset=None, *, on: dt.date | None = None) -> int:
    """Write the sources as CSV, columns ``SOURCE_CSV_COLUMNS``; ``activity_now_bq`` at
    00:00 UTC of ``on`` (default today). Returns how many."""
    return _write(stream, SOURCE_CSV_COLUMNS,
                  (record for record, _ in _source_records(queryset, on)))


def sources_export_geojson(queryset=None, *, on: dt.date | None = None) -> dict:
    """The sources as a FeatureCollection: the permitted area of a mobile source, else its
    facility's point (null without one), as geometry; the rest as properties."""
    features = []
    for record, geometry in _source_records(queryset, on):
        del record["permitted_area"]
        features.append({"type": "Feature", "id": record["serial"], "geometry": geometry,
                         "properties": record})
    return {"type": "FeatureCollection", "features": features}


# -- chemicals --------------------------------------------------------------------------------

def _chemicals(queryset):
    chemicals = HazardousChemical.objects.all() if queryset is None else queryset
    return chemicals.select_related("facility").order_by("facility__code", "cas")


def _chemical_record(c: HazardousChemical) -> dict[str, Any]:
    return {"facility": c.facility.code, "name": c.name, "cas": c.cas,
            "max_quantity_kg": c.max_quantity_kg, "storage": c.storage}


def chemicals_export_csv(stream: IO[str], queryset=None) -> int:
    """Write the hazardous chemicals as CSV, columns ``CHEMICAL_COLUMNS``."""
    return _write(stream, CHEMICAL_COLUMNS, (_chemical_record(c) for c in _chemicals(queryset)))


def chemicals_export_geojson(queryset=None) -> dict:
    """The hazardous chemicals as a FeatureCollection at their facility's point."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": f"{c.facility.code}/{c.cas}", "geometry": _point(c.facility),
         "properties": _chemical_record(c)} for c in _chemicals(queryset)]}
