"""Air-quality index of an ambient-air station now, from its stored valid readings:
hourly VN_AQI (QĐ 1459/QĐ-TCMT §2.2.1) with NowCast for PM10 and PM2.5 and the latest
complete 1-hour mean of each gas."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ungpho.core.science.aggregates import NOWCAST_HOURS, hourly_means, nowcast_inputs
from ungpho.core.science.aqi import POLLUTANTS, AqiResult, aqi_hourly, nowcast_ug_m3
from ungpho.monitoring.models import Parameter, Station
from ungpho.monitoring.selectors import series_values

#: ppm/ppb are converted on arrival; CO is indexed in µg/m³ like the others (Bảng 2).
_PM = ("PM2.5", "PM10")


def station_aqi(station: Station, *, at: dt.datetime) -> AqiResult | None:
    """The hourly VN_AQI at ``at`` (the latest complete hour), None for a station that is not
    ambient air or has no PM data (§2.1.b)."""
    if station.type != Station.Type.AMBIENT_AIR:
        return None
    parameters = dict(Parameter.objects.filter(code__in=POLLUTANTS).values_list("code", "pk"))
    since = at - dt.timedelta(hours=NOWCAST_HOURS + 1)
    concentrations: dict[str, float | None] = {}
    for code, pk in parameters.items():
        times, values = series_values(station=station, parameter_id=pk, since=since, until=at)
        if not times:
            continue
        hourly = hourly_means(np.asarray(times), np.asarray(values),
                              interval_s=station.reporting_interval_s)
        latest = nowcast_inputs(hourly, at.timestamp())
        concentrations[code] = nowcast_ug_m3(latest) if code in _PM else latest[0]
    result = aqi_hourly(concentrations)
    return result if result.aqi is not None else None
