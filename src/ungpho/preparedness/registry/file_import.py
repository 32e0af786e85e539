"""Import of the risk registry (CSV, GeoJSON): facilities, radioactive sources and hazardous
chemicals, validated row by row and saved through the registry services.

Sources:
- RFC 4180 and RFC 7946, read by ``ungpho.core.formats.registry_file`` (where a row stands:
  CSV line, header = 1; GeoJSON feature index, from 0).
- The checks of ``ungpho.preparedness.services`` (a domestic facility inside Vietnam, a
  foreign one with its country; a known nuclide; an activity with its unit; a source at a
  facility or mobile within a permitted area, never at two facilities; the CAS check digit).
- RFC 7946 §3.1.6 and OGC Simple Features (shapely ``is_valid``) for the polygons.

Columns: those of ``ungpho.preparedness.registry.file_export``; the read-only ones
(``category_computed``, ``activity_now_bq``, ``group``) are accepted in the header and
ignored. Cells:
- dates YYYY-MM-DD; booleans ``true`` / ``false`` (also 1 / 0, yes / no); numbers with a
  decimal point; ``activity`` a number with its unit ("3.7 TBq", "100 mCi").
- ``zone_radii_km``: ``PAZ=3; UPZ=30`` (CSV) or ``{"PAZ": 3, "UPZ": 30}`` (GeoJSON); the
  zones of TT 12/2023 Phụ lục IV (PAZ, UPZ, EPD, ICPD), radii in km above 0.
- ``boundary``, ``permitted_area``: a GeoJSON Polygon or MultiPolygon in lon/lat, as text in
  CSV, an object in GeoJSON.
- GeoJSON geometry: a facility's position is its Point; a source's Polygon or MultiPolygon
  is its permitted area (a Point, its facility's, or null: none); a chemical's is ignored.

Readings (where the sources are silent):
- An import adds and updates, never deletes. Facilities first: sources and chemicals name
  their facility by code.
- Only the key is required in the header: ``code`` (facilities), ``serial`` (sources),
  ``facility`` and ``cas`` (chemicals). A column left out keeps an entry's value (a new one
  gets the default); an empty cell clears an optional field or sets its default (kind
  other, country VN, plan_status none, sealed true, mobile false, status in_use). name, lat
  and lon of a facility, nuclide and activity of a source, name and max_quantity_kg of a
  chemical are required for a new entry; an empty cell keeps an existing one's.
- An empty province is the province containing the point.
- Every field at fault is reported, not only the first: a row with a cell that cannot be
  read still goes through the service's checks, in a savepoint rolled back, with a stand-in
  value whose consequences are not reported.
- A key met twice in a file: the later row is refused, the first is processed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.db import DatabaseError, transaction

from ungpho.core.formats.registry_file import (
    POINT,
    GeometryReader,
    ImportReport,
    Record,
    blank,
    choice,
    lower,
    number,
    records_import,
    text_of,
    where_text,
)
from ungpho.preparedness.models import CATEGORIES, Facility, HazardousChemical, RadioactiveSource
from ungpho.preparedness.registry.cells import (
    area,
    bool_cell,
    code_cell,
    date_cell,
    model_text,
    province_code,
    source_geometry,
    upper,
    zone_radii,
)
from ungpho.preparedness.registry.file_export import (
    CHEMICAL_COLUMNS,
    FACILITY_COLUMNS,
    FACILITY_CSV_COLUMNS,
    SOURCE_COLUMNS,
    SOURCE_CSV_COLUMNS,
    activity_text,
)
from ungpho.preparedness.services import (
    RegistryError,
    chemical_upsert,
    facility_upsert,
    source_register,
)

_REQUIRED = object()  # the ``empty`` of a column a new entry must have
_NONE = object()  # no stand-in


# -- the kinds of entry -----------------------------------------------------------------------

class _Column(NamedTuple):
    arg: str  # the service's keyword
    convert: Callable[[Any], Any]
    empty: Any = ""  # an empty cell's value; _REQUIRED: a new entry must have it
    fallback: Any = _NONE  # stands in for a bad cell, so that the service checks the rest
    shadows: tuple[str, ...] = ()  # service problems on these fields follow from a bad cell


class _Kind(NamedTuple):
    noun: str
    key: tuple[str, ...]
    columns: dict[str, _Column]  # key columns first
    known: tuple[str, ...]  # the CSV header names accepted
    geometry: GeometryReader | None
    find: Callable[[tuple], Any]
    current: Callable[[Any], dict[str, Any]]  # the service's arguments of an existing entry
    save: Callable[..., Any]


_F, _S, _C = Facility, RadioactiveSource, HazardousChemical
_FACILITY_PLAIN = ("licensee", "licence_number", "address", "contact_24h", "override_reason",
                   "sources_cited")
_FACILITY_FIELDS = ("licensee", "licence_number", "licence_valid_until", "address",
                    "thermal_power_mw", "contact_24h", "last_inspection_on", "plan_status",
                    "category_override", "override_reason", "zone_radii_km", "boundary",
                    "sources_cited")

FACILITIES = _Kind(
    noun="facility", key=("code",), known=FACILITY_CSV_COLUMNS, geometry=POINT,
    columns={
        "code": _Column("code", code_cell),
        "name": _Column("name", model_text(_F, "name"), _REQUIRED, ""),
        "kind": _Column("kind", lower, _F.Kind.OTHER),
        **{name: _Column(name, model_text(_F, name)) for name in _FACILITY_PLAIN},
        "licence_valid_until": _Column("licence_valid_until", date_cell, None),
        "last_inspection_on": _Column("last_inspection_on", date_cell, None),
        "province": _Column("province_code", province_code),
        "foreign": _Column("foreign", bool_cell, False, False, ("country", "lat", "lon",
                                                            "province")),
        "country": _Column("country", upper, "VN"),
        "lat": _Column("lat", number, _REQUIRED, 0.0, ("lon", "province")),
        "lon": _Column("lon", number, _REQUIRED, 0.0, ("lat", "province")),
        "thermal_power_mw": _Column("thermal_power_mw", number, None),
        "plan_status": _Column("plan_status", choice(_F.PlanStatus.values), _F.PlanStatus.NONE),
        "category_override": _Column("category_override",
                                     choice((c for c, _ in CATEGORIES), upper),
                                     "", shadows=("override_reason",)),
        "zone_radii_km": _Column("zone_radii_km", zone_radii, {}),
        "boundary": _Column("boundary", area, None),
    },
    find=lambda key: Facility.objects.filter(code=key[0]).first(),
    current=lambda f: {"name": f.name, "lat": f.lat, "lon": f.lon, "kind": f.kind,
                       "foreign": f.foreign, "country": f.country,
                       **{name: getattr(f, name) for name in _FACILITY_FIELDS}},
    save=facility_upsert)

SOURCES = _Kind(
    noun="source", key=("serial",), known=SOURCE_CSV_COLUMNS,
    geometry=GeometryReader(("permitted_area",), source_geometry),
    columns={
        "serial": _Column("serial", model_text(_S, "serial")),
        "nuclide": _Column("nuclide", text_of(None), _REQUIRED, ""),
        "activity": _Column("activity", text_of(None), _REQUIRED, ""),
        "reference_date": _Column("reference_date", date_cell, None, None),
        "sealed": _Column("sealed", bool_cell, True),
        "device": _Column("device", model_text(_S, "device")),
        "facility": _Column("facility_code", text_of(None)),
        "mobile": _Column("mobile", bool_cell, False, False, ("permitted_area",)),
        "permitted_area": _Column("permitted_area", area, None),
        "status": _Column("status", lower, _S.Status.IN_USE),
    },
    find=lambda key: RadioactiveSource.objects.select_related("facility").filter(
        serial=key[0]).first(),
    current=lambda s: {"nuclide": s.nuclide, "activity": activity_text(s.activity_bq),
                       "reference_date": s.reference_date, "sealed": s.sealed,
                       "device": s.device, "facility_code": s.facility.code if s.facility
                       else "", "mobile": s.mobile, "permitted_area": s.permitted_area,
                       "status": s.status, "demo": s.demo},
    save=source_register)

CHEMICALS = _Kind(
    noun="chemical", key=("facility", "cas"), known=CHEMICAL_COLUMNS, geometry=None,
    columns={
        "facility": _Column("facility_code", text_of(None)),
        "cas": _Column("cas", text_of(None)),
        "name": _Column("name", model_text(_C, "name"), _REQUIRED, ""),
        "max_quantity_kg": _Column("max_quantity_kg", number, _REQUIRED, 1.0),
        "storage": _Column("storage", model_text(_C, "storage")),
    },
    find=lambda key: HazardousChemical.objects.filter(facility__code=key[0],
                                                      cas=key[1]).first(),
    current=lambda c: {"name": c.name, "max_quantity_kg": c.max_quantity_kg,
                       "storage": c.storage},
    save=chemical_upsert)


# -- one row ----------------------------------------------------------------------------------

class _Plan(NamedTuple):
    kwargs: dict[str, Any]
    shadowed: set[str]
    created: bool


def _key(kind: _Kind, values: dict, errors: list) -> tuple | None:
    key = []
    for name in kind.key:
        if blank(values.get(name)):
            errors.append((name, "required"))
            continue
        try:
            key.append(kind.columns[name].convert(values[name]))
        except ValueError as error:
            errors.append((name, str(error)))
    return tuple(key) if len(key) == len(kind.key) else None


def _take(column: _Column, values: dict, name: str, kwargs: dict, *, new: bool,
          noun: str) -> str | None:
    """Put the cell's value into ``kwargs`` (the service's arguments); the problem, if any.
    A column left out keeps an existing entry's value; an empty cell clears it."""
    value = values.get(name)
    if not blank(value):
        try:
            kwargs[column.arg] = column.convert(value)
        except ValueError as error:
            return str(error)
    elif column.empty is _REQUIRED:
        if new:
            return f"required for a new {noun}"
    elif name in values or new:
        kwargs[column.arg] = copy.copy(column.empty)
    return None


def _plan(kind: _Kind, record: Record, seen: dict[tuple, dict]) -> tuple[_Plan | None, list]:
    values, errors = record.values, list(record.errors)
    key = _key(kind, values, errors)
    if key is None:
        return None, errors
    if key in seen:
        label = key[0] if len(key) == 1 else f"{key[1]} at {key[0]}"
        return None, [*errors, (kind.key[-1], f"duplicate: {label!r} is already on "
                                              f"{where_text(seen[key])}")]
    seen[key] = record.where
    existing = kind.find(key)
    kwargs = {kind.columns[name].arg: part for name, part in zip(kind.key, key, strict=True)}
    if existing is not None:
        kwargs |= kind.current(existing)
    reported = {f for f, _ in errors}
    if "geometry" in reported and kind.geometry:
        reported |= set(kind.geometry.fields)
    shadowed: set[str] = set()
    for name, column in kind.columns.items():
        if name in kind.key:
            continue
        if name not in reported:
            problem = _take(column, values, name, kwargs, new=existing is None,
                            noun=kind.noun)
            if problem is None:
                continue
            errors.append((name, problem))
        # A bad cell: the service still checks the rest, with the stand-in if any.
        shadowed |= {name, *column.shadows}
        if column.fallback is not _NONE:
            kwargs.setdefault(column.arg, column.fallback)
    return _Plan(kwargs, shadowed, existing is None), errors


class _Refused(Exception):
    """Rolls back a row whose cells were bad once the service has checked the rest."""


def _save(kind: _Kind, plan: _Plan, errors: list, by) -> list[tuple[str, str]]:
    try:
        with transaction.atomic():
            kind.save(**plan.kwargs, by=by)
            if errors:
                raise _Refused
    except _Refused:
        pass
    except RegistryError as error:
        errors = [*errors, *((f, m) for f, m in error.problems if f not in plan.shadowed)]
    except (ValueError, DatabaseError) as error:
        errors = errors or [("row", f"not saved: {error}")]
    return errors


# -- import -----------------------------------------------------------------------------------

def _import(kind: _Kind, columns: tuple[str, ...], source, fmt: str, by) -> ImportReport:
    seen: dict[tuple, dict] = {}

    def row(record: Record) -> tuple[list, bool]:
        plan, errors = _plan(kind, record, seen)
        if plan is not None:
            errors = _save(kind, plan, errors, by)
        return errors, plan is not None and plan.created

    return records_import(source, fmt=fmt, known=kind.known, columns=columns,
                          required=kind.key, geometry=kind.geometry, row=row)


_Input = str | Path | IO | Iterable[str] | dict


def facilities_import(source: _Input, *, fmt: str = "csv", by=None) -> ImportReport:
    """Create or update facilities from a CSV (a path, a text or bytes stream, or a list of
    lines) or a GeoJSON FeatureCollection (a path, a stream, or the parsed dict).

    Each good row is saved in its own savepoint through ``facility_upsert`` (audited, as
    ``by``); a bad row is reported with its line (CSV, header = 1) or feature index (from
    0), each field at fault and the reason, and is never half saved nor stops the others.
    """
    return _import(FACILITIES, FACILITY_COLUMNS, source, fmt, by)


def sources_import(source: _Input, *, fmt: str = "csv", by=None) -> ImportReport:
    """Create or update radioactive sources (``source_register``), as ``facilities_import``;
    their facilities must be in the registry already."""
    return _import(SOURCES, SOURCE_COLUMNS, source, fmt, by)


def chemicals_import(source: _Input, *, fmt: str = "csv", by=None) -> ImportReport:
    """Create or update hazardous chemicals (``chemical_upsert``) by facility and CAS
    number, as ``facilities_import``."""
    return _import(CHEMICALS, CHEMICAL_COLUMNS, source, fmt, by)
