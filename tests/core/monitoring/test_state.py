from __future__ import annotations

import re

import pytest

from ungpho.core.monitoring.qc import Flag
from ungpho.core.monitoring.state import PRECEDENCE, StationState, station_state

NOW_S = 1_767_225_600.0
INTERVAL_S = 300


def state(*, ago_s=60.0, flags=(0,), exceeding=False, interval_s=INTERVAL_S):
    last = None if ago_s is None else NOW_S - ago_s
    return station_state(now_s=NOW_S, last_reading_s=last, interval_s=interval_s,
                         latest_flags=list(flags), exceeding=exceeding)


def test_fresh_valid_readings_are_good():
    assert state() is StationState.GOOD


def test_station_that_never_reported_is_offline():
    assert state(ago_s=None) is StationState.OFFLINE


def test_no_data_for_more_than_interval_plus_15_min_is_offline():
    assert state(ago_s=300 + 900 + 1) is StationState.OFFLINE
    assert state(ago_s=300 + 900) is StationState.GOOD


def test_offline_grace_follows_the_station_interval():
    assert state(ago_s=3600 + 900, interval_s=3600) is StationState.GOOD
    assert state(ago_s=3600 + 901, interval_s=3600) is StationState.OFFLINE


def test_any_parameter_with_status_02_is_device_error():
    assert state(flags=(0, Flag.DEVICE_ERROR | Flag.NEGATIVE, 0)) is StationState.DEVICE_ERROR


def test_any_parameter_with_status_01_is_calibrating():
    assert state(flags=(0, Flag.CALIBRATING)) is StationState.CALIBRATING


def test_confirmed_exceedance_is_exceeding():
    assert state(exceeding=True) is StationState.EXCEEDING


def test_suspect_flags_do_not_change_the_state():
    assert state(flags=(Flag.SPIKE | Flag.STUCK,)) is StationState.GOOD


def test_offline_beats_device_error_and_exceeding():
    assert state(ago_s=7200, flags=(Flag.DEVICE_ERROR,), exceeding=True) is StationState.OFFLINE


def test_device_error_beats_calibrating():
    assert state(flags=(Flag.CALIBRATING, Flag.DEVICE_ERROR)) is StationState.DEVICE_ERROR


def test_calibrating_beats_exceeding():
    assert state(flags=(Flag.CALIBRATING,), exceeding=True) is StationState.CALIBRATING


def test_precedence_is_documented_in_order():
    assert PRECEDENCE == (StationState.OFFLINE, StationState.DEVICE_ERROR,
                          StationState.CALIBRATING, StationState.EXCEEDING, StationState.GOOD)


def test_no_latest_readings_and_recent_data_is_good():
    assert state(flags=()) is StationState.GOOD


def test_every_state_has_bilingual_names_and_a_distinct_colour():
    colours = {s.colour for s in StationState}
    assert len(colours) == len(StationState)
    for s in StationState:
        assert s.name_vi and s.name_en
        assert re.fullmatch(r"#[0-9A-F]{6}", s.colour)
    assert StationState.OFFLINE.name_vi == "Mất kết nối"


def test_states_are_stored_as_plain_strings():
    assert StationState("device_error") is StationState.DEVICE_ERROR
    assert str(StationState.GOOD) == "good"


@pytest.mark.parametrize("interval_s", [0, -300, 300.5])
def test_interval_must_be_a_positive_integer(interval_s):
    with pytest.raises(ValueError, match="interval_s"):
        state(interval_s=interval_s)
