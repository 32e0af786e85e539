"""Great-circle distance and initial bearing on a spherical Earth.

A sphere of the IUGG mean radius R₁ = (2a + b)/3 = 6 371 008.8 m of the GRS 80 ellipsoid
(Moritz 2000, "Geodetic Reference System 1980", J. Geodesy 74:128-133) differs from the
WGS 84 ellipsoidal geodesic by at most ~0.5 %; that is ample for distances between a release
point and a station or a province centre. Use an ellipsoidal geodesic (GeographicLib,
Karney 2013, doi:10.1007/s00190-012-0578-z) where survey accuracy matters.

All functions take degrees, accept scalars or numpy arrays (broadcast together) and return a
``float`` for scalar input, an array otherwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_MEAN_RADIUS_M = 6_371_008.8
"""IUGG mean Earth radius R₁ [m] (Moritz 2000, GRS 80)."""

FloatOrArray = float | NDArray[np.float64]


def _radians(name: str, value_deg: ArrayLike, limit_deg: float) -> NDArray[np.float64]:
    value = np.asarray(value_deg, dtype=np.float64)
    if not np.all(np.isfinite(value)) or np.any(np.abs(value) > limit_deg):
        raise ValueError(f"{name} must be finite and within ±{limit_deg:g}°, got {value_deg!r}")
    return np.radians(value)


def _out(value: NDArray[np.float64]) -> FloatOrArray:
    return float(value) if np.ndim(value) == 0 else value


def great_circle_distance_m(
    lat1_deg: ArrayLike,
    lon1_deg: ArrayLike,
    lat2_deg: ArrayLike,
    lon2_deg: ArrayLike,
    *,
    radius_m: float = EARTH_MEAN_RADIUS_M,
) -> FloatOrArray:
    """Great-circle distance [m] between two points given in degrees, by the haversine formula.

    d = 2 R asin √(sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2))

    with latitudes φ, longitudes λ and sphere radius ``radius_m`` R [m] (default: the IUGG mean
    radius). The haversine form stays accurate for small distances (Sinnott 1984, "Virtues of
    the Haversine", Sky and Telescope 68(2):159); it loses precision only near antipodes
    (~0.1 m at 20,000 km). The argument of asin is clipped to [0, 1] against rounding.
    """
    phi1 = _radians("lat1_deg", lat1_deg, 90.0)
    phi2 = _radians("lat2_deg", lat2_deg, 90.0)
    lam1 = _radians("lon1_deg", lon1_deg, 360.0)
    lam2 = _radians("lon2_deg", lon2_deg, 360.0)
    if not radius_m > 0:
        raise ValueError(f"radius_m must be positive, got {radius_m!r}")
    h = (
        np.sin((phi2 - phi1) / 2.0) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    )
    return _out(2.0 * radius_m * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def initial_bearing_deg(
    lat1_deg: ArrayLike,
    lon1_deg: ArrayLike,
    lat2_deg: ArrayLike,
    lon2_deg: ArrayLike,
) -> FloatOrArray:
    """Initial great-circle bearing [degrees clockwise from true north, 0 ≤ θ < 360].

    θ = atan2(sin Δλ cos φ₂, cos φ₁ sin φ₂ − sin φ₁ cos φ₂ cos Δλ)

    (the forward azimuth of the spherical geodesic; C. Veness, "Calculate distance, bearing
    and more between latitude/longitude points", movable-type.co.uk/scripts/latlong.html).
    The bearing changes along the path; this is its value at the first point. It is 0 for
    coincident points.
    """
    phi1 = _radians("lat1_deg", lat1_deg, 90.0)
    phi2 = _radians("lat2_deg", lat2_deg, 90.0)
    dlam = _radians("lon2_deg", lon2_deg, 360.0) - _radians("lon1_deg", lon1_deg, 360.0)
    theta = np.arctan2(
        np.sin(dlam) * np.cos(phi2),
        np.cos(phi1) * np.sin(phi2) - np.sin(phi1) * np.cos(phi2) * np.cos(dlam),
    )
    bearing = np.degrees(theta) % 360.0
    return _out(np.where(bearing >= 360.0, 0.0, bearing))  # -1e-17 % 360 rounds to 360.0
