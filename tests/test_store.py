"""The bulk writer of readings: surely-new rows in one go, the rest counted group by group,
exact on both databases even when the series' memory is behind the table."""

import datetime as dt

import pytest

from ungpho.monitoring.models import Reading
from ungpho.monitoring.store import readings_insert

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 21, 3, 30, tzinfo=dt.UTC)


def _rows(station, parameter, minutes):
    return [(station.pk, parameter.pk, T0 + dt.timedelta(minutes=m), 0.1 + m / 100, 0, NOW,
             "http") for m in minutes]


def test_surely_new_groups_are_stored_whole(gamma_station):
    s, p = gamma_station.station, gamma_station.parameter
    assert readings_insert([_rows(s, p, [0, 5]), _rows(s, p, [10])], [True, True]) == [2, 1]
    assert Reading.objects.count() == 3


def test_unsure_groups_count_their_duplicates_one_group_at_a_time(gamma_station):
    s, p = gamma_station.station, gamma_station.parameter
    readings_insert([_rows(s, p, [0, 5])], [True])
    counts = readings_insert([_rows(s, p, [0, 10]), _rows(s, p, [10, 15])], [False, False])
    assert counts == [1, 1]
    assert Reading.objects.count() == 4


def test_a_wrong_surely_new_falls_back_to_exact_counts(gamma_station):
    s, p = gamma_station.station, gamma_station.parameter
    readings_insert([_rows(s, p, [0])], [True])
    counts = readings_insert([_rows(s, p, [0, 5]), _rows(s, p, [20])], [True, True])
    assert counts == [1, 1]
    assert Reading.objects.count() == 3


def test_empty_groups_count_zero(gamma_station):
    s, p = gamma_station.station, gamma_station.parameter
    assert readings_insert([[], _rows(s, p, [0]), []], [True, False, True]) == [0, 1, 0]
