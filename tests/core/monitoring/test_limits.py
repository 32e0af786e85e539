from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from ungpho.core.monitoring.limits import (
    LEVEL_NAMES,
    ExceedanceState,
    RadiationConfig,
    alarm_level,
    background_usv_h,
    exceedance_step,
    mean_exceeds,
    national_limits,
    national_limits_load,
    radiation_levels,
)
from ungpho.core.monitoring.qc import Flag

# ── QCVN 05:2023/BTNMT ──────────────────────────────────────────────────────────────────


def test_pm2_5_24h_limit_is_50_until_the_end_of_2025():
    assert national_limits(date(2025, 12, 31))[("PM2.5", "24h")].limit_ug_m3 == 50


def test_pm2_5_24h_limit_is_45_from_2026_01_01():
    limit = national_limits(date(2026, 1, 1))[("PM2.5", "24h")]
    assert limit.limit_ug_m3 == 45
    assert limit.in_force_from == date(2026, 1, 1)


def test_pm2_5_annual_limit_stays_25():
    for day in (date(2024, 1, 1), date(2030, 1, 1)):
        assert national_limits(day)[("PM2.5", "year")].limit_ug_m3 == 25


@pytest.mark.parametrize(("key", "value"), [
    (("SO2", "1h"), 350), (("SO2", "24h"), 125), (("CO", "8h"), 10000),
    (("NO2", "year"), 40), (("O3", "8h"), 120), (("TSP", "24h"), 200),
    (("PM10", "24h"), 100), (("Pb", "24h"), 1.5),
])
def test_bang_1_and_2_values(key, value):
    assert national_limits(date(2024, 6, 1))[key].limit_ug_m3 == value


def test_citation_names_instrument_table_and_article():
    limits = national_limits(date(2024, 6, 1))
    assert limits[("SO2", "1h")].citation == "QCVN 05:2023/BTNMT, Bảng 1, mục 2.1"
    assert limits[("Pb", "24h")].citation == "QCVN 05:2023/BTNMT, Bảng 2, mục 2.2"


def test_no_limits_before_the_effective_date():
    assert national_limits(date(2023, 9, 11)) == {}
    assert ("SO2", "1h") in national_limits(date(2023, 9, 12))


def test_a_datetime_is_refused_as_the_day():
    with pytest.raises(ValueError, match="on: must be a date"):
        national_limits(datetime(2026, 1, 1, 3, 0))


def test_mean_exceeds_only_strictly_above():
    limit = national_limits(date(2026, 1, 1))[("PM2.5", "24h")]
    assert not mean_exceeds(limit, 45.0)
    assert mean_exceeds(limit, 45.1)
    with pytest.raises(ValueError, match="mean_value"):
        mean_exceeds(limit, float("nan"))


_HEAD = """\
instrument: QCVN 05:2023/BTNMT
effective: 2023-09-12
unit: µg/Nm³
limits:
  - {parameter: SO2, averaging: 1h, limit: 350, table: Bảng 1, article: mục 2.1}
"""


def _load(tmp_path, rows: str, head: str = _HEAD):
    path = tmp_path / "qcvn05_2023.yaml"
    path.write_text(head + rows, encoding="utf-8")
    return national_limits_load(path)


def test_good_limits_file_loads(tmp_path):
    rows = _load(tmp_path, "")
    assert [(r.parameter, r.limit_ug_m3) for r in rows] == [("SO2", 350.0)]


@pytest.mark.parametrize(("row", "message"), [
    ("{parameter: SO3, averaging: 1h, limit: 1, table: T, article: A}",
     r"line 6: row SO3/1h: field parameter: 'SO3' is not an ambient_air code"),
    ('{parameter: "PM2,5", averaging: 24h, limit: 1, table: T, article: A}',
     r"row PM2,5/24h: field parameter"),
    ("{parameter: SO2_stack, averaging: 1h, limit: 1, table: T, article: A}",
     r"row SO2_stack/1h: field parameter"),
    ("{parameter: SO2, averaging: 2h, limit: 1, table: T, article: A}",
     r"row SO2/2h: field averaging: '2h' is not one of"),
    ("{parameter: SO2, averaging: 24h, limit: -5, table: T, article: A}",
     r"row SO2/24h: field limit: must be a positive number"),
    ("{parameter: SO2, averaging: 24h, limit: 5, article: A}",
     r"row SO2/24h: field table: missing"),
    ("{parameter: SO2, averaging: 24h, limit: 5, table: T, article: A, colour: red}",
     r"row SO2/24h: field colour: unknown"),
    ("{parameter: SO2, averaging: 24h, limit: 5, table: T, article: A, "
     "in_force_from: 2020-01-01}",
     r"row SO2/24h: field in_force_from: 2020-01-01 is before"),
    ("{parameter: SO2, averaging: 1h, limit: 300, table: T, article: A}",
     r"line 6: row SO2/1h: field in_force_from: 2023-09-12 already given at "
     r"qcvn05_2023.yaml line 5"),
])
def test_bad_limit_rows_name_line_row_and_field(tmp_path, row, message):
    with pytest.raises(ValueError, match=message):
        _load(tmp_path, f"  - {row}\n")


def test_bad_header_field_is_named(tmp_path):
    with pytest.raises(ValueError, match="field unit: unit 'ppb/m3': unknown unit"):
        _load(tmp_path, "", head=_HEAD.replace("µg/Nm³", "ppb/m3"))


def test_limit_unit_must_match_the_catalogue(tmp_path):
    with pytest.raises(ValueError, match="SO2 is in µg/Nm³ in parameters.yaml, the limits in "
                                         "mg/Nm³"):
        _load(tmp_path, "", head=_HEAD.replace("µg/Nm³", "mg/Nm3"))


def test_a_later_row_supersedes_from_its_date(tmp_path):
    rows = _load(tmp_path, "  - {parameter: SO2, averaging: 1h, limit: 300, table: T, "
                           "article: A, in_force_from: 2030-01-01}\n")
    assert [r.limit_ug_m3 for r in rows] == [350.0, 300.0]


# ── radiation levels ────────────────────────────────────────────────────────────────────


def test_radiation_levels_for_a_typical_background():
    assert radiation_levels(background_usv_h=0.1) == pytest.approx((0.2, 1.0, 100.0))


def test_high_background_keeps_level_2_at_ten_times():
    assert radiation_levels(background_usv_h=0.5) == pytest.approx((1.0, 5.0, 100.0))


def test_level_3_is_the_inner_cordon_value_and_counts_at_100_usv_h():
    levels = radiation_levels(background_usv_h=0.1)
    assert alarm_level(100.0, levels, at_or_above=True) == 3
    assert alarm_level(99.9, levels, at_or_above=True) == 2
    assert alarm_level(0.2, levels, at_or_above=True) == 1
    assert alarm_level(0.19, levels, at_or_above=True) == 0


@pytest.mark.parametrize("background", [0.0, -0.1, 10.0, float("nan")])
def test_implausible_background_is_refused(background):
    with pytest.raises(ValueError, match="background_usv_h"):
        radiation_levels(background_usv_h=background)


def test_radiation_config_is_validated():
    assert radiation_levels(background_usv_h=0.1, config=RadiationConfig(
        level1_factor=3.0, level2_min_usv_h=2.0)) == pytest.approx((0.3, 2.0, 100.0))
    with pytest.raises(ValueError, match="level1_factor"):
        RadiationConfig(level1_factor=20.0)


def test_background_is_the_median_and_ignores_a_short_rain_peak():
    values = [0.10, 0.11, 0.09, 0.10, 0.35, 0.40, 0.12]
    assert background_usv_h(values) == pytest.approx(0.11)


def test_background_needs_valid_values():
    with pytest.raises(ValueError, match="valid_values"):
        background_usv_h([])
    with pytest.raises(ValueError, match="valid_values"):
        background_usv_h([0.1, float("nan")])


# ── operator alarm levels ───────────────────────────────────────────────────────────────


def test_alarm_level_is_strictly_above():
    levels = (50.0, 100.0, 200.0)
    assert [alarm_level(v, levels) for v in (50.0, 50.1, 100.0, 150.0, 250.0)] == [
        0, 1, 1, 2, 3]


def test_alarm_level_skips_unset_levels():
    assert alarm_level(60.0, (None, 50.0, 100.0)) == 2
    assert alarm_level(10.0, (None, 50.0)) == 0
    assert alarm_level(10.0, ()) == 0


@pytest.mark.parametrize(("levels", "message"), [
    ((100.0, 50.0), "level 2 \\(50\\) must be above"),
    ((50.0, None, 50.0), "level 3 \\(50\\) must be above"),
    ((1.0, 2.0, 3.0, 4.0), "at most 3"),
    ((float("inf"),), "level 1 must be a finite number"),
])
def test_bad_levels_are_named(levels, message):
    with pytest.raises(ValueError, match=message):
        alarm_level(1.0, levels)


def test_levels_have_bilingual_names():
    assert set(LEVEL_NAMES) == {0, 1, 2, 3}
    assert all(vi and en for vi, en in LEVEL_NAMES.values())


# ── confirmation ────────────────────────────────────────────────────────────────────────


def steps(readings, *, confirm_count=2, state=None):
    state = ExceedanceState() if state is None else state
    return [exceedance_step(level_now=level, flags=flags, state=state,
                            confirm_count=confirm_count) for level, flags in readings]


def test_a_single_high_reading_confirms_nothing():
    assert steps([(3, 0), (0, 0)]) == [None, None]


def test_two_consecutive_valid_readings_confirm_the_level_once():
    assert steps([(2, 0), (2, 0), (2, 0)]) == [None, 2, None]


def test_a_flagged_reading_neither_confirms_nor_resets():
    assert steps([(2, 0), (3, Flag.SPIKE | Flag.OUT_OF_RANGE), (2, 0)]) == [None, None, 2]


def test_flagged_readings_alone_never_confirm():
    assert steps([(3, Flag.DEVICE_ERROR)] * 5) == [None] * 5


def test_suspect_readings_count():
    assert steps([(1, Flag.SPIKE), (1, Flag.STUCK)]) == [None, 1]


def test_a_valid_reading_below_level_1_resets():
    state = ExceedanceState()
    assert steps([(2, 0), (0, 0), (2, 0)], state=state) == [None, None, None]
    assert steps([(2, 0), (2, 0), (0, 0), (2, 0), (2, 0)]) == [None, 2, None, None, 2]


def test_escalation_is_confirmed_per_level():
    assert steps([(1, 0), (1, 0), (3, 0), (3, 0), (2, 0)]) == [None, 1, None, 3, None]


def test_mixed_levels_confirm_the_lowest_common_level():
    assert steps([(3, 0), (2, 0)]) == [None, 2]


def test_a_lower_level_does_not_lower_the_confirmed_level():
    state = ExceedanceState()
    steps([(3, 0), (3, 0), (1, 0), (1, 0)], state=state)
    assert state.level == 3


def test_confirm_count_1_confirms_at_once():
    assert steps([(2, 0)], confirm_count=1) == [2]


def test_exceedance_state_round_trips_through_json():
    state = ExceedanceState()
    steps([(2, 0), (2, 0), (3, 0)], state=state)
    restored = ExceedanceState.from_json(json.loads(json.dumps(state.to_json())))
    assert restored == state == ExceedanceState(runs=[3, 3, 1], level=2)
    assert steps([(3, 0)], state=restored) == [3]
    assert ExceedanceState.from_json(None) == ExceedanceState.empty() == ExceedanceState(
        runs=[0, 0, 0], level=0)


@pytest.mark.parametrize(("data", "field"), [
    ({"runs": [1, 2]}, "runs"), ({"level": 4}, "level"), ({"run": 1}, "unknown"),
])
def test_exceedance_state_from_bad_json_names_the_field(data, field):
    with pytest.raises(ValueError, match=field):
        ExceedanceState.from_json(data)


def test_bad_level_now_is_refused():
    with pytest.raises(ValueError, match="level_now"):
        exceedance_step(level_now=4, flags=0, state=ExceedanceState())
