"""Emergency planning zones as geometry, and which provinces and how many people lie inside.

Thông tư 12/2023/TT-BKHCN, Phụ lục IV, sizes the zones around a facility (PAZ, UPZ, EPD,
ICPD) as radii around its release point or its site boundary. This module draws those zones
on a sphere of radius ``EARTH_MEAN_RADIUS_M`` (see ``distance.py``; ≤ 0.5 % from WGS 84),
measures areas on that sphere, and overlays a zone on the 34 provinces of Nghị quyết
202/2025/QH15 (``provinces.py``) to estimate the people inside.

Geometries are shapely objects in longitude/latitude degrees (x = lon, y = lat), as in
``provinces.py``. Longitudes are kept continuous (a circle near the antimeridian may go past
±180°); geometries crossing the antimeridian or containing a pole are not supported, which
does not matter for Vietnam. All computations use numpy; no projection library is needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from ungpho.core.geo.distance import EARTH_MEAN_RADIUS_M
from ungpho.core.geo.provinces import load_provinces

MAX_RADIUS_M = 1_000_000.0
"""Largest zone radius accepted [m]; the ICPD of Phụ lục IV is at most 300 km."""

_M_PER_DEG = EARTH_MEAN_RADIUS_M * math.pi / 180.0
"""Length of one degree of great circle (a degree of latitude) on the sphere [m]."""

POPULATION_METHOD = (
    "Mật độ đều theo diện tích: dân số mỗi tỉnh × tỷ lệ diện tích của tỉnh nằm trong vùng "
    "(diện tích tính trên mặt cầu, ranh giới tỉnh gần đúng theo Natural Earth, không phải ranh "
    "giới pháp lý) / area-weighted uniform density: each province's population × the share of "
    "its area inside the zone (areas on the sphere; approximate Natural Earth province "
    "polygons, not legal boundaries); populations: Nghị quyết 202/2025/QH15 and the "
    "Government's Đề án (administrative counts)."
)
"""Bilingual statement of how ``zone_population`` estimates people."""

POPULATION_SOURCE = (
    "Quy mô dân số của Nghị quyết 202/2025/QH15, Điều 1 (23 tỉnh, thành hợp nhất) và số liệu "
    "Đề án của Chính phủ theo nguồn thứ cấp (11 tỉnh, thành không hợp nhất); số đăng ký hành "
    "chính (thường trú và tạm trú), tổng 113.504.320 người / population of Nghị quyết "
    "202/2025/QH15, Article 1 (23 merged units) and the Government's Đề án figures from "
    "secondary publications (11 units not merged); administrative counts (permanent plus "
    "temporary residents), 113,504,320 in all — see ungpho/geo/data/PROVENANCE.md."
)
"""Where the province populations used by ``zone_population`` come from."""


# --------------------------------------------------------------------------- circles


def _check_radius(radius_m: float) -> float:
    radius = float(radius_m)
    if not (math.isfinite(radius) and 0.0 < radius <= MAX_RADIUS_M):
        raise ValueError(f"radius_m must be > 0 and ≤ {MAX_RADIUS_M:,.0f} m, got {radius_m!r}")
    return radius


def _check_segments(segments: int) -> int:
    if isinstance(segments, bool) or int(segments) != segments or segments < 8:
        raise ValueError(f"segments must be an integer ≥ 8, got {segments!r}")
    return int(segments)


def _circle_rings(
    lat_deg: NDArray[np.float64], lon_deg: NDArray[np.float64], radius_m: float, segments: int
) -> NDArray[np.float64]:
    """(n, segments, 2) lon/lat vertices of the circles of ``radius_m`` around n centres."""
    if np.any(~np.isfinite(lat_deg)) or np.any(np.abs(lat_deg) > 90.0):
        raise ValueError(f"lat_deg must be finite and within ±90°, got {lat_deg!r}")
    if np.any(~np.isfinite(lon_deg)) or np.any(np.abs(lon_deg) > 360.0):
        raise ValueError(f"lon_deg must be finite and within ±360°, got {lon_deg!r}")
    delta = radius_m / EARTH_MEAN_RADIUS_M  # angular radius [rad]
    if np.any(np.abs(lat_deg) + math.degrees(delta) >= 90.0):
        raise ValueError("the zone would contain a pole; not supported")
    phi1 = np.radians(lat_deg)[:, None]
    lam1 = np.radians(lon_deg)[:, None]
    # Bearings counter-clockwise seen from above (RFC 7946 exterior orientation): θ = 2π − ...
    theta = 2.0 * np.pi - np.arange(segments) * (2.0 * np.pi / segments)
    sin_phi2 = np.sin(phi1) * np.cos(delta) + np.cos(phi1) * np.sin(delta) * np.cos(theta)
    phi2 = np.arcsin(np.clip(sin_phi2, -1.0, 1.0))
    lam2 = lam1 + np.arctan2(
        np.sin(theta) * np.sin(delta) * np.cos(phi1), np.cos(delta) - np.sin(phi1) * sin_phi2
    )
    return np.stack([np.degrees(lam2), np.degrees(phi2)], axis=-1)


def zone_circle(lat_deg: float, lon_deg: float, radius_m: float, *, segments: int = 128) -> Polygon:
    """The zone of radius ``radius_m`` [m] around a point, as a lon/lat polygon.

    Its ``segments`` vertices are the destination points at great-circle distance
    ``radius_m`` from (``lat_deg``, ``lon_deg``) on bearings θ evenly spaced over 360°:

        φ₂ = asin(sin φ₁ cos δ + cos φ₁ sin δ cos θ)
        λ₂ = λ₁ + atan2(sin θ sin δ cos φ₁, cos δ − sin φ₁ sin φ₂)

    with angular distance δ = radius_m / R, R = ``EARTH_MEAN_RADIUS_M`` (C. Veness, "Calculate
    distance, bearing and more between latitude/longitude points", "Destination point given
    distance and bearing from start point", movable-type.co.uk/scripts/latlong.html). The
    formula is exact on the sphere at any distance, so it serves radii up to the 300 km of an
    ICPD. The polygon is inscribed in the true circle: with 128 segments its edges lie at
    least R·(1 − cos(π/128)) ≈ 0.03 % of the radius inside it, and its area is 0.04 % below the
    spherical cap's 2πR²(1 − cos δ).

    Raises ValueError unless 0 < ``radius_m`` ≤ 1,000 km, ``segments`` ≥ 8 and the circle
    leaves both poles outside.
    """
    radius = _check_radius(radius_m)
    n = _check_segments(segments)
    ring = _circle_rings(
        np.array([lat_deg], dtype=float), np.array([lon_deg], dtype=float), radius, n
    )[0]
    return Polygon(ring)


def _max_edge_deg(radius_m: float) -> float:
    """Longest lon/lat edge [degrees] whose ground length is surely ≤ radius_m / 4.

    A segment of length L in the lon/lat plane is at most L degrees of great circle long
    (a degree of longitude is shorter than one of latitude), i.e. ≤ L · πR/180 metres.
    """
    return radius_m / 4.0 / _M_PER_DEG


def zone_around(
    boundary_or_point: BaseGeometry, radius_m: float, *, segments: int = 128
) -> Polygon | MultiPolygon:
    """The zone of radius ``radius_m`` [m] around a release point or a site boundary.

    ``boundary_or_point`` is a shapely ``Point`` (x = lon, y = lat) or a site boundary
    ``Polygon``/``MultiPolygon`` in lon/lat degrees. For a point the zone is
    ``zone_circle(lat, lon, radius_m)``. For a boundary it is the set of points within
    great-circle distance ``radius_m`` of the site, approximated as the union of the site
    polygon and a ``zone_circle`` around every vertex of its rings, after densifying the rings
    (``shapely.segmentize``) so that no edge is longer than ``radius_m``/4 on the ground.

    Approximation: two neighbouring discs of radius r whose centres are s ≤ r/4 apart cover,
    across the middle of their edge, a distance √(r² − s²/4) ≥ r·√(1 − 1/64) ≈ 0.992 r. So the
    zone's outer edge lies between 0.992 r (worst, at edge midpoints; together with the
    0.03 % of the circles' polygons) and r from the site: it never reaches further than
    ``radius_m`` and falls short by at most 0.8 % of it. Its area is a little less than the
    exact buffer's (A + P·r + πr² for a convex site of area A and perimeter P, Steiner's
    formula in the plane): by well under 1 % for the zones of Phụ lục IV.

    Raises ValueError for an invalid radius, an empty geometry or another geometry type.
    """
    radius = _check_radius(radius_m)
    n = _check_segments(segments)
    geom = boundary_or_point
    if not isinstance(geom, Point | Polygon | MultiPolygon):
        raise ValueError(
            "boundary_or_point must be a shapely Point, Polygon or MultiPolygon (lon/lat), "
            f"got {type(geom).__name__}"
        )
    if geom.is_empty:
        raise ValueError("boundary_or_point is empty")
    if isinstance(geom, Point):
        return zone_circle(geom.y, geom.x, radius, segments=n)
    rings = shapely.segmentize(geom.boundary, _max_edge_deg(radius))
    vertices = np.unique(shapely.get_coordinates(rings), axis=0)
    circles = shapely.polygons(_circle_rings(vertices[:, 1], vertices[:, 0], radius, n))
    zone = shapely.union_all(np.concatenate([circles, [shapely.make_valid(geom)]]))
    return zone


# --------------------------------------------------------------------------- areas


def _ring_signed_area_m2(coords: NDArray[np.float64]) -> float:
    """Signed area [m²] of a closed lon/lat ring on the sphere (counter-clockwise > 0).

    Green's theorem with the area element R² cos φ dφ dλ gives A = R² ∮ sin φ dλ. Along an edge
    straight in the lon/lat plane (φ linear in λ, as shapely's geometry has it) the integral is
    exactly Δλ (cos φ₁ − cos φ₂)/(φ₂ − φ₁) = Δλ sin φₘ · sin(Δφ/2)/(Δφ/2), with
    φₘ = (φ₁ + φ₂)/2; the second form stays accurate when Δφ → 0.
    """
    lam = np.radians(coords[:, 0])
    phi = np.radians(coords[:, 1])
    dlam = np.diff(lam)
    dphi = np.diff(phi)
    phi_m = 0.5 * (phi[1:] + phi[:-1])
    integral = np.sum(dlam * np.sin(phi_m) * np.sinc(dphi / (2.0 * np.pi)))
    # Green: ∮ sin φ dλ = −∬ cos φ dφ dλ over the region a counter-clockwise ring encloses.
    return float(-integral * EARTH_MEAN_RADIUS_M**2)


def area_m2(geometry: BaseGeometry) -> float:
    """Area [m²] on the sphere of a lon/lat ``Polygon``/``MultiPolygon`` (else of its polygons).

    Each ring's area is the line integral A = R² |∮ sin φ dλ| (Green's theorem on the sphere,
    area element R² cos φ dφ dλ; the same integral as the well-known approximation of
    Chamberlain & Duquette 2007, "Some algorithms for polygons on a sphere", JPL Publication
    07-03, but integrated exactly for edges that are straight in longitude/latitude, which is
    how shapely draws them). A polygon's area is its exterior's minus its holes'; a
    multipolygon's is the sum over its parts. R = ``EARTH_MEAN_RADIUS_M``: on WGS 84 at
    Vietnam's latitudes areas are ~0.3-0.4 % smaller. Lines, points and empty geometries have area
    0. The polygon must neither contain a pole nor cross the antimeridian.
    """
    total = 0.0
    for polygon in shapely.get_parts(geometry):
        if not isinstance(polygon, Polygon):
            if hasattr(polygon, "geoms"):  # a collection nested in a collection
                total += area_m2(polygon)
            continue
        if polygon.is_empty:
            continue
        total += abs(_ring_signed_area_m2(np.asarray(polygon.exterior.coords)))
        for hole in polygon.interiors:
            total -= abs(_ring_signed_area_m2(np.asarray(hole.coords)))
    return total


# --------------------------------------------------------------------------- population


class ZoneProvince(NamedTuple):
    """One province's share of a zone."""

    code: str
    """Two-digit code (Quyết định 19/2025/QĐ-TTg)."""
    name_vi: str
    name_en: str
    area_inside_km2: float
    """Area of the province polygon inside the zone, on the sphere [km²]."""
    fraction_of_province: float
    """area_inside / area of the province polygon (both by ``area_m2``), 0 < f ≤ 1."""
    people: int
    """round(population × fraction_of_province)."""


@dataclass(frozen=True)
class ZonePopulation:
    """Provinces and people inside a zone (area-weighted uniform density)."""

    provinces: tuple[ZoneProvince, ...]
    """Provinces overlapping the zone with positive area, most people first (ties by code)."""
    people_total: int
    """Sum of ``people`` over ``provinces``."""
    method: str = POPULATION_METHOD
    source: str = POPULATION_SOURCE


@lru_cache(maxsize=1)
def _province_index() -> tuple[shapely.STRtree, tuple[float, ...]]:
    provinces = load_provinces()
    geometries = [p.geometry for p in provinces]
    for g in geometries:
        shapely.prepare(g)
    return shapely.STRtree(geometries), tuple(area_m2(g) for g in geometries)


def zone_population(geometry: BaseGeometry) -> ZonePopulation:
    """Which provinces a zone covers and an estimate of the people living inside.

    ``geometry`` is a lon/lat polygon or multipolygon, e.g. from ``zone_around``. For every
    province whose polygon overlaps it with positive area (found with an STRtree of the
    province polygons),

        people = round(population × area_inside / area_province)

    with both areas by ``area_m2`` on the province polygon (not the official ``area_km2``), i.e.
    a uniform density over each province. This is a screening estimate: real density is far
    from uniform (cities, coasts, mountains), and the polygons are not legal boundaries.
    Parts of the zone at sea, abroad, or on islands missing from the data count nobody; a zone
    entirely there gives no provinces and 0 people. The islands of Hoàng Sa and Trường Sa get
    Đà Nẵng's and Khánh Hòa's density like the rest of those units.
    """
    if not isinstance(geometry, BaseGeometry):
        raise ValueError(f"geometry must be a shapely geometry, got {type(geometry).__name__}")
    provinces = load_provinces()
    tree, areas = _province_index()
    rows: list[ZoneProvince] = []
    if not geometry.is_empty:
        shapely.prepare(geometry)
        for i in tree.query(geometry, predicate="intersects"):
            province = provinces[int(i)]
            if geometry.contains(province.geometry):
                inside_m2 = areas[int(i)]
            else:
                inside_m2 = area_m2(shapely.intersection(geometry, province.geometry))
            if inside_m2 <= 0.0:
                continue  # touches along a line or at a point
            fraction = min(1.0, inside_m2 / areas[int(i)])
            rows.append(
                ZoneProvince(
                    code=province.code,
                    name_vi=province.name_vi,
                    name_en=province.name_en,
                    area_inside_km2=inside_m2 / 1e6,
                    fraction_of_province=fraction,
                    people=round(province.population * fraction),
                )
            )
    rows.sort(key=lambda r: (-r.people, r.code))
    return ZonePopulation(provinces=tuple(rows), people_total=sum(r.people for r in rows))
