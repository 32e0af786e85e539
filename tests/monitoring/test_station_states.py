"""Station states as the worker computes them from the series' live fronts."""

import datetime as dt

import pytest

from ungpho.core.formats.readings_json import ParsedReading
from ungpho.monitoring.models import Reading, Station
from ungpho.monitoring.services import readings_ingest, station_states_refresh

pytestmark = pytest.mark.django_db

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _send(station, *values, minutes_ago=5, status="00"):
    readings = [ParsedReading(i, "GammaDR", NOW - dt.timedelta(minutes=minutes_ago + 5 * (
        len(values) - 1 - i)), v, "µSv/h", status) for i, v in enumerate(values)]
    readings_ingest(station=station, readings=readings, via=Reading.Via.HTTP)


def _state(station, now=NOW):
    station_states_refresh(now=now)
    return Station.objects.get(pk=station.pk).state


def test_a_station_that_reports_is_good(gamma_station):
    _send(gamma_station.station, 0.12, 0.13)
    assert _state(gamma_station.station) == "good"


def test_a_station_silent_for_its_interval_plus_15_minutes_is_offline(gamma_station):
    _send(gamma_station.station, 0.12)
    assert _state(gamma_station.station, NOW + dt.timedelta(minutes=14)) == "good"
    assert _state(gamma_station.station, NOW + dt.timedelta(minutes=16)) == "offline"


def test_a_station_with_no_reading_ever_is_offline(gamma_station):
    assert _state(gamma_station.station) == "offline"


def test_a_calibrating_station_is_calibrating(gamma_station):
    _send(gamma_station.station, 0.12)
    _send(gamma_station.station, 0.12, minutes_ago=0, status="01")
    assert _state(gamma_station.station) == "calibrating"


def test_a_confirmed_exceedance_makes_the_station_exceeding_until_a_valid_low_reading(
        gamma_station):
    _send(gamma_station.station, 0.8, 0.9, minutes_ago=10)
    assert _state(gamma_station.station) == "exceeding"
    _send(gamma_station.station, 0.12, minutes_ago=0)
    assert _state(gamma_station.station) == "good"


def test_the_state_change_is_timed(gamma_station):
    _send(gamma_station.station, 0.12)
    station_states_refresh(now=NOW)
    first = Station.objects.get(pk=gamma_station.station.pk).state_since
    station_states_refresh(now=NOW + dt.timedelta(minutes=1))
    assert Station.objects.get(pk=gamma_station.station.pk).state_since == first == NOW
