"""Vietnam's 34 provincial-level units in force since 2025-07-01, and point-in-province lookup.

Nghị quyết 202/2025/QH15 (12/6/2025) merged the 63 former provinces into 34 units (28 tỉnh,
6 thành phố). The polygons are the former provinces of Natural Earth 10 m admin-1 dissolved by
that resolution, simplified; they are *not* legal boundaries and are known to be off by up to a
few kilometres (more in the north-west, see ``ungpho/geo/data/PROVENANCE.md``). The islands of
the Hoàng Sa archipelago (đặc khu Hoàng Sa) are parts of Thành phố Đà Nẵng and those of the
Trường Sa archipelago (đặc khu Trường Sa) parts of Tỉnh Khánh Hòa (Luật Biển Việt Nam 2012
Điều 1), drawn from GSHHG shorelines. Codes are those of Quyết định 19/2025/QĐ-TTg. The data are
package data built by ``scripts/build_provinces.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from ungpho.core.geo.distance import great_circle_distance_m

DATA_PACKAGE = "ungpho.geo"
DATA_FILE = ("data", "provinces_2025.geojson")
SHORE_TOLERANCE_M = 2_000
"""A point this close to a unit [m] belongs to it: the simplified coast and the small islands
of Hoàng Sa and Trường Sa are drawn to within ~1-2 km (see PROVENANCE.md)."""


@dataclass(frozen=True)
class Province:
    """One provincial-level unit (tỉnh or thành phố trực thuộc trung ương)."""

    code: str
    """Two-digit code of Quyết định 19/2025/QĐ-TTg, e.g. "01" for Hà Nội."""
    name_vi: str
    """Full Vietnamese name, e.g. "Thành phố Hà Nội", "Tỉnh Tuyên Quang"."""
    name_en: str
    """English name without diacritics, e.g. "Ha Noi City", "Tuyen Quang Province"."""
    kind: str
    """"city" (thành phố trực thuộc trung ương) or "province" (tỉnh)."""
    centre_vi: str
    """Where the provincial political-administrative centre is (former provincial capital)."""
    centre_lat: float
    centre_lon: float
    former: tuple[str, ...]
    """Former provinces merged into it (short Vietnamese names), its namesake first."""
    population: int
    """Persons; Nghị quyết 202/2025/QH15 for merged units (see PROVENANCE.md for the rest)."""
    area_km2: float
    """Official natural area [km²] (not the polygon's area)."""
    geometry: BaseGeometry = field(repr=False, compare=False)
    """MultiPolygon, longitude/latitude WGS 84."""
    short_name_vi: str = ""
    """E.g. "Hà Nội"."""
    short_name_en: str = ""
    """E.g. "Ha Noi"."""


def _province(feature: dict[str, Any]) -> Province:
    p = feature["properties"]
    return Province(
        code=p["code"],
        name_vi=p["name_vi"],
        name_en=p["name_en"],
        kind=p["kind"],
        centre_vi=p["centre_vi"],
        centre_lat=float(p["centre_lat"]),
        centre_lon=float(p["centre_lon"]),
        former=tuple(p["former"]),
        population=int(p["population"]),
        area_km2=float(p["area_km2"]),
        geometry=shape(feature["geometry"]),
        short_name_vi=p["short_name_vi"],
        short_name_en=p["short_name_en"],
    )


@lru_cache(maxsize=1)
def load_provinces() -> tuple[Province, ...]:
    """The 34 units, sorted by code, read once from the package data."""
    resource = files(DATA_PACKAGE).joinpath(*DATA_FILE)
    collection = json.loads(resource.read_text(encoding="utf-8"))
    return tuple(sorted((_province(f) for f in collection["features"]), key=lambda p: p.code))


@lru_cache(maxsize=1)
def _index() -> shapely.STRtree:
    return shapely.STRtree([p.geometry for p in load_provinces()])


def province_at(lat_deg: float, lon_deg: float, *, max_distance_m: float = 0.0) -> Province | None:
    """The unit whose polygon contains the point, else None (sea, abroad, or a gap).

    A point on a shared border belongs to the unit with the lower code. Points at sea are None
    unless ``max_distance_m`` > 0: then a point outside every polygon gets the unit nearest to
    it if that is within ``max_distance_m`` [m] — for coastal stations and incidents just off
    the simplified coast. The nearest polygon and its nearest point are found in longitude/
    latitude degrees and the distance to that point is great-circle; at Vietnam's latitudes
    (8-24°N) this can pick a neighbour only when two units are almost equally near. The small
    islands of Hoàng Sa and Trường Sa are drawn up to ~1 km from their published positions
    (GSHHG draws Trường Sa Lớn 1.1 km south of the published 8°38′39″N 111°55′14″E): give
    ``max_distance_m`` for a point reported on one of them.
    """
    if not (-90.0 <= lat_deg <= 90.0) or not (-180.0 <= lon_deg <= 180.0):
        raise ValueError(f"lat_deg/lon_deg out of range: {lat_deg!r}, {lon_deg!r}")
    provinces, tree, point = load_provinces(), _index(), Point(lon_deg, lat_deg)
    hits = tree.query(point, predicate="intersects")
    if len(hits):
        return provinces[int(min(hits))]
    if max_distance_m <= 0.0:
        return None
    nearest = provinces[int(tree.query_nearest(point, all_matches=False)[0])]
    on_edge = nearest_points(nearest.geometry, point)[0]
    distance_m = great_circle_distance_m(lat_deg, lon_deg, on_edge.y, on_edge.x)
    return nearest if distance_m <= max_distance_m else None
