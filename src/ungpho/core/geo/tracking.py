"""Alerts on a mobile source's tracker (industrial radiography, well logging): it leaves its
permitted area, moves outside working hours, or stops reporting.

TT 12/2023/TT-BKHCN Phụ lục I nhóm IV counts a source out of control among the events to
respond to; the licence sets where and when a mobile source may work. Assumptions (the
texts are silent): working hours are local time of Vietnam (UTC+07:00) on every day of the
week; a position within ``AREA_TOLERANCE_M`` of the area's edge is inside (GNSS error); a
tracker is silent once its expected interval plus ``SILENCE_GRACE_S`` has passed without a
report, as a monitoring station is offline (the same 15 minutes).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import NamedTuple

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from ungpho.core.geo.distance import EARTH_MEAN_RADIUS_M
from ungpho.core.vietnam_time import VIETNAM

AREA_TOLERANCE_M = 50.0
SILENCE_GRACE_S = 15 * 60
OUTSIDE_AREA, OUTSIDE_HOURS, SILENT = "outside_area", "outside_hours", "silent"
_HOURS_RE = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)")


class WorkingHours(NamedTuple):
    start: dt.time
    end: dt.time  # dt.time.max for 24:00

    def contains(self, moment: dt.datetime) -> bool:
        """Whether ``moment`` (aware) falls in the hours, local time of Vietnam; hours that
        wrap midnight ("22:00-06:00") are a night shift."""
        local = moment.astimezone(VIETNAM).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def working_hours_parse(text: str) -> WorkingHours:
    """``"07:00-17:30"`` → WorkingHours; ValueError naming the field ``working_hours``."""
    match = _HOURS_RE.fullmatch(text.strip())
    if not match or (match[3] == "24" and match[4] != "00"):
        raise ValueError(f"working_hours: {text!r} is not HH:MM-HH:MM (local time, e.g. "
                         "07:00-17:30)")
    start = dt.time(int(match[1]), int(match[2]))
    end = dt.time.max if match[3] == "24" else dt.time(int(match[3]), int(match[4]))
    if start == end:
        raise ValueError(f"working_hours: {text!r} starts and ends at the same time")
    return WorkingHours(start, end)


def position_alerts(*, lat_deg: float, lon_deg: float, observed_at: dt.datetime,
                    area: BaseGeometry | None, hours: WorkingHours | None) -> set[str]:
    """The alerts one position raises: OUTSIDE_AREA when it is farther than
    AREA_TOLERANCE_M outside ``area`` (lon/lat), OUTSIDE_HOURS when it is taken outside the
    working hours. A position is a report of where the source is, so any position outside
    the hours counts as a move (trackers of parked sources report rarely, see the interval)."""
    alerts = set()
    if area is not None:
        point = Point(lon_deg, lat_deg)
        # Degrees of latitude are EARTH_MEAN_RADIUS_M·π/180 m; a degree of longitude is
        # shorter, so this tolerance is generous east-west, which errs towards no alert.
        tolerance_deg = AREA_TOLERANCE_M / (EARTH_MEAN_RADIUS_M * math.pi / 180)
        if not area.buffer(tolerance_deg).contains(point):
            alerts.add(OUTSIDE_AREA)
    if hours is not None and not hours.contains(observed_at):
        alerts.add(OUTSIDE_HOURS)
    return alerts


def is_silent(*, last_report_at: dt.datetime | None, since: dt.datetime, interval_s: float,
              now: dt.datetime) -> bool:
    """Whether a tracker expected every ``interval_s`` [s] has been silent too long: no
    report for interval + SILENCE_GRACE_S after its last report (or since tracking began,
    ``since``, if it never reported)."""
    last = last_report_at or since
    return (now - last).total_seconds() > interval_s + SILENCE_GRACE_S
