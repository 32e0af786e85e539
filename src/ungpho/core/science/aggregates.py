"""Time aggregates of a monitoring series: 1-hour, 8-hour and 24-hour means, local calendar
days and months, the day's maxima and the NowCast inputs of VN_AQI.

Sources:
- QĐ 1459/QĐ-TCMT (VN_AQI guidance, see ``aqi.py`` for the text read): §1.3.5 and §2.2.1.a
  (NowCast from the 12 latest hourly means, c_1 the current hour), §2.1.b (1-, 8- and 24-hour
  means), §2.2.2.a (the 8-hour mean is the mean of the hourly means of 8 consecutive hours;
  the day's 24-hour mean is over the hourly means "từ 01:00 giờ đến 00:00 hôm sau"; its
  example lists 24 8-hour means a day, labelled 1:00 … 0:00).
- QCVN 05:2023/BTNMT Bảng 1 (``monitoring/data/qcvn05_2023.yaml``): limits on 1-hour, 8-hour,
  24-hour and annual means.
- 40 CFR Part 50 App. N (US EPA): daily values averaged from hourly measurements midnight to
  midnight, local standard time; EPA-454/R-98-017 (1998, 8-hour ozone data handling) and
  MELODIES MONET's MDA8 ("rolling 8-hour averages … with at least 6 hours of data"): the 75 %
  completeness rule.

Readings (where the texts are silent):
- Labels: §1.3 defines no labelling. A mean is labelled by its END: §2.2.2.a's day runs from
  the hour labelled 01:00 to the one labelled 00:00 next day, i.e. 00:00–24:00 local, and its
  example's 8-hour mean at 1:00 (18,0) is the mean of the hourly means labelled 18:00 … 1:00.
- A reading at time t lies in the hour [start, end) that contains t: one stamped exactly hh:00
  opens the hour hh:00–hh+1:00. Duplicated timestamps are counted as they come.
- Completeness (the texts give none; aqi.py leaves it to the caller): every mean or maximum
  over N expected values needs at least ⌈min_coverage · N⌉ of them, 75 % by default: 9 of 12
  five-minute readings, 6 of 8 hours, 18 of 24 hours, 24 of 31 days (22 of a leap February).
  Otherwise it is NaN (None in rows), never 0, and no window moves to avoid a gap.
- The local day mean equals the 24-hour mean ending at local 24:00. The day's maximum 1-hour
  and 8-hour means need 18 of the day's 24 values. A month's mean is the mean of its valid
  daily means (each day weighs the same). The time zone offset is a whole number of hours.
- ``count``, ``min`` and ``max`` describe the values a mean is built from: readings (1 h),
  valid hourly means (8 h, 24 h, day) or valid daily means (month).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

HOUR_S = 3600
DAY_S = 86_400
#: Vietnam (UTC+7, no daylight saving).
VIETNAM_TZ_OFFSET_S = 7 * HOUR_S
#: §1.3.5, §2.2.1.a.
NOWCAST_HOURS = 12
PERIODS = ("raw", "1h", "8h", "24h", "day", "month")


@dataclass(frozen=True, eq=False)
class PeriodSeries:
    """Consecutive windows [start_s, end_s) in POSIX seconds; ``means`` NaN where incomplete,
    ``mins``/``maxs`` NaN where ``counts`` is 0 (see the module's readings)."""

    start_s: np.ndarray
    end_s: np.ndarray
    means: np.ndarray
    mins: np.ndarray
    maxs: np.ndarray
    counts: np.ndarray


@dataclass(frozen=True, eq=False)
class HourlySeries(PeriodSeries):
    """A PeriodSeries labelled by ``end_s`` on consecutive clock hours (step 3600 s): hourly
    means, or the running means of ``rolling_mean`` (QĐ 1459/QĐ-TCMT §2.2.2.a)."""


_S = TypeVar("_S", bound=PeriodSeries)


@dataclass(frozen=True, eq=False)
class DailyMaxima:
    """The day's maximum of 1-hour or 8-hour means (QĐ 1459/QĐ-TCMT §2.2.2.a) per local day
    [start_s, end_s); NaN where fewer than the required ``counts`` values were valid."""

    start_s: np.ndarray
    end_s: np.ndarray
    maxima: np.ndarray
    counts: np.ndarray


def _needed(min_coverage: float, expected: float) -> int:
    return max(1, math.ceil(min_coverage * expected - 1e-9))


def _readings(times_s: np.ndarray, values: np.ndarray, min_coverage: float,
              interval_s: int) -> tuple[np.ndarray, np.ndarray]:
    t, v = np.asarray(times_s), np.asarray(values)
    if t.ndim != 1 or v.ndim != 1 or t.shape != v.shape:
        raise ValueError(f"times_s and values must be 1-D of one length, got shapes "
                         f"{t.shape} and {v.shape}")
    for name, a in (("times_s", t), ("values", v)):
        if a.size and (a.dtype.kind not in "iuf"):
            raise ValueError(f"{name} must be numeric, got dtype {a.dtype}")
        bad = np.flatnonzero(~np.isfinite(a.astype(np.float64)))
        if bad.size:
            raise ValueError(f"{name}[{bad[0]}] = {a[bad[0]]} is not finite (pass valid "
                             "readings only)")
    if not 0 < min_coverage <= 1:
        raise ValueError(f"min_coverage must be in (0, 1], got {min_coverage!r}")
    if isinstance(interval_s, bool) or not isinstance(interval_s, int | np.integer) \
            or not 0 < interval_s <= HOUR_S:
        raise ValueError(f"interval_s must be an integer from 1 to 3600, got {interval_s!r}")
    return t.astype(np.float64), v.astype(np.float64)


def _reduce(values: np.ndarray, group: np.ndarray, n: int,
            min_count: int | np.ndarray) -> tuple[np.ndarray, ...]:
    """Mean (NaN below ``min_count``), min, max and count of ``values`` per group 0..n-1."""
    counts = np.bincount(group, minlength=n)
    sums = np.bincount(group, weights=values, minlength=n)
    ok = counts >= min_count
    means, mins, maxs = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    means[ok] = sums[ok] / counts[ok]
    if values.size:
        order = np.argsort(group, kind="stable")
        g, s = group[order], values[order]
        first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        mins[g[first]] = np.minimum.reduceat(s, first)
        maxs[g[first]] = np.maximum.reduceat(s, first)
    return means, mins, maxs, counts


def _empty(cls: type[_S]) -> _S:
    none_i, none_f = np.empty(0, np.int64), np.empty(0)
    return cls(none_i, none_i, none_f, none_f, none_f, none_i)


def hourly_means(times_s: np.ndarray, values: np.ndarray, *, min_coverage: float = 0.75,
                 interval_s: int = 300) -> HourlySeries:
    """1-hour means per clock hour, labelled by the hour's end (QĐ 1459/QĐ-TCMT §2.1.b,
    §2.2.2.a; QCVN 05:2023 Bảng 1 "1 giờ"), on every hour from the first reading's to the
    last's. An hour needs ⌈min_coverage · 3600/interval_s⌉ readings, else its mean is NaN."""
    t, v = _readings(times_s, values, min_coverage, interval_s)
    if t.size == 0:
        return _empty(HourlySeries)
    hour = np.floor(t / HOUR_S).astype(np.int64)
    first, n = hour.min(), int(hour.max() - hour.min()) + 1
    stats = _reduce(v, hour - first, n, _needed(min_coverage, HOUR_S / interval_s))
    start = (first + np.arange(n, dtype=np.int64)) * HOUR_S
    return HourlySeries(start, start + HOUR_S, *stats)


def _check_hourly(hourly: HourlySeries) -> None:
    if not isinstance(hourly, HourlySeries) or np.any(hourly.end_s - hourly.start_s != HOUR_S) \
            or np.any(np.diff(hourly.end_s) != HOUR_S):
        raise ValueError("hourly must be the HourlySeries of hourly_means (1-hour windows on "
                         "consecutive hours)")


def rolling_mean(hourly: HourlySeries, hours: int, *, min_hours: int) -> HourlySeries:
    """Running ``hours``-hour means of the hourly means, one per hour, labelled by the end of
    the last hour (QĐ 1459/QĐ-TCMT §2.2.2.a: the 8-hour mean is the mean of 8 consecutive
    hourly means; QCVN 05:2023 Bảng 1 "8 giờ", "24 giờ"). NaN unless ≥ ``min_hours`` of them
    are valid (6 of 8 and 18 of 24 by the 75 % rule); hours before the series count missing."""
    _check_hourly(hourly)
    if isinstance(hours, bool) or not isinstance(hours, int) or hours < 1:
        raise ValueError(f"hours must be a positive integer, got {hours!r}")
    if not isinstance(min_hours, int) or not 1 <= min_hours <= hours:
        raise ValueError(f"min_hours must be an integer from 1 to {hours}, got {min_hours!r}")
    if hourly.end_s.size == 0:
        return _empty(HourlySeries)
    window = sliding_window_view(np.r_[np.full(hours - 1, np.nan), hourly.means], hours)
    valid = ~np.isnan(window)
    counts = valid.sum(axis=1)
    sums = np.where(valid, window, 0.0).sum(axis=1)
    means = np.where(counts >= min_hours, sums / np.maximum(counts, 1), np.nan)
    none = counts == 0
    mins = np.where(none, np.nan, np.where(valid, window, np.inf).min(axis=1))
    maxs = np.where(none, np.nan, np.where(valid, window, -np.inf).max(axis=1))
    return HourlySeries(hourly.end_s - hours * HOUR_S, hourly.end_s, means, mins, maxs, counts)


def _by_day(series: HourlySeries, tz_offset_s: int, min_count: int) -> PeriodSeries:
    """Group hour-stepped values by the local day of their last hour (01:00 … 24:00)."""
    if isinstance(tz_offset_s, bool) or not isinstance(tz_offset_s, int | np.integer) \
            or tz_offset_s % HOUR_S or abs(tz_offset_s) > 14 * HOUR_S:
        raise ValueError(f"tz_offset_s must be whole hours within ±14 h, got {tz_offset_s!r}")
    if series.end_s.size == 0:
        return _empty(PeriodSeries)
    day = (series.end_s - HOUR_S + tz_offset_s) // DAY_S
    first, n = day[0], int(day[-1] - day[0]) + 1
    ok = ~np.isnan(series.means)
    stats = _reduce(series.means[ok], day[ok] - first, n, min_count)
    start = (first + np.arange(n, dtype=np.int64)) * DAY_S - tz_offset_s
    return PeriodSeries(start, start + DAY_S, *stats)


def daily_means(times_s: np.ndarray, values: np.ndarray, *,
                tz_offset_s: int = VIETNAM_TZ_OFFSET_S, min_coverage: float = 0.75,
                interval_s: int = 300) -> PeriodSeries:
    """24-hour means per local calendar day: the mean of the hourly means labelled 01:00 …
    00:00 next day (QĐ 1459/QĐ-TCMT §2.2.2.a; QCVN 05:2023 Bảng 1 "24 giờ"); NaN below
    ⌈min_coverage · 24⌉ valid hours."""
    hourly = hourly_means(times_s, values, min_coverage=min_coverage, interval_s=interval_s)
    return _by_day(hourly, tz_offset_s, _needed(min_coverage, 24))


def _daily_max(series: HourlySeries, tz_offset_s: int, min_coverage: float) -> DailyMaxima:
    days = _by_day(series, tz_offset_s, _needed(min_coverage, 24))
    maxima = np.where(np.isnan(days.means), np.nan, days.maxs)
    return DailyMaxima(days.start_s, days.end_s, maxima, days.counts)


def daily_max_hourly(times_s: np.ndarray, values: np.ndarray, *,
                     tz_offset_s: int = VIETNAM_TZ_OFFSET_S, min_coverage: float = 0.75,
                     interval_s: int = 300) -> DailyMaxima:
    """The day's maximum 1-hour mean (QĐ 1459/QĐ-TCMT §2.2.2.a: "giá trị trung bình 1 giờ lớn
    nhất trong ngày", the AQI^d input of SO2, NO2, CO and O3)."""
    hourly = hourly_means(times_s, values, min_coverage=min_coverage, interval_s=interval_s)
    return _daily_max(hourly, tz_offset_s, min_coverage)


def daily_max_8h(times_s: np.ndarray, values: np.ndarray, *,
                 tz_offset_s: int = VIETNAM_TZ_OFFSET_S, min_coverage: float = 0.75,
                 interval_s: int = 300) -> DailyMaxima:
    """The day's maximum 8-hour mean, over the 24 8-hour means ending 01:00 … 00:00 next day
    (QĐ 1459/QĐ-TCMT §2.2.2.a and its example; the AQI^d input O3 (8h))."""
    hourly = hourly_means(times_s, values, min_coverage=min_coverage, interval_s=interval_s)
    eight = rolling_mean(hourly, 8, min_hours=_needed(min_coverage, 8))
    return _daily_max(eight, tz_offset_s, min_coverage)


def monthly_means(times_s: np.ndarray, values: np.ndarray, *,
                  tz_offset_s: int = VIETNAM_TZ_OFFSET_S, min_coverage: float = 0.75,
                  interval_s: int = 300) -> PeriodSeries:
    """Local calendar month means of the valid daily means (``daily_means``); NaN below
    ⌈min_coverage · days in the month⌉ valid days (neither QCVN 05:2023 nor QĐ 1459 sets
    monthly means; the 75 % rule of the module's readings)."""
    days = daily_means(times_s, values, tz_offset_s=tz_offset_s, min_coverage=min_coverage,
                       interval_s=interval_s)
    if days.start_s.size == 0:
        return days
    local_day = ((days.start_s + tz_offset_s) // DAY_S).astype("datetime64[D]")
    month = local_day.astype("datetime64[M]")
    first, n = month[0], int((month[-1] - month[0]).astype(np.int64)) + 1
    months = first + np.arange(n)
    bounds = np.r_[months, months[-1] + 1].astype("datetime64[D]").astype(np.int64)
    length = np.diff(bounds)
    needed = np.maximum(1, np.ceil(min_coverage * length - 1e-9)).astype(np.int64)
    ok = ~np.isnan(days.means)
    group = (month - first).astype(np.int64)
    stats = _reduce(days.means[ok], group[ok], n, needed)
    edges = bounds * DAY_S - tz_offset_s
    return PeriodSeries(edges[:-1], edges[1:], *stats)


def nowcast_inputs(hourly: HourlySeries, at_s: float) -> list[float | None]:
    """c_1 … c_12 of QĐ 1459/QĐ-TCMT §2.2.1.a for ``aqi.nowcast_ug_m3``: the hourly means of
    the 12 hours ending at or before ``at_s`` (an hour in progress has no mean yet), most
    recent first, None where missing or outside the series."""
    _check_hourly(hourly)
    if not np.isfinite(at_s):
        raise ValueError(f"at_s must be a finite POSIX time, got {at_s!r}")
    last_end = math.floor(at_s / HOUR_S) * HOUR_S
    out: list[float | None] = []
    for i in range(NOWCAST_HOURS):
        k = (last_end - i * HOUR_S - int(hourly.end_s[0])) // HOUR_S if hourly.end_s.size else -1
        c = hourly.means[k] if 0 <= k < hourly.means.size else np.nan
        out.append(None if np.isnan(c) else float(c))
    return out


def _iso(times_s: np.ndarray) -> list[str]:
    ms = np.round(np.asarray(times_s, np.float64) * 1000).astype(np.int64)
    unit: Literal["ms", "s"] = "ms" if np.any(ms % 1000) else "s"
    return np.datetime_as_string(ms.astype("datetime64[ms]"), unit=unit,
                                 timezone="UTC").tolist()


def _json(a: np.ndarray) -> list[float | None]:
    return [None if math.isnan(x) else x for x in np.asarray(a, np.float64).tolist()]


def series_aggregate(times_s: np.ndarray, values: np.ndarray, *, period: str,
                     tz_offset_s: int = VIETNAM_TZ_OFFSET_S, min_coverage: float = 0.75,
                     interval_s: int = 300) -> list[dict]:
    """JSON-ready rows {"start", "end" (ISO 8601 UTC), "mean", "min", "max", "count",
    "complete"} of one period: "raw" (the readings, time-sorted), "1h", "8h", "24h" (QĐ
    1459/QĐ-TCMT §2.1.b, QCVN 05:2023 Bảng 1, labelled by the end), "day" or "month" (local).
    Windows without enough data keep their place with mean None and complete False."""
    if period == "raw":
        t, v = _readings(times_s, values, min_coverage, interval_s)
        order = np.argsort(t, kind="stable")
        series = PeriodSeries(t[order], t[order], v[order], v[order], v[order],
                              np.ones(t.size, np.int64))
    elif period in ("1h", "8h", "24h"):
        series = hourly_means(times_s, values, min_coverage=min_coverage,
                              interval_s=interval_s)
        if period != "1h":
            hours = int(period[:-1])
            series = rolling_mean(series, hours, min_hours=_needed(min_coverage, hours))
    elif period in ("day", "month"):
        aggregate = daily_means if period == "day" else monthly_means
        series = aggregate(times_s, values, tz_offset_s=tz_offset_s,
                           min_coverage=min_coverage, interval_s=interval_s)
    else:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    means = _json(series.means)
    return [{"start": s, "end": e, "mean": m, "min": lo, "max": hi, "count": c,
             "complete": m is not None}
            for s, e, m, lo, hi, c in zip(_iso(series.start_s), _iso(series.end_s), means,
                                          _json(series.mins), _json(series.maxs),
                                          series.counts.tolist(), strict=True)]
