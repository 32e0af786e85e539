"""Reads of the monitoring network, each filtered by the caller's scope."""

from __future__ import annotations

import datetime as dt

from ungpho.accounts.selectors import scoped
from ungpho.monitoring.models import Exceedance, Reading, Series, Station
from ungpho.monitoring.tokens import token_digest


def station_by_token(token: str) -> Station | None:
    if not token:
        return None
    return Station.objects.select_related("province").filter(
        token_sha256=token_digest(token)).first()


def station_list(*, user):
    return scoped(Station.objects.select_related("province"), user, province_field="province",
                  facility_field="facility")


def latest_values(*, user, station_codes: list[str] | None = None) -> list[dict]:
    """The latest value of every parameter of every station the user may see: one row per
    series from the live-front table, so its cost does not grow with the history."""
    series = scoped(Series.objects.all(), user, province_field="station__province",
                    facility_field="station__facility")
    if station_codes:
        series = series.filter(station__code__in=station_codes)
    return [{"station": s, "parameter": p, "unit": u, "time": at, "value": v, "flags": f,
             "level": lv}
            for s, p, u, at, v, f, lv in series.values_list(
                "station__code", "parameter__code", "parameter__unit", "last_at", "last_value",
                "last_flags", "level").order_by("station__code", "parameter__code")]


def series_values(*, station: Station, parameter_id: int, since: dt.datetime,
                  until: dt.datetime, valid_only: bool = True) -> tuple[list, list]:
    """(times as POSIX seconds, values) of one series in [since, until), valid readings
    only unless asked (the aggregates must not average flagged values)."""
    from ungpho.core.monitoring.qc import DISQUALIFYING

    rows = Reading.objects.filter(station=station, parameter_id=parameter_id,
                                  observed_at__gte=since, observed_at__lt=until)
    times, values = [], []
    for at, value, flags in rows.values_list("observed_at", "value", "flags").order_by(
            "observed_at").iterator(chunk_size=10000):
        if valid_only and flags & DISQUALIFYING:
            continue
        times.append(at.timestamp())
        values.append(value)
    return times, values


def exceedance_list(*, user, since: dt.datetime | None = None, limit: int = 200):
    rows = scoped(Exceedance.objects.select_related("station", "parameter", "report"), user,
                  province_field="station__province", facility_field="station__facility")
    if since is not None:
        rows = rows.filter(confirmed_at__gte=since)
    return rows[:limit]
