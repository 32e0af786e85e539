"""VN_WQI (QĐ 1460/QĐ-TCMT). The tables below are written out again from the public
transcription (tranxuanthuy/vnwqi_calculator), independently of the module's constants."""

import json
import math
from fractions import Fraction

import pytest

from ungpho.core.science.wqi import (
    do_saturation_percent,
    wqi,
    wqi_category,
    wqi_sub_index,
)

LEVELS = (100, 75, 50, 25, 10)
#: Groups IV–V and III: BP_i for q_i = 100, 75, 50, 25, 10 (a repeated BP is a step).
TABLE_ROWS = {
    "BOD5": ("4", "6", "15", "25", "50"),
    "COD": ("10", "15", "30", "50", "150"),
    "TOC": ("4", "6", "15", "25", "50"),
    "PO4": ("0.1", "0.2", "0.3", "0.5", "4"),
    "Cr6": ("0.01", "0.02", "0.04", "0.05", "0.1"),
    "Cu": ("0.1", "0.2", "0.5", "1.0", "2.0"),
    "Zn": ("0.5", "1.0", "1.5", "2.0", "3.0"),
}
#: Rows with a step: (code, BPs, index ON each BP: the better side of a step).
STEP_ROWS = [
    ("NH4", ("0.3", "0.6", "0.9", "5"), (100, 50, 25, 10)),
    ("NO3", ("2", "5", "10", "15"), (100, 75, 50, 25)),
    ("Coliform", ("2500", "5000", "7500", "10000"), (100, 75, 50, 25)),
    ("Ecoli", ("20", "50", "100", "200"), (100, 75, 50, 25)),
    ("As", ("0.01", "0.02", "0.05", "0.1"), (100, 75, 50, 25)),
    ("Cd", ("0.005", "0.008", "0.01", "0.1"), (100, 50, 25, 10)),
    ("Pb_water", ("0.02", "0.04", "0.05", "0.5"), (100, 50, 25, 10)),
    ("Hg", ("0.001", "0.0015", "0.002", "0.01"), (100, 50, 25, 10)),
]
#: DO % saturation at 25 °C, where DO_bão hòa = 8.17565625 mg/L exactly.
DO_SAT_25C = Fraction("8.17565625")


def _do_mg_l(percent: str) -> Fraction:
    return Fraction(percent) / 100 * DO_SAT_25C


@pytest.mark.parametrize(("code", "i"), [(c, i) for c in TABLE_ROWS for i in range(5)])
def test_each_breakpoint_of_the_five_level_tables_gives_its_level(code, i):
    assert wqi_sub_index(code, Fraction(TABLE_ROWS[code][i])) == LEVELS[i]


@pytest.mark.parametrize(("code", "bps", "levels"), STEP_ROWS)
def test_each_breakpoint_of_a_table_with_a_step_gives_the_better_level(code, bps, levels):
    assert [wqi_sub_index(code, Fraction(bp)) for bp in bps] == list(levels)


@pytest.mark.parametrize(("code", "value", "expected"), [
    ("NH4", 0.3000001, 75), ("Cd", 0.0050001, 75), ("Pb_water", 0.0200001, 75),
    ("Hg", 0.00100000001, 75), ("NO3", 15.01, 10), ("Coliform", 10001, 10), ("Ecoli", 201, 10),
    ("As", 0.1001, 10), ("NO2_water", 0.051, 10),
])
def test_just_past_a_step_the_worse_level_applies(code, value, expected):
    assert wqi_sub_index(code, value) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(("code", "value", "expected"), [
    ("BOD5", 5, 87.5), ("COD", 100, 17.5), ("NH4", 0.45, 62.5), ("PO4", 2.25, 17.5),
    ("Coliform", 8750, 37.5), ("Zn", 0.75, 87.5), ("Cd", 0.055, 17.5), ("NO3", 3.5, 87.5),
])
def test_between_breakpoints_the_index_is_interpolated_linearly(code, value, expected):
    assert wqi_sub_index(code, value) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("code", "value", "expected"), [
    ("BOD5", 0, 100), ("BOD5", 1000, 10), ("COD", 150, 10), ("Zn", 3, 10), ("Cu", 50, 10),
    ("NO2_water", 0.05, 100), ("NO2_water", 0, 100), ("PO4", 4, 10),
])
def test_outside_the_table_the_index_is_100_below_and_10_above(code, value, expected):
    assert wqi_sub_index(code, value) == expected


@pytest.mark.parametrize(("ph", "expected"), [
    (5.49, 10), (5.5, 50), (5.75, 75), (6, 100), (7, 100), (8.5, 100), (8.75, 75), (9, 50),
    (9.01, 10), (0, 10), (14, 10),
])
def test_ph_table(ph, expected):
    assert wqi_sub_index("pH", ph) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("code", "limit_ug_l"), [
    ("Aldrin", "0.1"), ("BHC", "0.02"), ("Dieldrin", "0.1"), ("DDTs", "1.0"),
    ("Heptachlor", "0.2"),
])
def test_pesticide_at_its_limit_is_100_and_above_it_10(code, limit_ug_l):
    assert wqi_sub_index(code, Fraction(limit_ug_l)) == 100
    assert wqi_sub_index(code, Fraction(limit_ug_l) * Fraction("1.001")) == 10


@pytest.mark.parametrize(("percent", "expected"), [
    ("19.9", 10), ("20", 25), ("35", 37.5), ("50", 50), ("75", 75), ("88", 100), ("100", 100),
    ("112", 100), ("125", 75), ("150", 50), ("175", 37.5), ("200", 25), ("200.1", 10),
])
def test_do_percent_saturation_table_at_25_c(percent, expected):
    assert wqi_sub_index("DO", _do_mg_l(percent), temperature_c=25) == expected


def test_do_saturation_polynomial_at_20_and_25_c():
    # 14.652 − 0.41022·T + 0.0079910·T² − 0.000077774·T³: 9.021808 mg/L at 20 °C.
    assert do_saturation_percent(9.021808, 20) == pytest.approx(100, abs=1e-12)
    assert do_saturation_percent(8.17565625, 25) == pytest.approx(100, abs=1e-12)
    assert do_saturation_percent(4.087828125, 25) == pytest.approx(50, abs=1e-12)


def test_do_sub_index_needs_the_water_temperature():
    with pytest.raises(ValueError, match="DO"):
        wqi_sub_index("DO", 7.0)


@pytest.mark.parametrize("temperature_c", [-1, 50.5])
def test_water_temperature_outside_0_to_50_c_is_rejected(temperature_c):
    with pytest.raises(ValueError, match="Temp"):
        do_saturation_percent(7.0, temperature_c)


@pytest.mark.parametrize(("parameter", "value", "field"), [
    ("Nitrite", 0.1, "Nitrite"), ("BOD5", -1, "BOD5"), ("COD", "12", "COD"),
    ("NH4", True, "NH4"), ("TOC", math.nan, "TOC"), ("PO4", math.inf, "PO4"), ("pH", 14.5, "pH"),
])
def test_bad_input_is_rejected_naming_the_parameter(parameter, value, field):
    with pytest.raises(ValueError, match=field):
        wqi_sub_index(parameter, value)


def test_sub_index_is_an_int_when_exact_and_a_float_otherwise():
    assert type(wqi_sub_index("COD", 30)) is int
    assert type(wqi_sub_index("COD", 31)) is float


def test_all_five_groups_hand_computed():
    result = wqi({"pH": 8.75, "Aldrin": 0.05, "BHC": 0.03, "As": 0.02, "Cu": 0.1, "BOD5": 6,
                  "COD": 30, "TOC": 15, "NH4": 0.3, "Coliform": 7500, "Ecoli": 20})
    # I 75; II √(100·10); III √(75·100); IV (75+50+50+100)/4; V (50+100)/2;
    # 0.75 · 0.316228 · 0.866025 · (68.75² · 75)^(1/3) = 14.5365.
    assert result.group_indices == pytest.approx(
        {"I": 75, "II": math.sqrt(1000), "III": math.sqrt(7500), "IV": 68.75, "V": 75},
        rel=1e-12)
    assert result.wqi == 15
    assert result.category.name_vi == "Kém"
    assert result.explanation_en is None


def test_equal_group_iv_and_v_means_give_that_mean():
    result = wqi({"pH": 7, "BOD5": 4, "COD": 15, "NH4": 0.6, "Coliform": 5000})
    assert (result.wqi, result.category.name_en) == (75, "Medium")


def test_without_group_v_the_wqi_is_the_group_iv_mean_times_the_factors():
    result = wqi({"pH": 8.75, "As": 0.02, "BOD5": 6, "COD": 30, "TOC": 15, "NH4": 0.3})
    assert result.wqi == 39  # 0.75 · 0.75 · 68.75 = 38.67
    assert result.category.name_vi == "Xấu"
    assert "group V" in result.explanation_en and "nhóm V" in result.explanation_vi


def test_wqi_is_rounded_half_up_even_after_the_cube_root():
    exact_half = {"pH": 7, "Cu": 0.1, "BOD5": 4, "COD": 50, "TOC": 6, "NH4": 0.6}  # IV 62.5
    assert wqi(exact_half).wqi == 63
    assert wqi({**exact_half, "Coliform": 5000, "Ecoli": 100}).wqi == 63  # (62.5³)^(1/3)


def test_fewer_than_three_groups_give_no_wqi_but_keep_the_sub_indices():
    result = wqi({"pH": 7, "BOD5": 4, "COD": 15, "TOC": 6})
    assert result.wqi is None and result.category is None
    assert result.sub_indices == {"pH": 100, "BOD5": 100, "COD": 75, "TOC": 75}
    assert "3 of the 5 groups" in result.explanation_en
    assert "3/5 nhóm" in result.explanation_vi


def test_group_iv_with_two_parameters_gives_no_wqi_even_with_all_other_groups():
    result = wqi({"pH": 7, "Aldrin": 0, "As": 0, "BOD5": 4, "COD": 15, "Coliform": 100})
    assert result.wqi is None
    assert "Group IV needs at least 3 parameters, has 2" in result.explanation_en


def test_do_without_temperature_is_left_out_and_explained():
    result = wqi({"pH": 7, "DO": 7.0, "BOD5": 4, "COD": 15, "Coliform": 100})
    assert result.wqi is None
    assert "DO" not in result.sub_indices
    assert result.explanation_en.startswith("DO left out: no water temperature")


def test_temperature_in_the_values_is_used_for_do():
    sample = {"pH": 7, "DO": float(_do_mg_l("100")), "BOD5": 4, "COD": 15, "Coliform": 100}
    by_value = wqi({**sample, "Temp": 25})
    assert by_value.sub_indices["DO"] == pytest.approx(100)
    assert by_value.wqi == wqi(sample, temperature_c=25).wqi == 94


def test_conflicting_temperatures_are_rejected():
    with pytest.raises(ValueError, match="Temp"):
        wqi({"DO": 7.0, "Temp": 25}, temperature_c=26)


def test_none_and_nan_count_as_missing():
    with_gaps = wqi({"pH": 7, "BOD5": 4, "COD": 15, "NH4": 0.6, "Coliform": 5000,
                     "TOC": None, "Ecoli": math.nan, "As": None})
    assert with_gaps.wqi == 75
    assert "TOC" not in with_gaps.sub_indices and "Ecoli" not in with_gaps.sub_indices


def test_unknown_parameter_in_a_sample_is_rejected_by_name():
    with pytest.raises(ValueError, match="'NO2'"):
        wqi({"pH": 7, "NO2": 0.01})


def test_group_indices_reproduce_an_independent_implementation():
    # tranxuanthuy/vnwqi_calculator data/wqi_results_from_api.csv, stations QLPH012016
    # 29/2/2016 and 15/3/2016: their WQI (I·II·III/100³·√(IV·V), group II without
    # Heptachlor) is 20.4841299064081 and 33.99423078786435. Ours (cube-root form) 20 and 32.
    rows = [
        ({"pH": 8.88, "Aldrin": 0.021, "BHC": 0.048, "Dieldrin": 0.047, "DDTs": 0.052,
          "As": 0.021, "Cd": 0.004, "Pb_water": 0.009, "Cr6": 0.007, "Cu": 0.001, "Zn": 0.074,
          "Hg": 0.002, "DO": 7.095, "BOD5": 8.28, "COD": 23.253, "TOC": 17.855, "NH4": 0.163,
          "NO3": 0.93, "NO2_water": 0.18, "PO4": 0, "Coliform": 1300, "Ecoli": 92},
         20.4841299064081, 20, "Kém"),
        ({"pH": 8.3, "Aldrin": 0.022, "BHC": 0.021, "Dieldrin": 0.019, "DDTs": 0.019,
          "As": 0.021, "Cd": 0.006, "Pb_water": 0.009, "Cr6": 0.008, "Cu": 0.001, "Zn": 0.019,
          "Hg": 0.002, "DO": 6.913, "BOD5": 8.3, "COD": 20.133, "TOC": 16.598, "NH4": 0.53,
          "NO3": 0.88, "NO2_water": 0.2, "PO4": 0, "Coliform": 1100, "Ecoli": 24},
         33.99423078786435, 32, "Xấu"),
    ]
    for values, theirs, ours, name_vi in rows:
        result = wqi(values, temperature_c=25)
        g = result.group_indices
        square_root_form = g["I"] * g["II"] * g["III"] / 100**3 * math.sqrt(g["IV"] * g["V"])
        assert square_root_form == pytest.approx(theirs, abs=1e-9)
        assert (result.wqi, result.category.name_vi) == (ours, name_vi)


def test_worst_water_scores_0_very_heavily_polluted():
    result = wqi({"pH": 4, "BHC": 1, "Hg": 1, "BOD5": 100, "COD": 500, "TOC": 100,
                  "Coliform": 10**6})
    assert result.wqi == 0  # 0.1 · 0.1 · 0.1 · 10
    assert result.category.name_vi == "Ô nhiễm rất nặng"


@pytest.mark.parametrize(("value", "level"), [
    (0, 6), (9, 6), (10, 5), (25, 5), (26, 4), (50, 4), (51, 3), (75, 3), (76, 2), (90, 2),
    (91, 1), (100, 1),
])
def test_category_ranges(value, level):
    assert wqi_category(value).level == level


@pytest.mark.parametrize(("value", "name_vi", "rgb", "colour_hex"), [
    (95, "Rất tốt", (51, 51, 255), "#3333ff"), (80, "Tốt", (0, 228, 0), "#00e400"),
    (60, "Trung bình", (255, 255, 0), "#ffff00"), (40, "Xấu", (255, 126, 0), "#ff7e00"),
    (20, "Kém", (255, 0, 0), "#ff0000"), (5, "Ô nhiễm rất nặng", (126, 0, 35), "#7e0023"),
])
def test_category_names_and_colours(value, name_vi, rgb, colour_hex):
    category = wqi_category(value)
    assert (category.name_vi, category.rgb, category.colour_hex) == (name_vi, rgb, colour_hex)
    assert category.name_en and category.use_vi and category.use_en


@pytest.mark.parametrize("value", [-1, 101, 50.5, True, "50"])
def test_wqi_category_rejects_anything_but_an_integer_0_to_100(value):
    with pytest.raises(ValueError, match="VN_WQI"):
        wqi_category(value)


def test_result_as_dict_is_json_serialisable():
    result = wqi({"pH": 7, "BOD5": 4, "COD": 15, "NH4": 0.6, "Coliform": 5000})
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert data["wqi"] == 75
    assert data["category"]["rgb"] == [255, 255, 0]
    assert data["group_indices"] == {"I": 100.0, "IV": 75.0, "V": 75.0}
