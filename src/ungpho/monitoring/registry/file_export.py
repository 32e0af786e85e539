"""Export of the station registry (CSV, GeoJSON) and of the parameters (CSV).

Sources:
- RFC 4180 (CSV: a header line, then one record per line).
- RFC 7946 §3.1.2 and §3.3 (a Point's position is [longitude, latitude]; FeatureCollection).

Columns (CSV header = GeoJSON property names = model fields): code, name, owner, ministry,
type, province (2-digit code), facility (code), lat, lon, reporting_interval_s, status,
file_prefix, background_usv_h, thresholds, mappings; state and last_reading_at are
exported for reading and ignored on import. In GeoJSON the position is the geometry only.
The ``thresholds`` and ``mappings`` cell syntax, and how a file is read back, are in
``ungpho.monitoring.registry.file_import``.

Readings (where the sources are silent):
- Numbers are written in their shortest exact form, ``1`` rather than ``1.0``; an unset
  value is an empty cell.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any

from ungpho.core.formats.registry_file import num_text, point_features
from ungpho.monitoring.models import Parameter, Station

STATION_COLUMNS = ("code", "name", "owner", "ministry", "type", "province", "facility", "lat",
                   "lon", "reporting_interval_s", "status", "file_prefix", "background_usv_h")
IMPORT_COLUMNS = (*STATION_COLUMNS, "thresholds", "mappings")
CSV_COLUMNS = (*IMPORT_COLUMNS, "state", "last_reading_at")
PARAMETER_COLUMNS = ("code", "name_vi", "name_en", "unit", "range_min", "range_max",
                     "station_types", "citation")


def _records(queryset) -> Iterator[dict[str, Any]]:
    stations = (Station.objects.all() if queryset is None else queryset).select_related(
        "facility").prefetch_related("mappings__parameter", "thresholds__parameter")
    for s in stations.order_by("code"):
        yield {
            "code": s.code, "name": s.name, "owner": s.owner, "ministry": s.ministry,
            "type": s.type, "province": s.province_id,
            "facility": s.facility.code if s.facility else None, "lat": s.lat, "lon": s.lon,
            "reporting_interval_s": s.reporting_interval_s, "status": s.status,
            "file_prefix": s.file_prefix, "background_usv_h": s.background_usv_h,
            "thresholds": sorted(({"parameter": t.parameter.code, "level_1": t.level_1,
                                   "level_2": t.level_2, "level_3": t.level_3,
                                   "confirm_count": t.confirm_count, "basis": t.basis}
                                  for t in s.thresholds.all()), key=lambda t: t["parameter"]),
            "mappings": sorted(({"symbol": m.symbol, "parameter": m.parameter.code,
                                 "unit": m.unit, "scale": m.scale, "offset": m.offset}
                                for m in s.mappings.all()), key=lambda m: m["symbol"]),
            "state": s.state,
            "last_reading_at": s.last_reading_at.isoformat() if s.last_reading_at else None,
        }


def _thresholds_text(thresholds: list[dict]) -> str:
    parts = []
    for t in thresholds:
        levels = "/".join(num_text(t[f"level_{i}"]) for i in (1, 2, 3)).rstrip("/")
        basis = f" [{t['basis']}]" if t["basis"] else ""
        parts.append(f"{t['parameter']}:{levels}*{t['confirm_count']}{basis}")
    return "; ".join(parts)


def _mappings_text(mappings: list[dict]) -> str:
    return "; ".join(f"{m['symbol']}={m['parameter']}:{m['unit']}:{num_text(m['scale'])}:"
                     f"{num_text(m['offset'])}" for m in mappings)


def stations_export_csv(stream: IO[str], queryset=None) -> int:
    """Write the stations (all when ``queryset`` is None) as CSV (RFC 4180, columns
    ``CSV_COLUMNS``); returns how many. The token is never exported."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in _records(queryset):
        record["thresholds"] = _thresholds_text(record["thresholds"])
        record["mappings"] = _mappings_text(record["mappings"])
        writer.writerow(num_text(v) if isinstance(v, float) else ("" if v is None else v)
                        for v in (record[c] for c in CSV_COLUMNS))
        count += 1
    return count


def stations_export_geojson(queryset=None) -> dict:
    """The stations as an RFC 7946 FeatureCollection: Point [lon, lat], the other registry
    fields (with state and last_reading_at, never the token) as properties."""
    return point_features(_records(queryset), id_key="code")


def parameters_export_csv(stream: IO[str], queryset=None) -> int:
    """Write the parameters (columns ``PARAMETER_COLUMNS``; station types joined by ``;``)."""
    writer = csv.writer(stream)
    writer.writerow(PARAMETER_COLUMNS)
    count = 0
    for p in (Parameter.objects.all() if queryset is None else queryset).order_by("code"):
        writer.writerow([p.code, p.name_vi, p.name_en, p.unit, num_text(p.range_min),
                         num_text(p.range_max), ";".join(p.station_types), p.citation])
        count += 1
    return count
