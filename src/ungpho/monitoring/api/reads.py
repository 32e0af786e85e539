"""Reads of the monitoring network for people and machines: latest values, series with
aggregates, exceedances, the station-state map layer (GeoJSON) and CSV export. Signed-in
users (session, or HTTP Basic for machines) see their scope; the public layer needs no login."""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError

from ungpho.core.monitoring.qc import flag_labels
from ungpho.core.monitoring.state import VERIFYING, VERIFYING_NAMES, public_state
from ungpho.core.science.aggregates import PERIODS, series_aggregate
from ungpho.core.validate import Invalid, time_parse
from ungpho.monitoring.indices import station_aqi
from ungpho.monitoring.models import Parameter, Reading, Station
from ungpho.monitoring.selectors import (
    exceedance_list,
    latest_values,
    series_values,
    station_list,
)
from ungpho.monitoring.signals import stations_confirmed
from ungpho.platform.api_auth import AUTH
from ungpho.platform.i18n import localized

router = Router(tags=["monitoring"])
#: Longest series one request may ask for.
MAX_SPAN = dt.timedelta(days=400)


def _window(since: str | None, until: str | None, default: dt.timedelta):
    try:
        end = time_parse(until, field="until") if until else dt.datetime.now(dt.UTC)
        start = time_parse(since, field="since") if since else end - default
    except Invalid as error:
        raise HttpError(422, str(error)) from None
    if not start < end or end - start > MAX_SPAN:
        raise HttpError(422, f"since/until: need since < until, at most {MAX_SPAN.days} days")
    return start, end


def _station(request, code: str) -> Station:
    return get_object_or_404(station_list(user=request.auth), code=code)


def _parameter(code: str) -> Parameter:
    parameter = Parameter.objects.filter(code=code).first()
    if parameter is None:
        raise HttpError(404, f"parameter: unknown parameter {code!r}")
    return parameter


@router.get("/latest", auth=AUTH, summary="Giá trị mới nhất / Latest values")
def latest(request: HttpRequest, station: str | None = None):
    """Latest value of every parameter of every station in the caller's scope (``station``:
    comma-separated codes), with its quality flags."""
    codes = [c for c in (station or "").split(",") if c]
    rows = latest_values(user=request.auth, station_codes=codes or None)
    for row in rows:
        row["time"] = row["time"].isoformat()
        row["flag_names"] = [name for name, _, _ in flag_labels(row["flags"])]
    return {"latest": rows}


@router.get("/series", auth=AUTH, summary="Chuỗi số liệu / Series with aggregates")
def series(request: HttpRequest, station: str, parameter: str, period: str = "1h",
           since: str | None = None, until: str | None = None):
    """Valid readings of one series aggregated by ``period`` (raw, 1h, 8h, 24h, day, month),
    correct across gaps: an incomplete window has ``complete: false`` and no mean."""
    if period not in PERIODS:
        raise HttpError(422, f"period: one of {', '.join(PERIODS)}")
    found, param = _station(request, station), _parameter(parameter)
    start, end = _window(since, until, dt.timedelta(days=1))
    times, values = series_values(station=found, parameter_id=param.pk, since=start,
                                  until=end)
    rows = series_aggregate(np.asarray(times, dtype=float), np.asarray(values, dtype=float),
                            period=period, interval_s=found.reporting_interval_s)
    return {"station": found.code, "parameter": param.code, "unit": param.unit,
            "period": period, "rows": rows}


@router.get("/exceedances", auth=AUTH, summary="Vượt ngưỡng / Confirmed exceedances")
def exceedances(request: HttpRequest, since: str | None = None):
    start = _window(since, None, dt.timedelta(days=30))[0] if since else None
    return {"exceedances": [
        {"station": e.station.code, "parameter": e.parameter.code, "unit": e.parameter.unit,
         "level": e.level, "limit": e.limit_value, "value": e.value,
         "observed_at": e.observed_at.isoformat(), "confirmed_at": e.confirmed_at.isoformat(),
         "basis": e.basis, "report": e.report.code if e.report else None}
        for e in exceedance_list(user=request.auth, since=start)]}


def _feature(station: Station, *, now: dt.datetime, public: bool,
             confirmed: set[int] = frozenset()) -> dict:
    aqi = station_aqi(station, at=now)
    state = public_state(station.state, radiation=station.type == Station.Type.RADIATION,
                         confirmed=station.pk in confirmed) if public else station.state
    properties = {
        "code": station.code, "name": station.name, "type": station.type,
        "type_name": station.get_type_display(), "province": station.province.name,
        "state": state, "state_name": localized(*VERIFYING_NAMES[:2])
        if state == VERIFYING else station.get_state_display(),
        "last_reading_at": station.last_reading_at.isoformat()
        if station.last_reading_at else None,
        "aqi": aqi.as_dict() if aqi else None,
    }
    if not public:
        properties.update(owner=station.owner, ministry=station.ministry,
                          interval_s=station.reporting_interval_s)
    return {"type": "Feature", "geometry": {"type": "Point",
                                            "coordinates": [station.lon, station.lat]},
            "properties": properties}


@router.get("/stations.geojson", auth=AUTH, summary="Lớp bản đồ trạm / Station state layer")
def stations_geojson(request: HttpRequest):
    now = dt.datetime.now(dt.UTC)
    return {"type": "FeatureCollection", "features": [
        _feature(s, now=now, public=False) for s in station_list(user=request.auth)]}


@router.get("/public/stations.geojson", summary="Lớp bản đồ công khai / Public station layer")
def public_stations_geojson(request: HttpRequest):
    """Active stations with their state and air-quality index, for the public map; a
    radiation exceedance no officer has confirmed yet is "verifying", not an alarm."""
    now = dt.datetime.now(dt.UTC)
    stations = Station.objects.filter(status=Station.Status.ACTIVE).select_related("province")
    confirmed = stations_confirmed()
    return {"type": "FeatureCollection", "features": [
        _feature(s, now=now, public=True, confirmed=confirmed) for s in stations]}


class _Echo:
    def write(self, value):
        return value


@router.get("/readings.csv", auth=AUTH, summary="Xuất CSV / CSV export of readings")
def readings_csv(request: HttpRequest, station: str, parameter: str | None = None,
                 since: str | None = None, until: str | None = None):
    """Every stored reading of a station (optionally one parameter) with its flags, streamed;
    by default the last 24 hours. The window used is in the file's name and the
    ``X-Ungpho-Window`` header (ISO 8601 interval); a window without readings is a 404 that
    names it."""
    found = _station(request, station)
    start, end = _window(since, until, dt.timedelta(days=1))
    rows = Reading.objects.filter(station=found, observed_at__gte=start, observed_at__lt=end)
    if parameter:
        rows = rows.filter(parameter=_parameter(parameter))
    window = f"{start.isoformat(timespec='seconds')}/{end.isoformat(timespec='seconds')}"
    if not rows.exists():
        default = "" if since else (" (the default window: the last 24 hours; choose another "
                                    "with since= and until=)")
        raise HttpError(404, f"no readings of {found.code}"
                             f"{f' {parameter}' if parameter else ''} in {window}{default}")
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(["station", "parameter", "unit", "observed_at", "value", "flags",
                               "flag_names", "via", "received_at"])
        for code, unit, at, value, flags, via, received in rows.order_by(
                "observed_at", "parameter__code").values_list(
                "parameter__code", "parameter__unit", "observed_at", "value", "flags", "via",
                "received_at").iterator(chunk_size=5000):
            yield writer.writerow([found.code, code, unit, at.isoformat(), value, flags,
                                   "|".join(n for n, _, _ in flag_labels(flags)), via,
                                   received.isoformat()])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = "_".join(moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%MZ") for moment in (start, end))
    response["Content-Disposition"] = f'attachment; filename="{found.code}_{stamp}.csv"'
    response["X-Ungpho-Window"] = window
    return response


@router.get("/eurdep", auth=AUTH, summary="Xuất EURDEP / EURDEP export of gamma dose rates")
def eurdep(request: HttpRequest, since: str | None = None, until: str | None = None,
           station: str | None = None):
    """Valid ambient gamma dose rates of the radiation stations in the caller's scope
    (``station``: comma-separated codes) as one EURDEP 2.1 message, streamed as text
    (``monitoring.eurdep_io``)."""
    from ungpho.monitoring.doors.eurdep_io import eurdep_export_lines

    start, end = _window(since, until, dt.timedelta(days=1))
    codes = [c for c in (station or "").split(",") if c]
    try:
        lines = eurdep_export_lines(since=start, until=end, station_codes=codes or None,
                                    stations=station_list(user=request.auth))
    except ValueError as error:  # the window is checked above: only a station is left
        raise HttpError(404, str(error)) from None
    return StreamingHttpResponse((line + "\n" for line in lines),
                                 content_type="text/plain; charset=utf-8")
