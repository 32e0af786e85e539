"""National limits on means (QCVN 05:2023/BTNMT Bảng 1, mục 2.1: 1-hour, 8-hour and 24-hour
means in ambient air), judged by the worker once per completed hour of each series.

A mean is already an aggregate of many readings, so one mean above the limit is a confirmed
exceedance; it opens or updates the station's report (never a second one) and is recorded
once when the mean crosses from compliant to exceeding. Only valid readings are averaged,
with the completeness rules of ``core.science.aggregates``. A backlog is not judged hour by
hour: each pass judges the latest complete hour.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction

from ungpho.core.monitoring.limits import mean_exceeds, national_limits
from ungpho.core.science.aggregates import HOUR_S, hourly_means, rolling_mean
from ungpho.core.vietnam_time import VIETNAM
from ungpho.monitoring.models import Exceedance, Series, Station
from ungpho.monitoring.selectors import series_values
from ungpho.monitoring.signals import exceedance_report

_HOURS = {"1h": 1, "8h": 8, "24h": 24}


def national_limits_check(*, now: dt.datetime | None = None) -> int:
    """One worker pass; returns how many exceedances were newly confirmed."""
    now = now or dt.datetime.now(dt.UTC)
    limits = national_limits(now.astimezone(VIETNAM).date())
    by_parameter: dict[str, list] = {}
    for (code, averaging), limit in limits.items():
        if averaging in _HOURS:
            by_parameter.setdefault(code, []).append(limit)
    hour_end_s = (now.timestamp() // HOUR_S) * HOUR_S
    due = Series.objects.filter(
        station__type=Station.Type.AMBIENT_AIR, station__status=Station.Status.ACTIVE,
        parameter__code__in=list(by_parameter),
        last_at__gte=now - dt.timedelta(hours=2)).select_related("station", "parameter")
    confirmed = 0
    for series in due:
        if series.averages.get("checked_to_s", 0) >= hour_end_s:
            continue
        confirmed += _judge(series, by_parameter[series.parameter.code], hour_end_s)
    return confirmed


@transaction.atomic
def _judge(series: Series, limits: list, hour_end_s: float) -> int:
    station = series.station
    end = dt.datetime.fromtimestamp(hour_end_s, dt.UTC)
    times, values = series_values(station=station, parameter_id=series.parameter_id,
                                  since=end - dt.timedelta(hours=25), until=end)
    hourly = hourly_means(np.asarray(times, dtype=float), np.asarray(values, dtype=float),
                          interval_s=station.reporting_interval_s)
    state = dict(series.averages.get("exceeding", {}))
    confirmed = 0
    for limit in limits:
        hours = _HOURS[limit.averaging]
        means = hourly if hours == 1 else rolling_mean(
            hourly, hours, min_hours=int(np.ceil(0.75 * hours)))
        mean = _mean_ending(means, hour_end_s)
        if mean is None:
            continue
        exceeding = mean_exceeds(limit, mean)
        if exceeding:
            decision = {"level": 1, "limit": limit.limit_ug_m3, "value": round(mean, 3),
                        "ratio": mean / limit.limit_ug_m3, "basis": limit.citation,
                        "averaging": limit.averaging, "confirmed": not state.get(
                            limit.averaging), "confirm_count": 1,
                        "criterion": f"trung bình / mean {limit.averaging} {mean:.1f} > "
                                     f"{limit.limit_ug_m3:g} µg/Nm³ ({limit.citation})"}
            report, _ = exceedance_report(
                station_id=station.pk, parameter_id=series.parameter_id,
                province_code=station.province_id, lat=station.lat, lon=station.lon,
                observed_at=end, decision=decision, by=station)
            if decision["confirmed"]:
                Exceedance.objects.create(
                    station=station, parameter_id=series.parameter_id, level=1,
                    limit_value=limit.limit_ug_m3, value=decision["value"], observed_at=end,
                    confirmed_at=dt.datetime.now(dt.UTC),
                    basis=f"{limit.citation} ({limit.averaging})"[:200], report=report)
                confirmed += 1
        state[limit.averaging] = exceeding
    series.averages = {"checked_to_s": hour_end_s, "exceeding": state}
    series.save(update_fields=["averages"])
    return confirmed


def _mean_ending(means, hour_end_s: float) -> float | None:
    index = np.nonzero(means.end_s == hour_end_s)[0]
    if not len(index) or np.isnan(means.means[index[0]]):
        return None
    return float(means.means[index[0]])
