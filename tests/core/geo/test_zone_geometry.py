"""Emergency zone geometry (TT 12/2023/TT-BKHCN Phụ lục IV) and the people inside a zone."""

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from ungpho.core.geo.distance import EARTH_MEAN_RADIUS_M as R
from ungpho.core.geo.distance import great_circle_distance_m
from ungpho.core.geo.provinces import load_provinces
from ungpho.core.geo.zone_geometry import (
    ZonePopulation,
    area_m2,
    zone_around,
    zone_circle,
    zone_population,
)

M_PER_DEG = R * math.pi / 180.0
HANOI_CENTRE = (21.0285, 105.8542)  # Hoàn Kiếm
MONG_CAI = (21.52, 107.97)
HANOI_BAC_NINH_BORDER = (21.1474, 105.9230)  # a point on the shared border of 01 and 24


def by_code():
    return {p.code: p for p in load_provinces()}


def cap_area_m2(radius_m: float) -> float:
    return 2.0 * math.pi * R**2 * (1.0 - math.cos(radius_m / R))


def square_site(lat_deg: float, lon_deg: float, side_m: float) -> Polygon:
    half_lat = side_m / 2.0 / M_PER_DEG
    half_lon = half_lat / math.cos(math.radians(lat_deg))
    return box(lon_deg - half_lon, lat_deg - half_lat, lon_deg + half_lon, lat_deg + half_lat)


def local_metres(geom, lat0_deg: float, lon0_deg: float):
    """Equirectangular projection about (lat0, lon0) [m]; fine over a few tens of km."""
    k = math.cos(math.radians(lat0_deg))
    return shapely.transform(
        geom,
        lambda xy: np.column_stack([(xy[:, 0] - lon0_deg) * k, xy[:, 1] - lat0_deg]) * M_PER_DEG,
    )


# ---------------------------------------------------------------- zone_circle


@pytest.mark.parametrize("radius_m", [3_000.0, 30_000.0, 300_000.0])
def test_circle_vertices_lie_at_the_radius_from_the_centre(radius_m):
    lat, lon = 16.0, 108.0
    circle = zone_circle(lat, lon, radius_m)
    xy = np.asarray(circle.exterior.coords)[:-1]
    assert len(xy) == 128
    d = great_circle_distance_m(lat, lon, xy[:, 1], xy[:, 0])
    np.testing.assert_allclose(d, radius_m, rtol=1e-9)
    assert circle.is_valid and circle.exterior.is_ccw


def test_circle_segments_sets_the_number_of_vertices():
    assert len(zone_circle(16.0, 108.0, 5_000.0, segments=16).exterior.coords) == 17


@pytest.mark.parametrize("radius_m", [0.0, -1.0, 1_000_000.1, math.nan, math.inf])
def test_circle_radius_outside_zero_to_1000_km_is_refused_naming_radius_m(radius_m):
    with pytest.raises(ValueError, match="radius_m"):
        zone_circle(16.0, 108.0, radius_m)
    with pytest.raises(ValueError, match="radius_m"):
        zone_around(Point(108.0, 16.0), radius_m)


def test_circle_of_1000_km_is_accepted():
    assert zone_circle(16.0, 108.0, 1_000_000.0).is_valid


def test_too_few_segments_are_refused():
    with pytest.raises(ValueError, match="segments"):
        zone_circle(16.0, 108.0, 5_000.0, segments=3)


# ---------------------------------------------------------------- area_m2


@pytest.mark.parametrize("radius_m", [30_000.0, 300_000.0])
def test_circle_area_matches_the_spherical_cap_within_half_a_percent(radius_m):
    assert area_m2(zone_circle(16.0, 108.0, radius_m)) == pytest.approx(
        cap_area_m2(radius_m), rel=0.005
    )


def test_area_of_a_one_degree_cell_is_exact():
    # Meridians and parallels are straight in lon/lat: A = R² Δλ (sin φ₂ − sin φ₁).
    cell = box(105.0, 20.0, 106.0, 21.0)
    exact = R**2 * math.radians(1.0) * (math.sin(math.radians(21.0)) - math.sin(math.radians(20.0)))
    assert area_m2(cell) == pytest.approx(exact, rel=1e-12)
    assert area_m2(cell.reverse()) == pytest.approx(exact, rel=1e-12)


def test_area_subtracts_holes_and_adds_parts():
    outer, inner = box(105.0, 20.0, 106.0, 21.0), box(105.25, 20.25, 105.75, 20.75)
    holed = Polygon(outer.exterior.coords, [inner.exterior.coords])
    assert area_m2(holed) == pytest.approx(area_m2(outer) - area_m2(inner), rel=1e-12)
    assert area_m2(MultiPolygon([outer, box(107.0, 20.0, 108.0, 21.0)])) == pytest.approx(
        area_m2(outer) + area_m2(box(107.0, 20.0, 108.0, 21.0)), rel=1e-12
    )
    assert area_m2(Point(105.0, 20.0)) == 0.0
    assert area_m2(Polygon()) == 0.0


def test_province_areas_sum_to_the_documented_polygon_total_within_1_percent():
    # PROVENANCE.md: total area_km2_polygon (WGS 84 ellipsoid) 329,167 km².
    total_km2 = sum(area_m2(p.geometry) for p in load_provinces()) / 1e6
    assert total_km2 == pytest.approx(329_167.0, rel=0.01)


# ---------------------------------------------------------------- zone_around


def test_zone_around_a_point_is_the_circle():
    zone = zone_around(Point(HANOI_CENTRE[1], HANOI_CENTRE[0]), 5_000.0)
    assert zone.equals_exact(zone_circle(*HANOI_CENTRE, 5_000.0), 0.0)


def test_zone_around_a_large_site_contains_it_and_reaches_the_radius_from_its_edge():
    lat, lon, side_m, radius_m = 16.0, 108.0, 20_000.0, 3_000.0
    site = square_site(lat, lon, side_m)
    zone = zone_around(site, radius_m)
    assert zone.is_valid and zone.contains(site)
    # Outer edge between 0.992 r and r from the site (docstring), allowing 0.2 % for the
    # local projection used to measure it.
    site_m = local_metres(site, lat, lon)
    edge = shapely.points(shapely.get_coordinates(local_metres(zone.exterior, lat, lon)))
    d = shapely.distance(site_m, edge)
    assert d.min() >= 0.99 * radius_m and d.max() <= 1.002 * radius_m
    # Steiner: a convex site's exact zone has area A + P r + π r²; far above the circle's.
    steiner = side_m**2 + 4 * side_m * radius_m + math.pi * radius_m**2
    assert area_m2(zone) == pytest.approx(steiner, rel=0.01)
    assert area_m2(zone) > 20 * area_m2(zone_circle(lat, lon, radius_m))


def test_zone_around_a_small_site_is_the_circle_around_its_centroid_plus_a_sliver():
    lat, lon, radius_m = 16.0, 108.0, 30_000.0
    site = square_site(lat, lon, 100.0)
    zone = zone_around(site, radius_m)
    circle = zone_circle(site.centroid.y, site.centroid.x, radius_m)
    assert zone.contains(site)
    assert 1.0 < area_m2(zone) / area_m2(circle) < 1.005


def test_zone_around_a_site_of_two_parts_contains_both():
    a, b = square_site(16.0, 108.0, 1_000.0), square_site(16.05, 108.05, 1_000.0)
    zone = zone_around(MultiPolygon([a, b]), 3_000.0)
    assert zone.contains(a) and zone.contains(b)


def test_zone_around_refuses_other_geometries():
    with pytest.raises(ValueError, match="boundary_or_point"):
        zone_around(shapely.LineString([(108.0, 16.0), (108.1, 16.0)]), 3_000.0)
    with pytest.raises(ValueError, match="boundary_or_point"):
        zone_around(Polygon(), 3_000.0)


# ---------------------------------------------------------------- zone_population


def test_5_km_zone_around_hanoi_centre_lies_in_hanoi_only():
    zone = zone_circle(*HANOI_CENTRE, 5_000.0)
    result = zone_population(zone)
    assert isinstance(result, ZonePopulation)
    assert [r.code for r in result.provinces] == ["01"]
    (hanoi,) = result.provinces
    province = by_code()["01"]
    assert hanoi.name_vi == "Thành phố Hà Nội" and hanoi.name_en == "Ha Noi City"
    assert hanoi.area_inside_km2 == pytest.approx(cap_area_m2(5_000.0) / 1e6, rel=0.001)
    density_per_m2 = province.population / area_m2(province.geometry)
    assert hanoi.people == pytest.approx(density_per_m2 * cap_area_m2(5_000.0), rel=0.01)
    assert result.people_total == hanoi.people


def test_30_km_zone_around_mong_cai_touches_quang_ninh_only_the_rest_is_china_and_sea():
    result = zone_population(zone_circle(*MONG_CAI, 30_000.0))
    assert [r.code for r in result.provinces] == ["22"]
    assert result.provinces[0].area_inside_km2 < 0.5 * cap_area_m2(30_000.0) / 1e6
    assert 0 < result.people_total < by_code()["22"].population


def test_zone_straddling_hanoi_and_bac_ninh_splits_its_area_and_people_between_them():
    zone = zone_circle(*HANOI_BAC_NINH_BORDER, 5_000.0)
    result = zone_population(zone)
    assert {r.code for r in result.provinces} == {"01", "24"}
    provinces = by_code()
    assert sum(r.area_inside_km2 for r in result.provinces) == pytest.approx(
        area_m2(zone) / 1e6, rel=1e-6
    )
    for row in result.provinces:
        assert 0.2 < row.area_inside_km2 / (area_m2(zone) / 1e6) < 0.8
        province_km2 = area_m2(provinces[row.code].geometry) / 1e6
        assert row.fraction_of_province == pytest.approx(row.area_inside_km2 / province_km2)
        assert row.people == round(provinces[row.code].population * row.fraction_of_province)
    assert result.people_total == sum(r.people for r in result.provinces)
    people = [r.people for r in result.provinces]
    assert people == sorted(people, reverse=True)


def test_zone_at_sea_has_nobody():
    result = zone_population(zone_circle(12.0, 112.0, 20_000.0))
    assert result.provinces == ()
    assert result.people_total == 0


def test_zone_around_truong_sa_lon_lies_in_khanh_hoa_only_and_counts_some_people():
    result = zone_population(zone_circle(8.6300, 111.9175, 5_000.0))
    assert [r.code for r in result.provinces] == ["56"]
    assert 0 < result.people_total < 1_000  # Khánh Hòa's density over the island's area


def test_300_km_zone_counts_whole_provinces_fully():
    zone = zone_around(Point(HANOI_CENTRE[1], HANOI_CENTRE[0]), 300_000.0)
    result = zone_population(zone)
    provinces = by_code()
    whole = [r for r in result.provinces if r.fraction_of_province == 1.0]
    assert {"01", "24", "33"} <= {r.code for r in whole}
    for row in whole:
        assert row.people == provinces[row.code].population
    people = [r.people for r in result.provinces]
    assert people == sorted(people, reverse=True)
    assert result.people_total == sum(people)


def test_result_states_its_method_and_source():
    result = zone_population(zone_circle(*HANOI_CENTRE, 5_000.0))
    assert "Mật độ đều theo diện tích" in result.method
    assert "area-weighted uniform density" in result.method
    assert "Nghị quyết 202/2025/QH15" in result.method
    assert "Nghị quyết 202/2025/QH15" in result.source and "PROVENANCE.md" in result.source
