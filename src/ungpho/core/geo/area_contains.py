"""Whether a warning area contains a point: the check that a public message's area covers
the incident it warns about (TT 12/2023/TT-BKHCN Phụ lục VIII.II: the message names the
affected area around the place of the incident).

The area is an OASIS CAP 1.2 §3.2.4 ``area``: the union of its circles (centre lat/lon in
degrees, radius in km, WGS 84) and polygons (closed rings of (lat, lon) points). A circle
holds the points whose great-circle distance to its centre (``distance.py``, a sphere of
the IUGG mean radius) is at most its radius; a polygon holds the points inside it or on its
edge, its edges taken as straight lines in longitude/latitude (as CAP clients draw them).
Longitudes are not wrapped at ±180°: irrelevant for Vietnam (102°–118° E).

Readings (where CAP is silent): an area with neither circle nor polygon contains nothing; a
polygon with no area (fewer than three distinct points, or all on one line: under
``NO_AREA_DEG2``) contains
nothing; a point on a circle's rim or a polygon's edge is inside.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import cast

from shapely.geometry import Point, Polygon

from ungpho.core.geo.distance import great_circle_distance_m

NO_AREA_DEG2 = 1e-12
"""A polygon smaller than this [degrees²], about 0.01 m², has no area: its points lie on
one line but for rounding."""


def _coordinate(name: str, value: float, limit_deg: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or abs(value) > limit_deg:
        raise ValueError(f"{name} must be a finite number within ±{limit_deg:g}°, got "
                         f"{value!r}")
    return float(value)


def circle_contains(lat_deg: float, lon_deg: float, *, centre_lat_deg: float,
                    centre_lon_deg: float, radius_km: float) -> bool:
    """True when the point lies within ``radius_km`` [km] of the centre (great circle)."""
    if not math.isfinite(radius_km) or radius_km < 0:
        raise ValueError(f"radius_km must be a finite number ≥ 0, got {radius_km!r}")
    distance_m = great_circle_distance_m(centre_lat_deg, centre_lon_deg, lat_deg, lon_deg)
    return cast(bool, distance_m <= radius_km * 1000.0)  # a float distance for one point


def polygon_contains(lat_deg: float, lon_deg: float,
                     points: Sequence[Sequence[float]]) -> bool:
    """True when the point lies inside or on the edge of the polygon of (lat, lon) points."""
    ring = [(_coordinate("polygon longitude", p[1], 180.0),
             _coordinate("polygon latitude", p[0], 90.0)) for p in points]
    if len(set(ring)) < 3:
        return False
    polygon = Polygon(ring)
    if polygon.area < NO_AREA_DEG2:
        return False
    return polygon.covers(Point(lon_deg, lat_deg))


def area_contains(lat_deg: float, lon_deg: float, *,
                  circles: Iterable[Sequence[float]] = (),
                  polygons: Iterable[Sequence[Sequence[float]]] = ()) -> bool:
    """True when the point lies in one of the ``circles`` ((lat, lon, radius_km)) or
    ``polygons`` (rings of (lat, lon)) of a CAP area (module docstring). A point that is
    not a finite latitude/longitude raises ``ValueError``."""
    lat_deg = _coordinate("latitude", lat_deg, 90.0)
    lon_deg = _coordinate("longitude", lon_deg, 180.0)
    return any(circle_contains(lat_deg, lon_deg, centre_lat_deg=c[0], centre_lon_deg=c[1],
                               radius_km=c[2]) for c in circles) or \
        any(polygon_contains(lat_deg, lon_deg, p) for p in polygons)
