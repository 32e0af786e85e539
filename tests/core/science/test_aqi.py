"""VN_AQI per QĐ 1459/QĐ-TCMT: every breakpoint of Bảng 2, the worked examples of §2.3
(NowCast 20,3; AQI^h; AQI^d = 110), the completeness rules and the categories of Bảng 1."""

import json
import math
from decimal import Decimal

import pytest

from ungpho.core.science.aqi import (
    AqiCategory,
    aqi_category,
    aqi_daily,
    aqi_hourly,
    nowcast_ug_m3,
    sub_index,
)

LEVELS = (0, 50, 100, 150, 200, 300, 400, 500)
# Bảng 2, typed again from the text (not imported) so that a typo in either is caught.
TABLE_2 = {
    ("O3", "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),
    ("O3", "8h"): (0, 100, 120, 170, 210, 400),
    ("CO", "1h"): (0, 10000, 30000, 45000, 60000, 90000, 120000, 150000),
    ("SO2", "1h"): (0, 125, 350, 550, 800, 1600, 2100, 2630),
    ("NO2", "1h"): (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    ("PM10", "1h"): (0, 50, 150, 250, 350, 420, 500, 600),
    ("PM10", "24h"): (0, 50, 150, 250, 350, 420, 500, 600),
    ("PM2.5", "1h"): (0, 25, 50, 80, 150, 250, 350, 500),
    ("PM2.5", "24h"): (0, 25, 50, 80, 150, 250, 350, 500),
}
BREAKPOINTS = [(p, a, bp, LEVELS[i]) for (p, a), bps in TABLE_2.items()
               for i, bp in enumerate(bps)]

# §2.3.a: PM2.5 hourly means 09:00 … 20:00; NowCast at 20:00 takes them most recent first.
EXAMPLE_PM25_09_TO_20 = (26.9, 24.7, 20.5, 23.5, 19.5, 16.5, 19.0, 16.5, 20.3, 22.4, 19.6,
                         20.6)


@pytest.mark.parametrize(("pollutant", "averaging", "breakpoint", "index"), BREAKPOINTS,
                         ids=[f"{p}-{a}-{bp}" for p, a, bp, _ in BREAKPOINTS])
def test_every_breakpoint_of_table_2_maps_to_its_index_value(pollutant, averaging,
                                                             breakpoint, index):
    assert sub_index(pollutant, breakpoint, averaging=averaging) == index
    assert sub_index(pollutant, float(breakpoint), averaging=averaging) == index


def test_pm25_at_breakpoint_50_is_aqi_100():
    assert sub_index("PM2.5", 50) == 100


@pytest.mark.parametrize(("pollutant", "averaging"), [
    ("O3", "1h"), ("CO", "1h"), ("SO2", "1h"), ("NO2", "1h"), ("PM10", "24h"),
    ("PM2.5", "1h")])
def test_concentration_above_the_top_breakpoint_is_capped_at_500(pollutant, averaging):
    top = TABLE_2[pollutant, averaging][-1]
    assert sub_index(pollutant, top * 3, averaging=averaging) == 500


def test_midpoints_interpolate_linearly_between_breakpoints():
    assert sub_index("PM10", 100) == 75           # halfway 50 → 150 is halfway 50 → 100
    assert sub_index("SO2", 1200) == 250          # halfway 800 → 1600 is halfway 200 → 300
    assert sub_index("CO", 135_000) == 450


def test_worked_example_hourly_sub_indices_section_2_3_b():
    # §2.3.b prints O3 43 and PM2.5 41 (NowCast 20,3), as computed here.
    assert sub_index("O3", 136.1) == 43
    assert sub_index("PM2.5", 20.3) == 41


def test_worked_example_no2_118_7_is_59_not_the_60_printed_in_section_2_3_b():
    # (100 − 50)/(200 − 100) × (118,7 − 100) + 50 = 59,35; the example prints 60.
    assert sub_index("NO2", 118.7) == 59


def test_worked_example_hourly_aqi_is_the_largest_sub_index():
    result = aqi_hourly({"O3": 136.1, "NO2": 118.7, "PM2.5": 20.3})
    assert result.sub_indices == {"PM2.5": 41, "NO2": 59, "O3": 43}
    assert result.aqi == 59
    assert result.dominant == "NO2"
    assert result.category is not None and result.category.name_vi == "Trung bình"


def test_worked_example_daily_sub_indices_section_2_3_c():
    assert sub_index("O3", 89.3, averaging="8h") == 45
    assert sub_index("O3", 114.6) == 36
    assert sub_index("NO2", 130.8) == 65
    assert sub_index("PM2.5", 55.7, averaging="24h") == 110


def test_worked_example_daily_aqi_is_110_from_pm25():
    result = aqi_daily(o3_8h_max_ug_m3=89.3, o3_1h_max_ug_m3=114.6, no2_1h_max_ug_m3=130.8,
                       pm25_24h_mean_ug_m3=55.7)
    assert result.aqi == 110
    assert result.dominant == "PM2.5"
    assert result.sub_indices == {"PM2.5": 110, "NO2": 65, "O3": 45}
    assert result.category is not None and result.category.name_vi == "Kém"


def test_half_way_values_round_up_exactly_despite_float_error():
    # 50/30 × (55,7 − 50) + 100 = 109,5 exactly; also given as Decimal.
    assert sub_index("PM2.5", Decimal("55.7"), averaging="24h") == 110
    assert sub_index("PM2.5", 12.25) == 25             # 24,5 → 25
    assert sub_index("PM2.5", 12.24) == 24


def test_nowcast_worked_example_section_2_3_a_is_20_3():
    nowcast = nowcast_ug_m3(EXAMPLE_PM25_09_TO_20[::-1])
    assert nowcast is not None
    assert round(nowcast, 1) == 20.3
    assert sub_index("PM2.5", nowcast) == 41


def test_nowcast_weight_below_one_half_is_raised_to_one_half():
    # c_1 = 80, c_2..c_12 = 20: w* = 0,25 → w = 1/2.
    hours = [80.0] + [20.0] * 11
    expected = (80 * 2048 + 20 * 2047) / 4095      # Σ (1/2)^(i−1) c_i / Σ (1/2)^(i−1)
    assert nowcast_ug_m3(hours) == pytest.approx(expected)
    printed_form = sum(0.5 ** (i + 1) * c for i, c in enumerate(hours))  # Σ (1/2)^i c_i
    assert nowcast_ug_m3(hours) == pytest.approx(printed_form, rel=1e-3)


def test_nowcast_weight_above_one_half_is_the_ratio_of_min_to_max():
    hours = [30.0, 40.0] + [None] * 10
    w = 0.75
    assert nowcast_ug_m3(hours) == pytest.approx((30 + w * 40) / (1 + w))


def test_nowcast_of_steady_concentration_is_that_concentration():
    assert nowcast_ug_m3([35.0] * 12) == pytest.approx(35.0)
    assert nowcast_ug_m3([0.0] * 12) == 0.0


def test_nowcast_missing_hour_gets_weight_zero():
    assert nowcast_ug_m3([None, 30.0, 30.0] + [None] * 9) == pytest.approx(30.0)
    assert nowcast_ug_m3([30.0, float("nan"), 30.0, 300.0]) == pytest.approx(
        (30 + 0.5**2 * 30 + 0.5**3 * 300) / (1 + 0.5**2 + 0.5**3))


@pytest.mark.parametrize("hours", [
    [None, None, 30.0] + [30.0] * 9,
    [30.0, None, None] + [30.0] * 9,
    [None, 30.0, float("nan")] + [30.0] * 9,
    [None] * 12,
    [30.0],
    [],
])
def test_nowcast_needs_two_of_the_three_latest_hours(hours):
    assert nowcast_ug_m3(hours) is None


def test_nowcast_of_a_short_series_treats_older_hours_as_missing():
    assert nowcast_ug_m3([20.0, 20.0]) == pytest.approx(20.0)


def test_nowcast_rejects_more_than_12_hours_and_negative_means():
    with pytest.raises(ValueError, match="12"):
        nowcast_ug_m3([10.0] * 13)
    with pytest.raises(ValueError, match="c_2.*negative"):
        nowcast_ug_m3([10.0, -1.0, 10.0])


def test_hourly_aqi_without_pm10_or_pm25_is_none_but_keeps_sub_indices():
    result = aqi_hourly({"O3": 136.1, "NO2": 118.7, "PM2.5": None, "PM10": float("nan")})
    assert result.aqi is None and result.dominant is None and result.category is None
    assert result.sub_indices == {"NO2": 59, "O3": 43}


def test_hourly_aqi_with_pm10_only():
    result = aqi_hourly({"PM10": 150.0, "CO": 5000.0})
    assert (result.aqi, result.dominant) == (100, "PM10")


def test_dominant_tie_goes_to_the_first_pollutant_in_order():
    result = aqi_hourly({"O3": 160, "PM10": 50, "PM2.5": 25})
    assert result.sub_indices == {"PM2.5": 50, "PM10": 50, "O3": 50}
    assert result.dominant == "PM2.5"


def test_daily_o3_takes_the_larger_of_the_1h_and_8h_sub_indices():
    assert aqi_daily(pm10_24h_mean_ug_m3=10, o3_1h_max_ug_m3=200,
                     o3_8h_max_ug_m3=190).sub_indices["O3"] == 175   # 8h: 170 → 210
    assert aqi_daily(pm10_24h_mean_ug_m3=10, o3_1h_max_ug_m3=300,
                     o3_8h_max_ug_m3=100).sub_indices["O3"] == 150   # 1h wins
    assert aqi_daily(pm10_24h_mean_ug_m3=10,
                     o3_8h_max_ug_m3=100).sub_indices["O3"] == 50    # 8h alone


def test_daily_o3_8h_above_400_is_left_out_and_the_1h_maximum_used():
    result = aqi_daily(pm25_24h_mean_ug_m3=10, o3_1h_max_ug_m3=600, o3_8h_max_ug_m3=450)
    assert result.sub_indices["O3"] == 250
    assert "O3" not in aqi_daily(pm25_24h_mean_ug_m3=10, o3_8h_max_ug_m3=450).sub_indices


def test_daily_gases_use_the_1h_maximum_and_pm_the_24h_mean():
    result = aqi_daily(pm25_24h_mean_ug_m3=25, pm10_24h_mean_ug_m3=150,
                       so2_1h_max_ug_m3=550, co_1h_max_ug_m3=60000, no2_1h_max_ug_m3=None)
    assert result.sub_indices == {"PM2.5": 50, "PM10": 100, "SO2": 150, "CO": 200}
    assert (result.aqi, result.dominant) == (200, "CO")


def test_daily_aqi_without_pm_is_none():
    assert aqi_daily(no2_1h_max_ug_m3=130.8).aqi is None


@pytest.mark.parametrize(("aqi", "level", "name_vi", "colour_hex", "rgb"), [
    (0, 1, "Tốt", "#00e400", (0, 228, 0)),
    (50, 1, "Tốt", "#00e400", (0, 228, 0)),
    (51, 2, "Trung bình", "#ffff00", (255, 255, 0)),
    (100, 2, "Trung bình", "#ffff00", (255, 255, 0)),
    (101, 3, "Kém", "#ff7e00", (255, 126, 0)),
    (150, 3, "Kém", "#ff7e00", (255, 126, 0)),
    (151, 4, "Xấu", "#ff0000", (255, 0, 0)),
    (200, 4, "Xấu", "#ff0000", (255, 0, 0)),
    (201, 5, "Rất xấu", "#8f3f97", (143, 63, 151)),
    (300, 5, "Rất xấu", "#8f3f97", (143, 63, 151)),
    (301, 6, "Nguy hại", "#7e0023", (126, 0, 35)),
    (500, 6, "Nguy hại", "#7e0023", (126, 0, 35)),
])
def test_category_bounds_and_colours_of_table_1(aqi, level, name_vi, colour_hex, rgb):
    category = aqi_category(aqi)
    assert (category.level, category.name_vi, category.colour_hex, category.rgb) == (
        level, name_vi, colour_hex, rgb)
    assert category.name_en and category.advice_vi and category.advice_en


def test_category_advice_follows_table_5_for_ordinary_people():
    assert aqi_category(40).advice_vi == aqi_category(80).advice_vi
    assert "khẩu trang" in aqi_category(250).advice_vi
    assert "đóng cửa" in aqi_category(400).advice_vi
    assert [aqi_category(a).name_en for a in (0, 51, 101, 151, 201, 301)] == [
        "Good", "Moderate", "Poor", "Bad", "Very bad", "Hazardous"]


@pytest.mark.parametrize("aqi", [-1, 501, 50.0, True, None])
def test_category_rejects_values_off_the_scale(aqi):
    with pytest.raises(ValueError, match="0 to 500"):
        aqi_category(aqi)


def test_result_as_dict_is_json_ready():
    data = aqi_daily(pm25_24h_mean_ug_m3=55.7, no2_1h_max_ug_m3=130.8).as_dict()
    assert json.loads(json.dumps(data)) == {
        "aqi": 110, "dominant": "PM2.5", "sub_indices": {"PM2.5": 110, "NO2": 65},
        "category": aqi_category(110).as_dict() | {"rgb": [255, 126, 0]}}
    assert aqi_hourly({}).as_dict() == {"aqi": None, "dominant": None, "sub_indices": {},
                                        "category": None}


def test_category_is_frozen():
    with pytest.raises(AttributeError):
        aqi_category(10).level = 2  # type: ignore[misc]
    assert isinstance(aqi_category(10), AqiCategory)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: sub_index("PM1", 10), "unknown pollutant 'PM1'"),
    (lambda: sub_index("NO2", 10, averaging="8h"), "NO2: no VN_AQI breakpoints.*'8h'"),
    (lambda: sub_index("CO", 10, averaging="24h"), "CO: no VN_AQI breakpoints"),
    (lambda: sub_index("O3", 10, averaging="24h"), "O3: .*use '1h' or '8h'"),
    (lambda: sub_index("PM2.5", 10, averaging="8h"), "PM2.5: .*use '1h' or '24h'"),
    (lambda: sub_index("SO2", -0.1), "SO2: concentration -0.1 µg/m³ is negative"),
    (lambda: sub_index("PM10", math.nan), "PM10: concentration must be finite"),
    (lambda: sub_index("PM10", math.inf), "PM10: concentration must be finite"),
    (lambda: sub_index("PM10", "12"), "PM10: concentration must be a number"),
    (lambda: sub_index("O3", 400.5, averaging="8h"), "O3: .*above 400"),
    (lambda: aqi_hourly({"PM2.5": 10, "pm25": 10}), "unknown pollutant 'pm25'"),
    (lambda: aqi_hourly({"PM2.5": 10, "NO2": -5}), "NO2: .*negative"),
    (lambda: aqi_daily(pm10_24h_mean_ug_m3=-1), "PM10: .*negative"),
])
def test_bad_input_raises_value_error_naming_the_pollutant(call, message):
    with pytest.raises(ValueError, match=message):
        call()
