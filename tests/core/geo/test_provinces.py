"""The 34 provincial units of Nghị quyết 202/2025/QH15 and point-in-province lookup."""

import dataclasses
import json
from importlib.resources import files

import pytest
import shapely

from ungpho.core.geo.provinces import SHORE_TOLERANCE_M, Province, load_provinces, province_at

# Nghị quyết 202/2025/QH15 Điều 1: the 23 merged units, and the 11 units left as they were.
FORMER_BY_CODE = {
    "01": {"Hà Nội"},
    "04": {"Cao Bằng"},
    "08": {"Tuyên Quang", "Hà Giang"},
    "11": {"Điện Biên"},
    "12": {"Lai Châu"},
    "14": {"Sơn La"},
    "15": {"Lào Cai", "Yên Bái"},
    "19": {"Thái Nguyên", "Bắc Kạn"},
    "20": {"Lạng Sơn"},
    "22": {"Quảng Ninh"},
    "24": {"Bắc Ninh", "Bắc Giang"},
    "25": {"Phú Thọ", "Vĩnh Phúc", "Hòa Bình"},
    "31": {"Hải Phòng", "Hải Dương"},
    "33": {"Hưng Yên", "Thái Bình"},
    "37": {"Ninh Bình", "Hà Nam", "Nam Định"},
    "38": {"Thanh Hóa"},
    "40": {"Nghệ An"},
    "42": {"Hà Tĩnh"},
    "44": {"Quảng Trị", "Quảng Bình"},
    "46": {"Huế"},
    "48": {"Đà Nẵng", "Quảng Nam"},
    "51": {"Quảng Ngãi", "Kon Tum"},
    "52": {"Gia Lai", "Bình Định"},
    "56": {"Khánh Hòa", "Ninh Thuận"},
    "66": {"Đắk Lắk", "Phú Yên"},
    "68": {"Lâm Đồng", "Đắk Nông", "Bình Thuận"},
    "75": {"Đồng Nai", "Bình Phước"},
    "79": {"Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"},
    "80": {"Tây Ninh", "Long An"},
    "82": {"Đồng Tháp", "Tiền Giang"},
    "86": {"Vĩnh Long", "Bến Tre", "Trà Vinh"},
    "91": {"An Giang", "Kiên Giang"},
    "92": {"Cần Thơ", "Hậu Giang", "Sóc Trăng"},
    "96": {"Cà Mau", "Bạc Liêu"},
}
CITIES = {"01", "31", "46", "48", "79", "92"}  # thành phố trực thuộc trung ương


def by_code() -> dict[str, Province]:
    return {p.code: p for p in load_provinces()}


def test_there_are_34_units_sorted_by_unique_two_digit_codes():
    codes = [p.code for p in load_provinces()]
    assert len(codes) == 34
    assert codes == sorted(set(codes))
    assert all(len(c) == 2 and c.isdigit() for c in codes)


def test_six_are_cities_and_28_are_provinces_with_matching_names():
    for p in load_provinces():
        city = p.code in CITIES
        assert p.kind == ("city" if city else "province")
        assert p.name_vi == ("Thành phố " if city else "Tỉnh ") + p.short_name_vi
        assert p.name_en == p.short_name_en + (" City" if city else " Province")
        assert p.name_en.isascii()


def test_each_unit_merges_the_former_provinces_named_in_the_resolution():
    assert {p.code: set(p.former) for p in load_provinces()} == FORMER_BY_CODE


def test_every_one_of_the_63_former_provinces_appears_exactly_once():
    former = [name for p in load_provinces() for name in p.former]
    assert len(former) == 63
    assert len(set(former)) == 63


def test_a_unit_is_named_after_one_of_its_former_provinces_listed_first():
    assert all(p.former[0] == p.short_name_vi for p in load_provinces())


# Nghị quyết 202/2025/QH15 Điều 1: "quy mô dân số" [persons] and natural area [km²].
NQ202_POPULATION_AREA = {
    "08": (1_865_270, 13_795.50),
    "15": (1_778_785, 13_256.92),
    "19": (1_799_489, 8_375.21),
    "25": (4_022_638, 9_361.38),
    "24": (3_619_433, 4_718.60),
    "33": (3_567_943, 2_514.81),
    "31": (4_664_124, 3_194.72),
    "37": (4_412_264, 3_942.62),
    "44": (1_870_845, 12_700.00),
    "48": (3_065_628, 11_859.59),
    "51": (2_161_755, 14_832.55),
    "52": (3_583_693, 21_576.53),
    "56": (2_243_554, 8_555.86),
    "68": (3_872_999, 24_233.07),
    "66": (3_346_853, 18_096.40),
    "79": (14_002_598, 6_772.59),
    "75": (4_491_408, 12_737.18),
    "80": (3_254_170, 8_536.44),
    "92": (4_199_824, 6_360.83),
    "86": (4_257_581, 6_296.20),
    "82": (4_370_046, 5_938.64),
    "96": (2_606_672, 7_942.39),
    "91": (4_952_238, 9_888.91),
}


@pytest.mark.parametrize(
    ("code", "population", "area_km2"), [(c, *v) for c, v in NQ202_POPULATION_AREA.items()]
)
def test_population_and_area_of_merged_units_are_those_of_the_resolution(
    code, population, area_km2
):
    assert by_code()[code].population == population
    assert by_code()[code].area_km2 == area_km2


def test_the_23_merged_units_are_those_of_the_resolution_and_the_rest_unmerged():
    merged = {p.code for p in load_provinces() if len(p.former) > 1}
    assert merged == set(NQ202_POPULATION_AREA)


def test_population_total_is_above_the_nso_2024_estimate_by_less_than_15_percent():
    # NQ 202/2025/QH15 states no national total. NSO (GSO) put the 2024 average population at
    # 101.3 million; the resolution's figures are administrative counts (permanent plus
    # temporary residents) and run higher, summing to about 113.5 million with the rest.
    total = sum(p.population for p in load_provinces())
    assert 101_300_000 < total < 1.15 * 101_300_000


def test_area_total_is_vietnams_natural_area():
    # The GSO statistical yearbooks of recent years give about 331.2-331.4 thousand km².
    assert 331_000 < sum(p.area_km2 for p in load_provinces()) < 331_700


def test_polygons_cover_vietnams_area_within_2_percent():
    geojson = json.loads(
        files("ungpho.geo").joinpath("data", "provinces_2025.geojson").read_text(encoding="utf-8")
    )
    polygon_km2 = sum(f["properties"]["area_km2_polygon"] for f in geojson["features"])
    assert polygon_km2 == pytest.approx(sum(p.area_km2 for p in load_provinces()), rel=0.02)


def test_polygons_are_valid_multipolygons_that_do_not_overlap():
    geometries = [p.geometry for p in load_provinces()]
    assert all(g.geom_type == "MultiPolygon" and g.is_valid for g in geometries)
    tree = shapely.STRtree(geometries)
    for i, j in zip(*tree.query(geometries, predicate="intersects"), strict=True):
        if i < j:  # neighbours share borders only: no overlap beyond rounding (< ~1 m²)
            assert geometries[i].intersection(geometries[j]).area < 1e-10


def test_each_administrative_centre_lies_inside_its_own_polygon():
    for p in load_provinces():
        assert p.geometry.contains(shapely.Point(p.centre_lon, p.centre_lat)), p.name_vi
        assert province_at(p.centre_lat, p.centre_lon) == p


@pytest.mark.parametrize(
    ("place", "lat_deg", "lon_deg", "code"),
    [
        ("Hồ Hoàn Kiếm, Hà Nội", 21.0288, 105.8525, "01"),
        ("Đà Lạt (Lâm Đồng)", 11.9404, 108.4583, "68"),
        ("Gia Nghĩa (Đắk Nông, now Lâm Đồng)", 12.0042, 107.6907, "68"),
        ("Phan Thiết (Bình Thuận, now Lâm Đồng)", 10.9289, 108.1021, "68"),
        ("Vũng Tàu (now TP Hồ Chí Minh)", 10.3460, 107.0843, "79"),
        ("Thủ Dầu Một (Bình Dương, now TP Hồ Chí Minh)", 10.9804, 106.6519, "79"),
        ("Côn Đảo (now TP Hồ Chí Minh)", 8.6833, 106.6000, "79"),
        ("Huế", 16.4637, 107.5909, "46"),
        ("Hà Giang (now Tuyên Quang)", 22.8233, 104.9836, "08"),
        ("Quy Nhơn (Bình Định, now Gia Lai)", 13.7765, 109.2237, "52"),
        ("Kon Tum (now Quảng Ngãi)", 14.3545, 108.0076, "51"),
        ("Lý Sơn island (Quảng Ngãi)", 15.3811, 109.1204, "51"),
        ("Hội An (Quảng Nam, now Đà Nẵng)", 15.8801, 108.3380, "48"),
        ("Cát Bà island (Hải Phòng)", 20.7270, 107.0480, "31"),
        ("Phú Quốc island (Kiên Giang, now An Giang)", 10.3000, 104.0000, "91"),
        ("Tuy Hòa (Phú Yên, now Đắk Lắk)", 13.0955, 109.3209, "66"),
    ],
)
def test_known_places_fall_in_the_right_unit(place, lat_deg, lon_deg, code):
    found = province_at(lat_deg, lon_deg)
    assert found is not None and found.code == code, place


# Points on the islands as the data draws them (GSHHG); published positions differ by < ~1 km.
@pytest.mark.parametrize(
    ("island", "lat_deg", "lon_deg", "code"),
    [
        ("Phú Lâm (Hoàng Sa), published position 16°50′N 112°20′E", 16.8333, 112.3333, "48"),
        ("Hoàng Sa island (Pattle)", 16.5304, 111.6067, "48"),
        ("Tri Tôn (Hoàng Sa)", 15.7855, 111.2028, "48"),
        ("Trường Sa Lớn (Trường Sa)", 8.6300, 111.9175, "56"),
        ("Song Tử Tây (Trường Sa)", 11.4412, 114.3362, "56"),
        ("Nam Yết (Trường Sa)", 10.1929, 114.3621, "56"),
    ],
)
def test_the_islands_of_hoang_sa_are_da_nang_and_those_of_truong_sa_khanh_hoa(
    island, lat_deg, lon_deg, code
):
    found = province_at(lat_deg, lon_deg)
    assert found is not None and found.code == code, island


def test_the_published_position_of_truong_sa_lon_is_khanh_hoa_within_2_km():
    published = (8.6442, 111.9206)  # 8°38′39″N 111°55′14″E; GSHHG's shore is 1.1 km south
    assert province_at(*published) is None
    found = province_at(*published, max_distance_m=SHORE_TOLERANCE_M)
    assert found is not None and found.code == "56"


def test_the_archipelagos_are_named_parts_of_their_province_and_the_units_stay_34():
    geojson = json.loads(
        files("ungpho.geo").joinpath("data", "provinces_2025.geojson").read_text(encoding="utf-8")
    )
    named = {f["properties"]["code"]: [(a["name_vi"], a["name_en"]) for a in
                                       f["properties"]["archipelagos"]]
             for f in geojson["features"] if f["properties"]["archipelagos"]}
    assert named == {
        "48": [("Quần đảo Hoàng Sa (Việt Nam)", "Hoang Sa (Paracel) Islands (Viet Nam)")],
        "56": [("Quần đảo Trường Sa (Việt Nam)", "Truong Sa (Spratly) Islands (Viet Nam)")],
    }
    assert len(geojson["features"]) == len(load_provinces()) == 34
    for feature in geojson["features"]:
        for archipelago in feature["properties"]["archipelagos"]:
            box = shapely.box(*archipelago["bounds"])
            islands = [p for p in by_code()[feature["properties"]["code"]].geometry.geoms
                       if box.contains(p)]
            assert len(islands) == archipelago["islands"] > 20


@pytest.mark.parametrize(
    ("place", "lat_deg", "lon_deg"),
    [
        ("South China Sea (Biển Đông)", 12.0, 111.0),
        ("Biển Đông between the islands of Hoàng Sa", 16.5, 112.0),
        ("Vientiane, Laos", 17.9757, 102.6331),
        ("Phnom Penh, Cambodia", 11.5564, 104.9282),
    ],
)
def test_points_outside_every_unit_are_none(place, lat_deg, lon_deg):
    assert province_at(lat_deg, lon_deg) is None, place


def test_a_point_just_off_the_coast_gets_the_nearest_unit_only_within_max_distance():
    off_vung_tau = (10.32, 107.07)  # ~1.9 km off the simplified coast of TP Hồ Chí Minh
    assert province_at(*off_vung_tau) is None
    assert province_at(*off_vung_tau, max_distance_m=1_000) is None
    found = province_at(*off_vung_tau, max_distance_m=5_000)
    assert found is not None and found.code == "79"


def test_a_point_on_a_shared_border_belongs_to_the_lower_code():
    hanoi, phu_tho = by_code()["01"].geometry, by_code()["25"].geometry
    shared = shapely.get_coordinates(hanoi.boundary.intersection(phu_tho.boundary))
    lon_deg, lat_deg = shared[len(shared) // 2]
    assert province_at(lat_deg, lon_deg) == by_code()["01"]


def test_out_of_range_coordinates_are_rejected():
    with pytest.raises(ValueError, match="lat_deg"):
        province_at(95.0, 105.0)


def test_provinces_are_loaded_once_and_immutable():
    assert load_provinces() is load_provinces()
    with pytest.raises(dataclasses.FrozenInstanceError):
        load_provinces()[0].population = 0  # type: ignore[misc]


def test_package_data_is_small_and_rounded_to_5_decimals():
    resource = files("ungpho.geo").joinpath("data", "provinces_2025.geojson")
    text = resource.read_text(encoding="utf-8")
    assert len(text.encode()) < 1_500_000
    first = json.loads(text)["features"][0]["geometry"]["coordinates"][0][0][0]
    assert all(round(v, 5) == v for v in first)
