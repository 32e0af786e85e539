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


def test_groups_longer_than_one_statement_are_stored_and_counted_exactly(gamma_station):
    s, p = gamma_station.station, gamma_station.parameter
    assert readings_insert([_rows(s, p, range(0, 5000))], [True]) == [5000]
    # 2,000 of these 4,500 are known; they straddle statements of the unsure path.
    assert readings_insert([_rows(s, p, range(3000, 7500))], [False]) == [2500]
    stored = dict(Reading.objects.values_list("observed_at", "value"))
    assert stored == {T0 + dt.timedelta(minutes=m): 0.1 + m / 100 for m in range(7500)}


def test_sqlite_insert_splits_rows_by_the_connections_bind_limit(gamma_station):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL writes readings by COPY")
    from sqlite3 import SQLITE_LIMIT_VARIABLE_NUMBER

    from ungpho.monitoring.store import READING_COLUMNS, sqlite_insert

    s, p = gamma_station.station, gamma_station.parameter
    rows = [(s.pk, p.pk, f"2026-11-21 03:{m:02d}:00", float(m), 0, "2026-11-21 03:30:00",
             "http") for m in range(5)]
    with connection.cursor() as cursor:
        raw = cursor.connection
        limit = raw.getlimit(SQLITE_LIMIT_VARIABLE_NUMBER)
        raw.setlimit(SQLITE_LIMIT_VARIABLE_NUMBER, 2 * len(READING_COLUMNS))  # 2 rows a go
        try:
            written = sqlite_insert(raw.cursor(), Reading._meta.db_table, READING_COLUMNS,
                                    [v for row in rows + rows[:1] for v in row],
                                    verb="INSERT OR IGNORE")
        finally:
            raw.setlimit(SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    assert written == 5  # the sixth row repeats the first
    assert sorted(Reading.objects.values_list("value", flat=True)) == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_a_wrong_surely_new_after_rows_already_streamed_still_counts_exactly(gamma_station):
    s, p = gamma_station.station, gamma_station.parameter
    readings_insert([_rows(s, p, [7000])], [True])
    # The first group is far more COPY data than one piece: on PostgreSQL it is on its way to
    # the server before the second group, whose first row is known, comes.
    counts = readings_insert([_rows(s, p, range(5000)), _rows(s, p, [7000, 7005])],
                             [True, True])
    assert counts == [5000, 1]
    assert Reading.objects.count() == 5002


def test_a_failure_between_groups_writes_nothing_and_leaves_the_connection_usable(
        gamma_station):
    from ungpho.monitoring.store import ReadingsWriter

    s, p = gamma_station.station, gamma_station.parameter
    with pytest.raises(RuntimeError, match="batch failed"), ReadingsWriter() as writer:
        writer.add(_rows(s, p, range(5000)), True)
        raise RuntimeError("batch failed")
    assert Reading.objects.count() == 0
    assert readings_insert([_rows(s, p, [0])], [True]) == [1]


def test_rows_of_one_reception_and_door_and_of_several_are_stored_with_their_own(
        gamma_station):
    s, p = gamma_station.station, gamma_station.parameter
    later = NOW + dt.timedelta(minutes=1)
    shared = _rows(s, p, [0, 5])
    mixed = [(*row[:5], later, "mqtt") for row in _rows(s, p, [10])] + _rows(s, p, [15])
    assert readings_insert([shared, mixed], [True, True]) == [2, 2]
    stored = {(r.observed_at, r.value, r.received_at, r.via) for r in Reading.objects.all()}
    assert stored == {(T0 + dt.timedelta(minutes=m), 0.1 + m / 100, received, via)
                      for m, received, via in [(0, NOW, "http"), (5, NOW, "http"),
                                               (10, later, "mqtt"), (15, NOW, "http")]}


def test_values_and_times_come_back_exactly_as_written_on_both_paths(gamma_station):
    # PostgreSQL takes readings in COPY's binary format: times as microseconds since 2000,
    # floats as their 8 bytes, the door's name with its length.
    s, p = gamma_station.station, gamma_station.parameter
    ict = dt.timezone(dt.timedelta(hours=7))
    times = [dt.datetime(2026, 11, 21, 10, 0, 0, 123456, tzinfo=ict),
             dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
             dt.datetime(2026, 11, 21, 3, 5, tzinfo=dt.UTC)]
    values = [0.1 + 0.2, -1e-300, 123456789.123456789]
    doors = ["eurdep", "http", "mqtt"]
    flags = [0, 1 << 30, 5]
    rows = [(s.pk, p.pk, at, v, f, NOW - dt.timedelta(microseconds=7), via)
            for at, v, f, via in zip(times, values, flags, doors, strict=True)]
    assert readings_insert([rows[:2]], [True]) == [2]
    assert readings_insert([rows], [False]) == [1]  # the staging path of PostgreSQL
    stored = set(Reading.objects.values_list("observed_at", "value", "flags",
                                             "received_at", "via"))
    assert stored == {(at, v, f, NOW - dt.timedelta(microseconds=7), via)
                      for at, v, f, via in zip(times, values, flags, doors, strict=True)}


def test_sqlite_insert_binds_shared_columns_once_per_statement_within_the_bind_limit(
        gamma_station):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL writes readings by COPY")
    from sqlite3 import SQLITE_LIMIT_VARIABLE_NUMBER

    from ungpho.monitoring.store import READING_COLUMNS, sqlite_insert

    s, p = gamma_station.station, gamma_station.parameter
    rows = [(s.pk, p.pk, f"2026-11-21 03:{m:02d}:00", float(m), 0) for m in range(5)]
    with connection.cursor() as cursor:
        raw = cursor.connection
        limit = raw.getlimit(SQLITE_LIMIT_VARIABLE_NUMBER)
        raw.setlimit(SQLITE_LIMIT_VARIABLE_NUMBER, 2 + 2 * 5)  # the shared two and 2 rows
        try:
            written = sqlite_insert(raw.cursor(), Reading._meta.db_table, READING_COLUMNS[:5],
                                    [v for row in rows for v in row], verb="INSERT OR IGNORE",
                                    shared={"received_at": "2026-11-21 03:30:00",
                                            "via": "file"})
        finally:
            raw.setlimit(SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    assert written == 5
    assert sorted(Reading.objects.values_list("value", "received_at", "via")) == [
        (float(m), NOW, "file") for m in range(5)]
