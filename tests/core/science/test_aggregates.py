"""Time aggregates: completeness at exactly 75 %, gaps that stay in place, unsorted input, the
Vietnam local day (17:00 UTC) and month (leap February 2028), the 8-hour means and the NowCast
worked examples of QĐ 1459/QĐ-TCMT §2.2.2.a and §2.3.a, and the API rows."""

import json
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from ungpho.core.science.aggregates import (
    daily_max_8h,
    daily_max_hourly,
    daily_means,
    hourly_means,
    monthly_means,
    nowcast_inputs,
    rolling_mean,
    series_aggregate,
)
from ungpho.core.science.aqi import nowcast_ug_m3

VN = timezone(timedelta(hours=7))
H = 3600


def local(*args: int) -> int:
    return int(datetime(*args, tzinfo=VN).timestamp())


def readings(hour_ends_s, means, per_hour: int = 12):
    """5-minute readings equal to ``means`` in the hours ending at ``hour_ends_s``."""
    t = np.concatenate([e - H + 300 * np.arange(per_hour) for e in hour_ends_s])
    return t.astype(np.float64), np.repeat(np.asarray(means, np.float64), per_hour)


# §2.2.2.a example: O3 hourly means 18:00 (day 0) … 0:00 (day 2) and the printed 8-hour means
# labelled 1:00 … 0:00 of day 1; max 74,4.
O3_HOURLY = (15.7, 14.2, 17.7, 18.9, 19.3, 15.7, 19.7, 22.6, 27.1, 29.0, 31.9, 25.3, 34.7, 35.2,
             41.6, 45.7, 49.2, 55.8, 69.6, 78.3, 91.5, 97.7, 81.2, 71.8, 43.5, 34.3, 21.5, 20.5,
             19.4, 20.4, 21.3)
O3_8H = (18.0, 19.4, 21.2, 23.0, 23.8, 25.8, 28.2, 30.9, 33.8, 36.6, 39.9, 44.7, 51.3, 58.4,
         66.2, 71.1, 74.4, 73.7, 71.0, 65.0, 57.8, 48.7, 39.1, 31.6)
DAY1 = local(2028, 3, 2)
O3_ENDS = DAY1 - 6 * H + H * np.arange(len(O3_HOURLY))
# §2.3.a: PM2.5 hourly means 09:00 … 20:00, NowCast 20,3.
PM25 = (26.9, 24.7, 20.5, 23.5, 19.5, 16.5, 19.0, 16.5, 20.3, 22.4, 19.6, 20.6)


def test_hourly_mean_is_labelled_by_the_end_of_its_hour():
    t = local(2028, 1, 1, 9) + 300.0 * np.arange(12)
    hourly = hourly_means(t, np.arange(12.0))
    assert hourly.end_s.tolist() == [local(2028, 1, 1, 10)]
    assert hourly.start_s.tolist() == [local(2028, 1, 1, 9)]
    assert hourly.means[0] == pytest.approx(5.5)
    assert (hourly.mins[0], hourly.maxs[0], hourly.counts[0]) == (0.0, 11.0, 12)


def test_hour_with_exactly_75_percent_of_readings_is_complete():
    t = local(2028, 1, 1, 9) + 300.0 * np.arange(9)
    assert hourly_means(t, np.full(9, 4.0)).means[0] == pytest.approx(4.0)


def test_hour_with_8_of_12_readings_is_nan_never_zero():
    t = local(2028, 1, 1, 9) + 300.0 * np.arange(8)
    hourly = hourly_means(t, np.full(8, 4.0))
    assert np.isnan(hourly.means[0])
    assert hourly.counts[0] == 8 and hourly.maxs[0] == 4.0


def test_coverage_follows_interval_s_and_min_coverage():
    t = local(2028, 1, 1, 9) + 600.0 * np.arange(5)  # 5 of 6 ten-minute readings
    assert hourly_means(t, np.ones(5), interval_s=600).means[0] == 1.0
    assert np.isnan(hourly_means(t, np.ones(5), interval_s=600, min_coverage=0.9).means[0])


def test_reading_stamped_on_the_hour_opens_the_next_hour():
    t = np.array([local(2028, 1, 1, 10)], np.float64)
    assert hourly_means(t, [1.0], min_coverage=0.01).end_s.tolist() == [local(2028, 1, 1, 11)]


def test_unsorted_input_gives_the_same_means_as_sorted():
    rng = np.random.default_rng(1)
    t = local(2028, 1, 1) + 300.0 * np.arange(288 * 3)
    v = rng.random(t.size) * 80
    order = rng.permutation(t.size)
    a, b = hourly_means(t, v), hourly_means(t[order], v[order])
    np.testing.assert_allclose(a.means, b.means, rtol=1e-12)
    np.testing.assert_array_equal(a.counts, b.counts)
    np.testing.assert_array_equal(a.maxs, b.maxs)


def test_gap_hours_keep_their_place_as_nan_with_count_0():
    t, v = readings([local(2028, 1, 1, h) for h in (1, 2, 6)], [10.0, 20.0, 60.0])
    hourly = hourly_means(t, v)
    assert np.all(np.diff(hourly.end_s) == H) and hourly.end_s.size == 6
    assert hourly.counts.tolist() == [12, 12, 0, 0, 0, 12]
    np.testing.assert_array_equal(hourly.means, [10, 20, np.nan, np.nan, np.nan, 60])


def test_empty_input_gives_empty_series_and_no_rows():
    assert hourly_means([], []).end_s.size == 0
    assert rolling_mean(hourly_means([], []), 8, min_hours=6).means.size == 0
    assert daily_means([], []).means.size == 0 and monthly_means([], []).means.size == 0
    assert daily_max_8h([], []).maxima.size == 0
    assert nowcast_inputs(hourly_means([], []), local(2028, 1, 1)) == [None] * 12
    for period in ("raw", "1h", "8h", "24h", "day", "month"):
        assert series_aggregate([], [], period=period) == []


@pytest.mark.parametrize(("times", "values", "message"), [
    ([0.0, 300.0], [1.0, float("nan")], r"values\[1\]"),
    ([0.0, float("inf")], [1.0, 2.0], r"times_s\[1\]"),
    ([0.0, 300.0], [1.0], "same length|one length"),
    (["a"], [1.0], "times_s must be numeric"),
])
def test_bad_readings_are_rejected_naming_the_field(times, values, message):
    with pytest.raises(ValueError, match=message):
        hourly_means(times, values)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"period": "week"}, "period"),
    ({"period": "1h", "min_coverage": 0.0}, "min_coverage"),
    ({"period": "1h", "interval_s": 0}, "interval_s"),
    ({"period": "day", "tz_offset_s": 1800}, "tz_offset_s"),
])
def test_bad_parameters_are_rejected_naming_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        series_aggregate([0.0], [1.0], **kwargs)


def test_8h_means_reproduce_the_qd1459_worked_example():
    eight = rolling_mean(hourly_means(*readings(O3_ENDS, O3_HOURLY)), 8, min_hours=6)
    day1 = eight.means[7:]
    assert eight.end_s[7:].tolist() == [DAY1 + H * k for k in range(1, 25)]
    # Printed to 0,1; 12:00 prints 44,7 for 44,64 (probably from unrounded hourly means).
    np.testing.assert_allclose(day1, O3_8H, atol=0.07)
    assert round(float(np.nanmax(day1)), 1) == 74.4
    assert eight.start_s[7] == DAY1 + H - 8 * H


def test_8h_mean_needs_6_of_its_8_hours():
    ends = local(2028, 1, 1) + H * np.arange(1, 9)
    t, v = readings(ends, np.arange(1.0, 9.0))
    keep_6 = (t < ends[5] - H) | (t >= ends[7] - H)  # drop hours 6 and 7
    keep_5 = keep_6 & (t >= ends[0])  # and hour 1
    six = rolling_mean(hourly_means(t[keep_6], v[keep_6]), 8, min_hours=6)
    five = rolling_mean(hourly_means(t[keep_5], v[keep_5]), 8, min_hours=6)
    assert six.means[-1] == pytest.approx((1 + 2 + 3 + 4 + 5 + 8) / 6)
    assert six.counts[-1] == 6
    assert np.isnan(five.means[-1]) and five.counts[-1] == 5


def test_first_windows_count_hours_before_the_series_as_missing():
    hourly = hourly_means(*readings(local(2028, 1, 1) + H * np.arange(1, 25), np.ones(24)))
    eight = rolling_mean(hourly, 8, min_hours=6)
    assert np.isnan(eight.means[:5]).all() and eight.means[5] == 1.0


@pytest.mark.parametrize(("valid_hours", "complete"), [(18, True), (17, False)])
def test_24h_running_mean_needs_18_hours(valid_hours, complete):
    ends = local(2028, 1, 1) + H * np.arange(1, 25)
    t, v = readings(ends[:valid_hours], np.full(valid_hours, 3.0))
    t, v = np.r_[t, ends[-1] - 60], np.r_[v, 1.0]  # a lone reading in the 24th hour
    last = rolling_mean(hourly_means(t, v), 24, min_hours=18)
    assert last.end_s[-1] == ends[-1] and last.counts[-1] == valid_hours
    assert last.means[-1] == 3.0 if complete else np.isnan(last.means[-1])


def test_local_day_runs_from_17_00_to_17_00_utc():
    t = local(2028, 1, 2) + 300.0 * np.arange(-288, 288)
    v = np.where(t < local(2028, 1, 2), 10.0, 30.0)
    days = daily_means(t, v)
    utc_starts = [datetime.fromtimestamp(s, UTC) for s in days.start_s.tolist()]
    assert utc_starts == [datetime(2027, 12, 31, 17, tzinfo=UTC), datetime(2028, 1, 1, 17,
                                                                           tzinfo=UTC)]
    np.testing.assert_allclose(days.means, [10.0, 30.0])
    assert days.counts.tolist() == [24, 24]


def test_day_mean_is_the_24h_mean_ending_at_local_midnight():
    rng = np.random.default_rng(2)
    t = local(2028, 1, 1) + 300.0 * np.arange(288 * 2)
    v = rng.random(t.size) * 100
    day, hourly = daily_means(t, v), hourly_means(t, v)
    at_midnight = hourly.end_s == local(2028, 1, 2)
    assert rolling_mean(hourly, 24, min_hours=18).means[at_midnight][0] == pytest.approx(
        day.means[0], rel=1e-12)


@pytest.mark.parametrize(("valid_hours", "complete"), [(18, True), (17, False)])
def test_day_needs_18_valid_hourly_means(valid_hours, complete):
    ends = local(2028, 1, 1) + H * np.arange(1, valid_hours + 1)
    t, v = readings(ends, np.full(valid_hours, 7.0))
    t, v = np.r_[t, local(2028, 1, 1, 23, 50)], np.r_[v, 1.0]  # a lone reading: hour incomplete
    mean = daily_means(t, v).means[0]
    assert mean == 7.0 if complete else np.isnan(mean)


def test_daily_max_hourly_is_the_largest_hourly_mean_of_the_local_day():
    ends = local(2028, 1, 1) + H * np.arange(1, 25)
    means = np.full(24, 5.0)
    means[23] = 90.0  # the hour 23:00–24:00 local, labelled 00:00 next day, is still day 1
    t, v = readings(ends, means)
    maxima = daily_max_hourly(t, v)
    assert maxima.maxima.tolist() == [90.0]
    assert maxima.start_s.tolist() == [local(2028, 1, 1)]


def test_daily_max_8h_takes_the_windows_ending_01_00_to_24_00_local():
    maxima = daily_max_8h(*readings(O3_ENDS, O3_HOURLY))
    assert maxima.start_s.tolist() == [DAY1 - 24 * H, DAY1]
    assert np.isnan(maxima.maxima[0])  # day 0 has 6 hours of data
    assert maxima.maxima[1] == pytest.approx(74.3875)
    assert maxima.counts[1] == 24


@pytest.mark.parametrize(("valid_days", "complete"), [(22, True), (21, False)])
def test_leap_february_2028_needs_22_of_its_29_days(valid_days, complete):
    start = local(2028, 2, 1)
    t = start + 300.0 * np.arange(288 * valid_days)
    v = np.floor((t - start) / 86400) + 1.0  # day d of February reads d
    months = monthly_means(t, v)
    assert months.start_s.tolist() == [start] and months.end_s.tolist() == [local(2028, 3, 1)]
    assert months.counts.tolist() == [valid_days]
    mean = months.means[0]
    assert mean == pytest.approx((valid_days + 1) / 2) if complete else np.isnan(mean)


def test_month_changes_at_local_midnight_of_29_february_2028():
    t = np.array([datetime(2028, 2, 29, 16, 55, tzinfo=UTC).timestamp(),
                  datetime(2028, 2, 29, 17, 0, tzinfo=UTC).timestamp()])
    rows = series_aggregate(t, [1.0, 2.0], period="month")
    assert [(r["start"], r["end"], r["count"], r["min"]) for r in rows] == [
        ("2028-01-31T17:00:00Z", "2028-02-29T17:00:00Z", 0, None),
        ("2028-02-29T17:00:00Z", "2028-03-31T17:00:00Z", 0, None)]
    assert daily_means(t, [1.0, 2.0], min_coverage=0.01).maxs.tolist() == [1.0, 2.0]


def test_month_mean_weighs_each_valid_day_the_same():
    start = local(2028, 4, 1)
    t = start + 300.0 * np.arange(288 * 30)
    v = np.where(t < start + 86400, 100.0, 0.0)
    assert monthly_means(t, v).means[0] == pytest.approx(100.0 / 30)


def test_nowcast_inputs_are_most_recent_first_with_none_for_missing():
    ends = [local(2028, 1, 1, h) for h in (9, 10, 12)]
    hourly = hourly_means(*readings(ends, [1.0, 2.0, 4.0]))
    inputs = nowcast_inputs(hourly, local(2028, 1, 1, 12, 30))
    assert inputs == [4.0, None, 2.0, 1.0] + [None] * 8


def test_nowcast_inputs_ignore_the_hour_in_progress():
    ends = [local(2028, 1, 1, h) for h in (20, 21)]
    hourly = hourly_means(*readings(ends, [1.0, 2.0]))
    assert nowcast_inputs(hourly, local(2028, 1, 1, 20, 59, 59))[:2] == [1.0, None]
    assert nowcast_inputs(hourly, local(2028, 1, 1, 21))[:2] == [2.0, 1.0]


def test_nowcast_inputs_reproduce_the_qd1459_example():
    ends = [local(2028, 1, 1, h) for h in range(9, 21)]
    inputs = nowcast_inputs(hourly_means(*readings(ends, PM25)), local(2028, 1, 1, 20, 10))
    assert inputs == pytest.approx(PM25[::-1])
    assert round(nowcast_ug_m3(inputs), 1) == 20.3


def test_rolling_mean_rejects_a_series_that_is_not_hourly():
    eight = rolling_mean(hourly_means(*readings([local(2028, 1, 1, 1)], [1.0])), 8, min_hours=1)
    with pytest.raises(ValueError, match="hourly"):
        rolling_mean(eight, 8, min_hours=6)
    with pytest.raises(ValueError, match="min_hours"):
        rolling_mean(hourly_means([0.0], [1.0]), 8, min_hours=9)


def test_series_rows_are_json_ready_and_keep_incomplete_windows_in_place():
    t, v = readings([local(2028, 1, 1, h) for h in (1, 3)], [10.0, 30.0])
    rows = series_aggregate(t, v, period="1h")
    assert json.loads(json.dumps(rows)) == rows
    assert rows == [
        {"start": "2027-12-31T17:00:00Z", "end": "2027-12-31T18:00:00Z", "mean": 10.0,
         "min": 10.0, "max": 10.0, "count": 12, "complete": True},
        {"start": "2027-12-31T18:00:00Z", "end": "2027-12-31T19:00:00Z", "mean": None,
         "min": None, "max": None, "count": 0, "complete": False},
        {"start": "2027-12-31T19:00:00Z", "end": "2027-12-31T20:00:00Z", "mean": 30.0,
         "min": 30.0, "max": 30.0, "count": 12, "complete": True}]
    eight = series_aggregate(t, v, period="8h")
    assert [r["count"] for r in eight] == [1, 1, 2] and not any(r["complete"] for r in eight)
    assert all(type(r["count"]) is int and type(r["mean"]) in (float, type(None))
               for r in rows + eight)


def test_raw_rows_are_the_readings_in_time_order():
    rows = series_aggregate(np.array([600, 0, 300]), np.array([3.0, 1.0, 2.0]), period="raw")
    assert [(r["start"], r["mean"], r["count"]) for r in rows] == [
        ("1970-01-01T00:00:00Z", 1.0, 1), ("1970-01-01T00:05:00Z", 2.0, 1),
        ("1970-01-01T00:10:00Z", 3.0, 1)]
    assert json.dumps(rows)
