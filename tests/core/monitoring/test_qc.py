from __future__ import annotations

import json

import pytest

from ungpho.core.monitoring.qc import (
    DEFAULT_QC,
    DISQUALIFYING,
    Flag,
    QcConfig,
    SeriesState,
    flag_labels,
    qc_flags,
)

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z
STEP_S = 300.0


def check(value, *, status="00", at=T0, received=None, low=0.0, high=1000.0, state=None,
          config=DEFAULT_QC):
    return qc_flags(value=value, status=status, observed_at_s=at,
                    received_at_s=at + 30 if received is None else received,
                    range_min=low, range_max=high,
                    state=SeriesState() if state is None else state, config=config)


def feed(state, values, *, start=T0):
    """Feed values 5 min apart on the live front; the flags of each."""
    return [check(v, at=start + i * STEP_S, state=state) for i, v in enumerate(values)]


# ── stateless checks ────────────────────────────────────────────────────────────────────


def test_plain_reading_with_status_00_has_no_flag():
    assert check(42.0) == 0


def test_status_01_is_flagged_calibrating():
    assert check(42.0, status="01") == Flag.CALIBRATING


def test_status_02_is_flagged_device_error():
    assert check(42.0, status="02") == Flag.DEVICE_ERROR


def test_unknown_status_is_rejected_naming_the_field():
    with pytest.raises(ValueError, match="status: '03'"):
        check(42.0, status="03")


def test_above_range_max_is_out_of_range():
    assert check(1000.5) == Flag.OUT_OF_RANGE
    assert check(1000.0) == 0


def test_below_a_negative_range_min_is_out_of_range():
    assert check(-45.0, low=-40.0, high=100.0) == Flag.OUT_OF_RANGE


def test_nan_and_infinity_are_out_of_range():
    assert check(float("nan")) == Flag.OUT_OF_RANGE
    assert check(float("inf"), low=None, high=None) == Flag.OUT_OF_RANGE


def test_negative_concentration_is_flagged_negative_not_out_of_range():
    assert check(-0.4) == Flag.NEGATIVE


def test_negative_temperature_within_range_is_valid():
    assert check(-5.0, low=-40.0, high=100.0) == 0


def test_zero_where_the_physical_minimum_is_positive_is_flagged_zero():
    assert check(0.0, low=500.0, high=1100.0) == Flag.ZERO
    assert check(300.0, low=500.0, high=1100.0) == Flag.OUT_OF_RANGE


def test_zero_concentration_is_valid():
    assert check(0.0) == 0


def test_observed_more_than_5_min_after_received_is_future():
    assert check(1.0, at=T0 + 301, received=T0) == Flag.FUTURE
    assert check(1.0, at=T0 + 300, received=T0) == 0


def test_observed_more_than_30_days_before_received_is_too_old():
    assert check(1.0, at=T0, received=T0 + 30 * 86400 + 1) == Flag.TOO_OLD
    assert check(1.0, at=T0, received=T0 + 30 * 86400) == 0


def test_flags_combine():
    assert check(-1.0, status="02", at=T0 + 600, received=T0) == (
        Flag.DEVICE_ERROR | Flag.NEGATIVE | Flag.FUTURE)


# ── stuck ───────────────────────────────────────────────────────────────────────────────


def test_sixth_identical_value_in_a_row_is_stuck():
    flags = feed(SeriesState(), [7.25] * 7 + [7.3])
    assert [bool(f & Flag.STUCK) for f in flags] == [False] * 5 + [True, True, False]


def test_runs_of_zero_are_not_stuck():
    assert not any(f & Flag.STUCK for f in feed(SeriesState(), [0.0] * 10))


def test_stuck_count_is_configurable():
    state, config = SeriesState(), QcConfig(stuck_count=3)
    flags = [check(5.0, at=T0 + i * STEP_S, state=state, config=config) for i in range(3)]
    assert flags == [0, 0, Flag.STUCK]


# ── spike ───────────────────────────────────────────────────────────────────────────────


def test_jump_far_from_the_recent_series_is_a_spike():
    flags = feed(SeriesState(), [10, 11, 10, 12, 11, 60, 11])
    assert flags == [0, 0, 0, 0, 0, Flag.SPIKE, 0]


def test_ordinary_variation_is_not_a_spike():
    assert not any(f & Flag.SPIKE for f in feed(SeriesState(), [40, 55, 38, 61, 45, 70, 35]))


def test_spike_needs_a_full_window():
    assert feed(SeriesState(), [10, 11, 10, 12, 90]) == [0] * 5


def test_a_real_step_stops_being_a_spike_within_three_readings():
    # once two step values are in the window its quartile spread covers the step
    flags = feed(SeriesState(), [0.10, 0.11, 0.10, 0.12, 0.11] + [5.0] * 5)
    assert [bool(f & Flag.SPIKE) for f in flags[5:]] == [True, True, False, False, False]


def test_spike_is_suspect_not_disqualifying():
    assert not Flag.SPIKE & DISQUALIFYING
    assert not Flag.STUCK & DISQUALIFYING


# ── live front and state ────────────────────────────────────────────────────────────────


def test_back_filled_reading_gets_only_stateless_checks():
    state = SeriesState()
    feed(state, [10, 11, 10, 12, 11])
    before = state.to_json()
    assert check(60.0, at=T0 + STEP_S / 2, state=state) == 0  # would be a spike live
    assert check(-1.0, at=T0, state=state) == Flag.NEGATIVE
    assert state.to_json() == before


def test_duplicate_timestamp_does_not_update_the_state():
    state = SeriesState()
    feed(state, [5.0])
    check(5.0, at=T0, state=state)
    assert state.repeats == 1


def test_future_reading_does_not_advance_the_live_front():
    state = SeriesState()
    feed(state, [10, 11])
    check(12.0, at=T0 + 86400 * 365, received=T0 + 2 * STEP_S, state=state)
    assert state.last_at_s == T0 + STEP_S
    assert check(12.0, at=T0 + 2 * STEP_S, state=state) == 0
    assert state.recent == [10, 11, 12]


def test_disqualified_reading_advances_time_but_not_the_series():
    state = SeriesState()
    feed(state, [10, 11])
    assert check(500.0, status="01", at=T0 + 2 * STEP_S, state=state) == Flag.CALIBRATING
    assert state.last_at_s == T0 + 2 * STEP_S
    assert state.recent == [10, 11]
    assert state.last_value == 11


def test_series_state_round_trips_through_json():
    state = SeriesState()
    feed(state, [1.5, 1.5, 2.5])
    restored = SeriesState.from_json(json.loads(json.dumps(state.to_json())))
    assert restored == state
    assert SeriesState.from_json(None) == SeriesState.empty() == SeriesState()


@pytest.mark.parametrize(("data", "field"), [
    ({"last_at_s": "yesterday"}, "last_at_s"),
    ({"repeats": -1}, "repeats"),
    ({"recent": [1, None]}, "recent"),
    ({"colour": 1}, "unknown"),
])
def test_series_state_from_bad_json_names_the_field(data, field):
    with pytest.raises(ValueError, match=field):
        SeriesState.from_json(data)


def test_window_stored_under_a_larger_config_is_trimmed():
    state = SeriesState(last_at_s=T0 - STEP_S, recent=[10.0, 11, 10, 12, 11, 10, 11])
    assert check(60.0, at=T0, state=state) == Flag.SPIKE
    assert len(state.recent) == DEFAULT_QC.spike_window


# ── labels, mask, config ────────────────────────────────────────────────────────────────


def test_disqualifying_mask_holds_the_invalidating_flags():
    assert DISQUALIFYING == (Flag.CALIBRATING | Flag.DEVICE_ERROR | Flag.OUT_OF_RANGE
                             | Flag.NEGATIVE | Flag.ZERO | Flag.FUTURE | Flag.TOO_OLD)


def test_flag_labels_are_bilingual_in_bit_order():
    assert flag_labels(Flag.SPIKE | Flag.CALIBRATING) == [
        ("CALIBRATING", "Đang hiệu chuẩn (trạng thái 01)", "Calibrating (status 01)"),
        ("SPIKE", "Đột biến so với chuỗi gần nhất", "Spike against the recent series"),
    ]
    assert flag_labels(0) == []


def test_every_flag_has_labels():
    for flag in Flag:
        assert flag.name_vi and flag.name_en and flag.name_vi != flag.name_en


def test_flag_labels_reject_unknown_bits():
    with pytest.raises(ValueError, match="flags: 512"):
        flag_labels(512)


@pytest.mark.parametrize(("field", "value"), [
    ("spike_window", 4), ("stuck_count", 1), ("future_s", -1.0), ("spike_k", 0.0),
])
def test_bad_config_names_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        QcConfig(**{field: value})
