"""Reads of the monitoring network, each filtered by the caller's scope."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Avg, F, Func, IntegerField, Max, Min, Value

from ungpho.accounts.selectors import scoped
from ungpho.monitoring.models import Exceedance, Parameter, Reading, Series, Station
from ungpho.platform.db_fold import folded_match
from ungpho.platform.machine_tokens import token_digest


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
    series from the live-front table, so its cost does not grow with the history. Read with
    plain SQL and codes looked up in Python: for 10,000 series the ORM's joins and datetime
    conversions would cost more than the query itself."""
    stations = station_list(user=user)
    if station_codes:
        stations = stations.filter(code__in=station_codes)
    codes = dict(stations.values_list("pk", "code"))
    if not codes:
        return []
    parameters = {pk: (code, unit) for pk, code, unit in
                  Parameter.objects.values_list("pk", "code", "unit")}
    # Not the column as such: each driver would parse it with Django's (slow) converter.
    # PostgreSQL gives seconds since the epoch, SQLite the UTC text it stores.
    at = "EXTRACT(EPOCH FROM last_at)::float8" if connection.vendor == "postgresql" \
        else "CAST(last_at AS TEXT)"
    sql = (f"SELECT station_id, parameter_id, {at}, last_value, last_flags, level FROM "
           f"{Series._meta.db_table} WHERE last_at IS NOT NULL")
    whole_network = not station_codes and len(codes) == Station.objects.count()
    if not whole_network:
        sql += f" AND station_id IN ({', '.join(str(int(pk)) for pk in codes)})"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        fetched = cursor.fetchall()
    as_time = _time_reader()
    rows = [{"station": codes[sid], "parameter": parameters[pid][0],
             "unit": parameters[pid][1], "time": as_time(at), "value": value, "flags": flags,
             "level": level}
            for sid, pid, at, value, flags, level in fetched if sid in codes]
    rows.sort(key=lambda row: (row["station"], row["parameter"]))
    return rows


def _time_reader():
    """The raw value selected by ``latest_values`` → aware UTC datetime."""
    if connection.vendor == "postgresql":
        return lambda seconds: dt.datetime.fromtimestamp(seconds, dt.UTC)
    return lambda text: dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


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


class _EpochBucket(Func):
    """The index of the ``bucket_s``-long bucket since the epoch an aware time falls in."""

    output_field = IntegerField()

    def __init__(self, expression, bucket_s: int):
        super().__init__(expression, Value(int(bucket_s)))

    def as_sqlite(self, compiler, connection, **extra):
        (at, at_params), (size, size_params) = (compiler.compile(e)
                                                for e in self.source_expressions)
        # SQLite stores UTC text; julianday() reads it (2440587.5 is the epoch's day).
        return (f"CAST(ROUND((julianday({at}) - 2440587.5) * 86400.0) AS INTEGER) / {size}",
                (*at_params, *size_params))

    def as_postgresql(self, compiler, connection, **extra):
        (at, at_params), (size, size_params) = (compiler.compile(e)
                                                for e in self.source_expressions)
        return (f"FLOOR(EXTRACT(EPOCH FROM {at}) / {size})::bigint",
                (*at_params, *size_params))


def series_buckets(*, station: Station, parameter_id: int, since: dt.datetime,
                   until: dt.datetime, bucket_s: int) -> list[tuple[float, float, float, float]]:
    """(bucket start as POSIX seconds, min, max, mean) of the valid readings of one series
    in [since, until), per ``bucket_s``-long bucket aligned on the epoch, oldest first; a
    bucket without a valid reading is absent. Grouped by the database: a 30-day window of a
    5-minute series returns a few hundred rows, not 8,640."""
    from ungpho.core.monitoring.qc import DISQUALIFYING

    rows = (Reading.objects.filter(station=station, parameter_id=parameter_id,
                                   observed_at__gte=since, observed_at__lt=until)
            .annotate(bad=F("flags").bitand(DISQUALIFYING)).filter(bad=0)
            .annotate(bucket=_EpochBucket("observed_at", bucket_s)).values("bucket")
            .annotate(low=Min("value"), high=Max("value"), mean=Avg("value"))
            .order_by("bucket").values_list("bucket", "low", "high", "mean"))
    return [(float(bucket) * bucket_s, low, high, mean) for bucket, low, high, mean in rows]


def station_filter(queryset, *, province: str = "", type: str = "", state: str = "",
                   q: str = ""):
    """Narrow a :func:`station_list` queryset; ``q``: part of the code or the name, without
    regard to case or diacritics. Empty values do not filter."""
    if province:
        queryset = queryset.filter(province_id=province)
    if type:
        queryset = queryset.filter(type=type)
    if state:
        queryset = queryset.filter(state=state)
    if q := q.strip():
        queryset = folded_match(queryset, q, "code", "name")
    return queryset
