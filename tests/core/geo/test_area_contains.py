"""Whether a CAP area (circles and polygons) contains a point: great-circle distance for a
circle, point in polygon (edge included) for a polygon; empty and degenerate areas contain
nothing; a point that is not a finite latitude/longitude is refused."""

import math

import pytest

from ungpho.core.geo.area_contains import area_contains, circle_contains, polygon_contains
from ungpho.core.geo.distance import great_circle_distance_m

#: The demo's Ir-192 camera: its yard at Đình Vũ and its last tracker fix, ~7 km apart.
YARD = (20.8470, 106.7420)
LAST_FIX = (20.896, 106.683)
SQUARE = [(20.80, 106.66), (20.80, 106.80), (20.88, 106.80), (20.88, 106.66), (20.80, 106.66)]


def test_a_30_m_cordon_around_the_yard_does_not_contain_the_last_fix_km_away():
    assert not area_contains(*LAST_FIX, circles=[(*YARD, 0.03)])
    assert area_contains(*LAST_FIX, circles=[(*LAST_FIX, 0.03)])


def test_a_circle_holds_the_points_at_most_its_radius_away():
    distance_km = great_circle_distance_m(*YARD, *LAST_FIX) / 1000
    assert circle_contains(*LAST_FIX, centre_lat_deg=YARD[0], centre_lon_deg=YARD[1],
                           radius_km=distance_km * (1 + 1e-9))
    assert not circle_contains(*LAST_FIX, centre_lat_deg=YARD[0], centre_lon_deg=YARD[1],
                               radius_km=distance_km * (1 - 1e-6))


def test_a_circle_of_radius_zero_holds_its_centre_only():
    assert circle_contains(*YARD, centre_lat_deg=YARD[0], centre_lon_deg=YARD[1], radius_km=0)
    assert not circle_contains(20.8471, 106.7420, centre_lat_deg=YARD[0],
                               centre_lon_deg=YARD[1], radius_km=0)


def test_a_1_km_circle_holds_a_point_900_m_north_not_1100_m():
    north_deg = 1 / 111.195  # 1 km of latitude on the IUGG sphere
    assert area_contains(YARD[0] + 0.9 * north_deg, YARD[1], circles=[(*YARD, 1.0)])
    assert not area_contains(YARD[0] + 1.1 * north_deg, YARD[1], circles=[(*YARD, 1.0)])


def test_a_polygon_holds_its_inside_and_its_edge_not_the_outside():
    assert polygon_contains(*YARD, SQUARE)
    assert polygon_contains(20.80, 106.70, SQUARE)  # on the southern edge
    assert polygon_contains(20.88, 106.80, SQUARE)  # a vertex
    assert not polygon_contains(*LAST_FIX, SQUARE)  # north of it


def test_a_concave_polygon_leaves_out_its_notch():
    notched = [(0, 0), (0, 4), (4, 4), (4, 3), (1, 3), (1, 1), (4, 1), (4, 0), (0, 0)]
    assert polygon_contains(0.5, 2, notched)
    assert not polygon_contains(2, 2, notched)  # in the notch


def test_the_area_is_the_union_of_its_circles_and_polygons():
    assert area_contains(*LAST_FIX, circles=[(*LAST_FIX, 0.03)], polygons=[SQUARE])
    assert area_contains(*YARD, circles=[(*LAST_FIX, 0.03)], polygons=[SQUARE])
    assert not area_contains(10.0, 106.0, circles=[(*LAST_FIX, 0.03)], polygons=[SQUARE])


@pytest.mark.parametrize("polygon", [
    [],
    [(20.8, 106.7), (20.8, 106.7), (20.8, 106.7), (20.8, 106.7)],  # one point
    [(20.8, 106.7), (20.9, 106.7), (20.8, 106.7), (20.8, 106.7)],  # two points
    [(20.8, 106.7), (20.85, 106.75), (20.9, 106.8), (20.8, 106.7)],  # on one line
], ids=["empty", "one point", "two points", "collinear"])
def test_a_degenerate_polygon_contains_nothing_not_even_its_points(polygon):
    assert not polygon_contains(20.8, 106.7, polygon)
    assert not polygon_contains(20.85, 106.75, polygon)


def test_an_area_with_no_shape_contains_nothing():
    assert not area_contains(*YARD)
    assert not area_contains(*YARD, circles=[], polygons=[])


@pytest.mark.parametrize("lat, lon", [(math.nan, 106.7), (20.8, math.nan), (math.inf, 106.7),
                                      (91.0, 106.7), (20.8, 181.0), (True, 106.7)])
def test_a_point_that_is_not_a_latitude_and_longitude_is_refused_by_name(lat, lon):
    with pytest.raises(ValueError, match="latitude|longitude"):
        area_contains(lat, lon, circles=[(*YARD, 1.0)])


def test_a_nan_radius_or_vertex_is_refused_not_read_as_outside():
    with pytest.raises(ValueError, match="radius_km"):
        area_contains(*YARD, circles=[(*YARD, math.nan)])
    with pytest.raises(ValueError, match="polygon latitude"):
        area_contains(*YARD, polygons=[[(math.nan, 106.7), *SQUARE[1:]]])
