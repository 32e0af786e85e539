"""Cells of the risk registry's files read into the services' values, each raising
ValueError with the reason (``ungpho.preparedness.registry.file_import``).

Sources: ISO 8601 (dates YYYY-MM-DD); RFC 7946 §3.1.6 (Polygon, MultiPolygon in lon/lat);
OGC Simple Features validity (shapely ``is_valid``); TT 12/2023/TT-BKHCN Phụ lục IV (the
zones PAZ, UPZ, EPD, ICPD).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.validation import explain_validity

from ungpho.core.formats.registry_file import number, text_of
from ungpho.core.rules.zones import ZONES
from ungpho.core.validate import Invalid, date_checked, json_loads

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
AREAS = ("Polygon", "MultiPolygon")


def model_text(model, name: str):
    return text_of(model._meta.get_field(name).max_length)


def code_cell(value: Any) -> str:
    code = str(value).strip()
    if not _SLUG.fullmatch(code) or len(code) > 40:
        raise ValueError(f"{code!r}: letters, digits, '-' and '_' only, at most 40")
    return code


def upper(value: Any) -> str:
    return str(value).strip().upper()


def province_code(value: Any) -> str:
    code = str(value).strip()
    return code.zfill(2) if code.isdigit() else code  # spreadsheets drop the leading zero


def date_cell(value: Any) -> dt.date:
    text = str(value).strip()
    if not _DATE.fullmatch(text):
        raise ValueError(f"not a date YYYY-MM-DD: {value!r}")
    try:
        return date_checked(dt.date.fromisoformat(text), field="")
    except Invalid as error:
        raise ValueError(error.message) from None
    except ValueError as error:
        raise ValueError(f"not a date: {value!r} ({error})") from None


def bool_cell(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValueError(f"not true or false: {value!r}")


def zone_radii(value: Any) -> dict[str, float]:
    if isinstance(value, str):
        pairs = []
        for k, part in enumerate((p.strip() for p in value.split(";") if p.strip()), 1):
            zone, equals, km = part.partition("=")
            if not equals:
                raise ValueError(f"entry {k} {part!r}: not ZONE=KM (e.g. PAZ=3; UPZ=30)")
            pairs.append((zone.strip(), km.strip()))
    elif isinstance(value, dict):
        pairs = list(value.items())
    else:
        raise ValueError("must be ZONE=KM; … or an object")
    radii: dict[str, float] = {}
    for zone, km in pairs:
        if zone not in ZONES:
            raise ValueError(f"unknown zone {zone!r}; allowed: {', '.join(ZONES)}")
        if zone in radii:
            raise ValueError(f"{zone} appears twice")
        radius = number(km)
        if radius <= 0:
            raise ValueError(f"{zone}: must be above 0 km, got {radius:g}")
        radii[zone] = radius
    return radii


def area(value: Any) -> dict:
    """A GeoJSON Polygon or MultiPolygon in lon/lat (RFC 7946 §3.1.6), valid (OGC SFA)."""
    if isinstance(value, str):
        try:
            value = json_loads(value, field="area")
        except Invalid as error:
            raise ValueError(f"not GeoJSON: {error.message}") from None
    kind = value.get("type") if isinstance(value, dict) else type(value).__name__
    if kind not in AREAS:
        raise ValueError(f"must be a GeoJSON Polygon or MultiPolygon (lon/lat), got {kind!r}")
    try:
        geometry = shape(value)
    except (ShapelyError, ValueError, TypeError, IndexError, KeyError, AttributeError) as error:
        raise ValueError(f"not a {kind}: {error}") from None
    if geometry.is_empty:
        raise ValueError(f"an empty {kind}")
    if not geometry.is_valid:
        raise ValueError(f"not a valid {kind}: {explain_validity(geometry)}")
    lon_min, lat_min, lon_max, lat_max = geometry.bounds
    if not (lon_min >= -180 and lon_max <= 180 and lat_min >= -90 and lat_max <= 90):
        raise ValueError("positions must be [lon, lat] in degrees")
    return {"type": kind, "coordinates": value["coordinates"]}


def source_geometry(geometry: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A Polygon or MultiPolygon is the permitted area; a Point (the facility's) or null:
    none."""
    if geometry is None or isinstance(geometry, dict) and geometry.get("type") == "Point":
        return {"permitted_area": None}, []
    if isinstance(geometry, dict) and geometry.get("type") in AREAS:
        return {"permitted_area": geometry}, []
    return {}, [("geometry", "must be the permitted area (Polygon or MultiPolygon), the "
                             "facility's Point, or null (RFC 7946)")]
