"""Import of the station registry (CSV, GeoJSON), validated row by row.

Sources:
- RFC 4180 (CSV: a header line, then one record per line; a quoted field may span lines,
  so a record's line is where it starts; Python's ``csv`` ``line_num`` counts physical lines).
- RFC 7946 §3.1.2 and §3.3 (a Point's position is [longitude, latitude]; FeatureCollection).
- Vietnam's extent: the bounding box of the 34 province polygons of NQ 202/2025/QH15
  (``ungpho.core.geo.provinces``), about 8.42–23.37 °N, 102.12–109.47 °E.

Columns: those of ``ungpho.monitoring.registry.file_export`` (``IMPORT_COLUMNS``); state and
last_reading_at are accepted in the header and ignored. In GeoJSON the position is the
geometry only.

``thresholds`` (CSV cell; entries separated by ``;``)::

    PARAM:L1[/L2[/L3]][*N][ [BASIS]]     GammaDR:0.3/1/100*2 [TT 25/2014]; PM2.5:50

levels in the parameter's unit, strictly increasing, an empty level is not set
(``0.3//100``); N readings confirm a level (default 2); BASIS may not contain ``]``.

``mappings`` (CSV cell; entries separated by ``;``)::

    SYMBOL=PARAM[:UNIT[:SCALE[:OFFSET]]]  PM2,5=PM2.5:mg/m3:1000; Temp=Temp:°C

value sent × SCALE + OFFSET = value in the parameter's unit (defaults 1 and 0). In GeoJSON
both are lists of objects with the model's field names (or the same strings).

Readings (where the sources are silent):
- An import adds and updates, never deletes: mappings and alarm levels not in the file stay.
- Only ``code`` is required in the header. A column left out keeps an existing station's
  value (a new station gets the model default). An empty cell clears a field that may be
  empty (owner, facility, file_prefix, background_usv_h) and keeps the others; name, lat
  and lon are required for a new station.
- An empty province is the province containing the point, or within 2 km of it (coast,
  islands: ``SHORE_TOLERANCE_M``). A point inside another province
  than the one given is accepted: the polygons are simplified and off by up to kilometres.
- A province code of one digit gets its leading zero back (spreadsheets drop it).
- Files are UTF-8, with or without the signature spreadsheets write. Numbers use a
  decimal point; ``21,03`` is refused rather than guessed.
- Unknown CSV columns are reported on line 1 and ignored; unknown GeoJSON properties are
  ignored (other tools add styling properties).
- A code met twice: the later row is refused, the first is processed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.db import DatabaseError, transaction

from ungpho.core.formats.registry_file import (
    POINT,
    ImportReport,
    Record,
    blank,
    choice,
    num_text,
    number,
    records_import,
    text_of,
    where_text,
)
from ungpho.core.geo.provinces import SHORE_TOLERANCE_M, load_provinces
from ungpho.core.monitoring.limits import alarm_level
from ungpho.core.validate import INTEGER
from ungpho.geo.models import Province
from ungpho.geo.selectors import province_for_point
from ungpho.monitoring.models import Parameter, Station
from ungpho.monitoring.registry.file_export import CSV_COLUMNS, IMPORT_COLUMNS, STATION_COLUMNS
from ungpho.monitoring.services import mapping_set, station_upsert, threshold_set

_CHOICES = {"ministry": Station.Ministry, "type": Station.Type, "status": Station.Status}
_CLEARABLE = ("owner", "facility", "file_prefix", "background_usv_h")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_ENTRIES = re.compile(r";(?![^\[]*\])")  # a ";" not inside [basis]
_THRESHOLD = re.compile(r"(?P<parameter>[^:\s]+)\s*:\s*(?P<levels>[^*\[]*?)\s*"
                        r"(?:\*\s*(?P<confirm_count>[^\s\[]*))?\s*(?:\[(?P<basis>[^\]]*)\])?")


def _positive_int(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= INTEGER[1]:
        raise ValueError(f"not a positive integer up to {INTEGER[1]}: {value!r}")
    return value


@cache
def _vietnam_bbox() -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) [°] of the 34 province polygons (NQ 202/2025)."""
    bounds = [p.geometry.bounds for p in load_provinces()]
    return (min(b[1] for b in bounds), max(b[3] for b in bounds),
            min(b[0] for b in bounds), max(b[2] for b in bounds))


def point_province(lat_deg: float, lon_deg: float) -> Province:
    """The province containing the point, or within ``SHORE_TOLERANCE_M`` of it (a station on
    the coast or on an island of Hoàng Sa or Trường Sa); ValueError when it is outside
    Vietnam's bounding box or in no province (``geo.selectors.province_for_point``, NQ
    202/2025/QH15)."""
    lat_min, lat_max, lon_min, lon_max = _vietnam_bbox()
    where = f"({num_text(lat_deg)}, {num_text(lon_deg)})"
    def inside(lat: float, lon: float) -> bool:
        return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max

    if not inside(lat_deg, lon_deg):
        raise ValueError(f"{where} is outside Vietnam's bounding box (lat "
                         f"{lat_min:.2f}–{lat_max:.2f}, lon {lon_min:.2f}–{lon_max:.2f})"
                         + ("; lat and lon swapped?" if inside(lon_deg, lat_deg) else ""))
    province = province_for_point(lat_deg=lat_deg, lon_deg=lon_deg,
                                  max_distance_m=SHORE_TOLERANCE_M)
    if province is None:
        raise ValueError(f"{where} lies in no province (at sea, abroad, or "
                         f"outside the boundary data)")
    return province


def _current(station: Station | None) -> dict[str, Any]:
    """The station's values by column name; a new one's are the model defaults."""
    plain = [name for name in STATION_COLUMNS if name not in ("province", "facility")]
    if station is None:
        return {"province": None, "facility": None,
                **{name: Station._meta.get_field(name).get_default() for name in plain}}
    return {"province": station.province_id,
            "facility": station.facility.code if station.facility else None,
            **{name: getattr(station, name) for name in plain}}


class _Row:
    """One row's values checked field by field into ``out``; ``errors``: (field, reason)."""

    def __init__(self, values: dict[str, Any], station: Station | None, errors: list):
        self.values, self.errors, self.out = values, errors, _current(station)

    def given(self, name: str) -> bool:
        return not blank(self.values.get(name))

    def take(self, name: str, convert) -> None:
        if self.given(name):
            try:
                self.out[name] = convert(self.values[name])
            except ValueError as error:
                self.errors.append((name, str(error)))
        elif name in self.values and name in _CLEARABLE:
            self.out[name] = "" if name == "owner" else None
        elif self.out.get(name) in (None, "") and name in ("name", "lat", "lon"):
            self.errors.append((name, "required for a new station"))


def _province_code(value: Any) -> str:
    code = str(value).strip()
    code = code.zfill(2) if code.isdigit() else code
    if code not in _province_codes():
        raise ValueError(f"unknown province code {value!r}; allowed: "
                         + ", ".join(sorted(_province_codes())))
    return code


@cache
def _province_codes() -> frozenset[str]:
    return frozenset(Province.objects.values_list("code", flat=True))


def _facility_code(value: Any) -> str:
    from ungpho.preparedness.models import Facility

    code = str(value).strip()
    if not Facility.objects.filter(code=code).exists():
        raise ValueError(f"unknown facility code {code!r}")
    return code


def _background(value: Any) -> float:
    usv_h = number(value)
    if usv_h <= 0:
        raise ValueError(f"must be above 0 µSv/h, got {usv_h:g}")
    return usv_h


def _entries(value: Any, name: str) -> list:
    if isinstance(value, list):
        return value
    if not isinstance(value, str):
        raise ValueError(f"must be text in the {name} syntax or a list of objects")
    return [e.strip() for e in _ENTRIES.split(value) if e.strip()]


def _threshold(entry: Any, parameters: dict[str, Parameter]) -> dict:
    if isinstance(entry, str):
        match = _THRESHOLD.fullmatch(entry)
        if match is None:
            raise ValueError("not PARAM:L1[/L2[/L3]][*N][ [BASIS]]")
        levels = match["levels"].split("/")
        if len(levels) > 3:
            raise ValueError(f"{len(levels)} levels, at most 3")
        entry = {"parameter": match["parameter"], "confirm_count": match["confirm_count"],
                 "basis": match["basis"] or "",
                 **{f"level_{i}": v for i, v in enumerate(levels, 1)}}
    if not isinstance(entry, dict):
        raise ValueError("must be an object or text")
    levels = [None if blank(entry.get(f"level_{i}")) else number(entry[f"level_{i}"])
              for i in (1, 2, 3)]
    if levels[0] is None:
        raise ValueError("level 1 is required")
    alarm_level(levels[0], levels)
    confirm = entry.get("confirm_count")
    return {"parameter": _parameter(entry.get("parameter"), parameters),
            "level_1": levels[0], "level_2": levels[1], "level_3": levels[2],
            "confirm_count": 2 if blank(confirm) else _positive_int(confirm),
            "basis": text_of(200)(entry.get("basis") or "")}


def _mapping(entry: Any, parameters: dict[str, Parameter]) -> dict:
    if isinstance(entry, str):
        symbol, equals, rest = entry.partition("=")
        parts = rest.split(":")
        if not equals or len(parts) > 4:
            raise ValueError("not SYMBOL=PARAM[:UNIT[:SCALE[:OFFSET]]]")
        entry = dict(zip(("parameter", "unit", "scale", "offset"), parts, strict=False),
                     symbol=symbol)
    if not isinstance(entry, dict):
        raise ValueError("must be an object or text")
    symbol = text_of(40)(entry.get("symbol") or "")
    if not symbol:
        raise ValueError("the symbol sent is empty")
    scale = 1.0 if blank(entry.get("scale")) else number(entry["scale"])
    if scale == 0:
        raise ValueError("scale 0 would make every value 0")
    return {"symbol": symbol, "parameter": _parameter(entry.get("parameter"), parameters),
            "unit": text_of(20)(entry.get("unit") or ""), "scale": scale,
            "offset": 0.0 if blank(entry.get("offset")) else number(entry["offset"])}


def _parameter(code: Any, parameters: dict[str, Parameter]) -> Parameter:
    code = str(code or "").strip()
    if code not in parameters:
        raise ValueError(f"unknown parameter {code!r}; allowed: "
                         + (", ".join(sorted(parameters)) or "none (run ungpho migrate)"))
    return parameters[code]


def _nested(row: _Row, name: str, convert, key: str, parameters) -> list[dict]:
    if not row.given(name):
        return []
    try:
        entries = _entries(row.values[name], name)
    except ValueError as error:
        row.errors.append((name, str(error)))
        return []
    done, seen = [], set()
    for k, entry in enumerate(entries, 1):
        try:
            item = convert(entry, parameters)
        except ValueError as error:
            row.errors.append((name, f"entry {k} {entry!r}: {error}"))
            continue
        ident = item[key].code if key == "parameter" else item[key]
        if ident in seen:
            row.errors.append((name, f"entry {k}: {ident!r} appears twice"))
        seen.add(ident)
        done.append(item)
    return done


class _Plan(NamedTuple):
    station: dict[str, Any]
    thresholds: list[dict]
    mappings: list[dict]
    created: bool


def _plan(record: Record, seen: dict[str, dict], parameters) -> tuple[_Plan | None, list]:
    values = record.values
    code = str(values.get("code") or "").strip()
    errors = list(record.errors)
    if not code:
        return None, [*errors, ("code", "required")]
    if not _SLUG.fullmatch(code) or len(code) > 40:
        return None, [*errors, ("code", f"{code!r}: letters, digits, '-' and '_' only, at "
                                        "most 40")]
    if code in seen:
        return None, [*errors, ("code", f"duplicate: {code!r} is already on "
                                        f"{where_text(seen[code])}")]
    seen[code] = record.where
    station = Station.objects.select_related("facility").filter(code=code).first()
    row = _Row(values, station, errors)
    row.take("name", text_of(200))
    row.take("owner", text_of(200))
    for name in _CHOICES:
        row.take(name, choice(_CHOICES[name].values))
    row.take("reporting_interval_s", _positive_int)
    row.take("province", _province_code)
    row.take("facility", _facility_code)
    row.take("file_prefix", text_of(120))
    row.take("background_usv_h", _background)
    if not any(f == "geometry" for f, _ in row.errors):
        row.take("lat", number)
        row.take("lon", number)
    position_bad = any(f in ("lat", "lon", "geometry") for f, _ in row.errors)
    if (station is None or row.given("lat") or row.given("lon")) and not position_bad:
        try:
            inside = point_province(row.out["lat"], row.out["lon"])
            if not row.given("province"):
                row.out["province"] = inside.code
        except ValueError as error:
            row.errors.append(("lat/lon", str(error)))
    if row.out.get("province") is None and not any(
            f in ("province", "lat/lon") for f, _ in row.errors) and not position_bad:
        row.errors.append(("province", "required (or a point inside a province)"))
    prefix = row.out.get("file_prefix")
    if prefix:
        key = f"file_prefix:{prefix}"
        other = Station.objects.filter(file_prefix=prefix).exclude(code=code).first()
        if other is not None:
            row.errors.append(("file_prefix", f"{prefix!r} is used by station {other.code}"))
        elif key in seen:
            row.errors.append(("file_prefix", f"{prefix!r} is already on "
                                              f"{where_text(seen[key])}"))
        seen.setdefault(key, {**record.where})
    thresholds = _nested(row, "thresholds", _threshold, "parameter", parameters)
    mappings = _nested(row, "mappings", _mapping, "symbol", parameters)
    if row.errors:
        return None, row.errors
    out = row.out
    return _Plan({"code": code, "name": out["name"], "owner": out["owner"],
                  "ministry": out["ministry"], "type": out["type"],
                  "province_code": out["province"], "facility_code": out["facility"],
                  "lat": out["lat"], "lon": out["lon"],
                  "reporting_interval_s": out["reporting_interval_s"], "status": out["status"],
                  "file_prefix": out["file_prefix"] or None,
                  "background_usv_h": out["background_usv_h"]},
                 thresholds, mappings, station is None), []


# -- import -----------------------------------------------------------------------------------

def stations_import(rows_or_file: str | Path | IO | Iterable[str] | dict, *, fmt: str = "csv",
                    by=None) -> ImportReport:
    """Create or update stations from a CSV (a path, a text or bytes stream, or a list of
    lines) or a GeoJSON FeatureCollection (a path, a stream, or the parsed dict).

    Each good row is saved in its own transaction through the registry services (audited,
    as ``by``); a bad row is reported with its line (CSV, header = 1) or feature index
    (from 0), the field and the reason, and never stops the others or is half saved.
    Formats: RFC 4180, RFC 7946; the column syntax is in this module's docstring.
    """
    parameters = {p.code: p for p in Parameter.objects.all()}
    _province_codes.cache_clear()
    seen: dict[str, dict] = {}

    def row(record: Record) -> tuple[list, bool]:
        plan, errors = _plan(record, seen, parameters)
        if plan is not None:
            try:
                with transaction.atomic():
                    _save(plan, by)
            except (ValueError, DatabaseError) as error:
                errors = [("row", f"not saved: {error}")]
        return errors, plan is not None and plan.created

    return records_import(rows_or_file, fmt=fmt, known=CSV_COLUMNS, columns=IMPORT_COLUMNS,
                          required=("code",), geometry=POINT, row=row)


def _save(plan: _Plan, by) -> None:
    station = station_upsert(**plan.station, by=by)
    for mapping in plan.mappings:
        mapping_set(station=station, by=by, **mapping)
    for threshold in plan.thresholds:
        threshold_set(station=station, by=by, **threshold)
