"""Great-circle distance and bearing against published worked examples."""

import math

import numpy as np
import pytest

from ungpho.core.geo.distance import (
    EARTH_MEAN_RADIUS_M,
    great_circle_distance_m,
    initial_bearing_deg,
)

# C. Veness, movable-type.co.uk/scripts/latlong.html: Land's End 50°03′59″N 005°42′53″W to
# John o' Groats 58°38′38″N 003°04′12″W is 968.9 km (R = 6371 km), initial bearing 009°07′11″.
LANDS_END = (50 + 3 / 60 + 59 / 3600, -(5 + 42 / 60 + 53 / 3600))
JOHN_O_GROATS = (58 + 38 / 60 + 38 / 3600, -(3 + 4 / 60 + 12 / 3600))
HOAN_KIEM_HANOI = (21.0285, 105.8542)
BEN_NGHE_HCMC = (10.7769, 106.7009)


def test_lands_end_to_john_o_groats_is_968_9_km_on_a_6371_km_sphere():
    d = great_circle_distance_m(*LANDS_END, *JOHN_O_GROATS, radius_m=6_371_000.0)
    assert d == pytest.approx(968_900.0, abs=50.0)


def test_rosetta_code_nashville_to_los_angeles_is_2887_26_km_on_a_6372_8_km_sphere():
    # rosettacode.org/wiki/Haversine_formula: BNA (36.12, -86.67) to LAX (33.94, -118.40).
    d = great_circle_distance_m(36.12, -86.67, 33.94, -118.40, radius_m=6_372_800.0)
    assert d == pytest.approx(2_887_259.95, abs=1.0)


def test_hanoi_to_ho_chi_minh_city_is_within_0_6_percent_of_the_wgs84_geodesic():
    # WGS 84 geodesic between these two points: 1,138,049.9 m (GeographicLib, Karney 2013,
    # via pyproj 3.7 Geod.inv). A mean-radius sphere overestimates this nearly north-south line
    # at 11-21°N by ~0.5 %, since the meridian's radius of curvature there is ~6,340 km.
    d = great_circle_distance_m(*HOAN_KIEM_HANOI, *BEN_NGHE_HCMC)
    assert d == pytest.approx(1_138_049.9, rel=0.006)
    assert 1_130_000 < d < 1_150_000  # "about 1,137-1,140 km as the crow flies"


def test_equator_to_pole_is_a_quarter_of_the_mean_circumference():
    assert great_circle_distance_m(0.0, 0.0, 90.0, 0.0) == pytest.approx(
        math.pi / 2 * EARTH_MEAN_RADIUS_M, rel=1e-12
    )


def test_distance_is_zero_for_one_point_and_symmetric():
    assert great_circle_distance_m(*HOAN_KIEM_HANOI, *HOAN_KIEM_HANOI) == 0.0
    there = great_circle_distance_m(*HOAN_KIEM_HANOI, *BEN_NGHE_HCMC)
    back = great_circle_distance_m(*BEN_NGHE_HCMC, *HOAN_KIEM_HANOI)
    assert there == pytest.approx(back, rel=1e-12)


def test_antipodes_are_half_the_circumference_apart_to_a_metre():
    # The haversine is ill-conditioned only here: h rounds to 1 - 1e-16, losing ~0.1 m.
    d = great_circle_distance_m(10.0, 106.0, -10.0, -74.0)
    assert d == pytest.approx(math.pi * EARTH_MEAN_RADIUS_M, abs=1.0)


def test_one_arc_minute_of_latitude_is_about_one_nautical_mile():
    assert great_circle_distance_m(21.0, 105.0, 21.0 + 1 / 60, 105.0) == pytest.approx(
        1852.0, rel=0.002
    )


def test_distance_broadcasts_over_arrays():
    lats = np.array([21.0285, 10.7769, 16.4637])
    lons = np.array([105.8542, 106.7009, 107.5909])
    d = great_circle_distance_m(lats, lons, 21.0285, 105.8542)
    assert isinstance(d, np.ndarray) and d.shape == (3,)
    assert d[0] == 0.0
    assert d[1] == pytest.approx(great_circle_distance_m(10.7769, 106.7009, 21.0285, 105.8542))


def test_scalar_input_gives_a_python_float():
    assert isinstance(great_circle_distance_m(0, 0, 0, 1), float)
    assert isinstance(initial_bearing_deg(0, 0, 0, 1), float)


def test_latitude_beyond_90_degrees_is_rejected_naming_the_field():
    with pytest.raises(ValueError, match="lat2_deg"):
        great_circle_distance_m(0.0, 0.0, 91.0, 0.0)
    with pytest.raises(ValueError, match="lat1_deg"):
        initial_bearing_deg(float("nan"), 0.0, 0.0, 0.0)


def test_initial_bearing_lands_end_to_john_o_groats_is_009_07_11():
    bearing = initial_bearing_deg(*LANDS_END, *JOHN_O_GROATS)
    assert bearing == pytest.approx(9 + 7 / 60 + 11 / 3600, abs=1 / 3600)


@pytest.mark.parametrize(
    ("lat2", "lon2", "expected_deg"),
    [(1.0, 0.0, 0.0), (0.0, 1.0, 90.0), (-1.0, 0.0, 180.0), (0.0, -1.0, 270.0)],
)
def test_initial_bearing_from_the_origin_along_the_axes(lat2, lon2, expected_deg):
    assert initial_bearing_deg(0.0, 0.0, lat2, lon2) == pytest.approx(expected_deg, abs=1e-9)


def test_initial_bearing_is_in_0_360_and_zero_for_the_same_point():
    assert initial_bearing_deg(21.0, 105.0, 21.0, 105.0) == 0.0
    bearings = initial_bearing_deg(21.0, 105.0, np.array([20.0, 22.0]), np.array([104.0, 104.0]))
    assert np.all((bearings >= 0.0) & (bearings < 360.0))


def test_hanoi_to_ho_chi_minh_city_heads_a_little_east_of_south():
    assert 170.0 < initial_bearing_deg(*HOAN_KIEM_HANOI, *BEN_NGHE_HCMC) < 180.0
