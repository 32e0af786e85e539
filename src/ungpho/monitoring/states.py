"""Station states, recomputed by the worker on every pass from the series' live fronts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from ungpho.core.monitoring.state import station_state
from ungpho.monitoring.models import Series, Station


@transaction.atomic
def states_refresh(*, now: dt.datetime) -> int:
    fronts: dict[int, list[tuple[dt.datetime, int, int]]] = defaultdict(list)
    for sid, last_at, flags, level, averages in Series.objects.values_list(
            "station_id", "last_at", "last_flags", "level", "averages"):
        # A mean over its national limit (monitoring.national) exceeds as a level does.
        if any((averages or {}).get("exceeding", {}).values()):
            level = max(level, 1)
        fronts[sid].append((last_at, flags, level))
    changed = []
    for station in Station.objects.filter(status=Station.Status.ACTIVE).only(
            "pk", "reporting_interval_s", "state", "state_since", "last_reading_at"):
        series = fronts.get(station.pk, [])
        last = max((at for at, _, _ in series if at is not None), default=None)
        # Only the parameters reported at the station's latest time say what it does now.
        current = [(flags, level) for at, flags, level in series
                   if last is not None and at is not None and at >= last - dt.timedelta(
                       seconds=station.reporting_interval_s)]
        state = station_state(now_s=now.timestamp(),
                              last_reading_s=last.timestamp() if last else None,
                              interval_s=station.reporting_interval_s,
                              latest_flags=[flags for flags, _ in current],
                              exceeding=any(level > 0 for _, _, level in series)).value
        if state != station.state or last != station.last_reading_at:
            if state != station.state:
                station.state_since = now
            station.state, station.last_reading_at = state, last
            changed.append(station)
    Station.objects.bulk_update(changed, ["state", "state_since", "last_reading_at"])
    return len(changed)
