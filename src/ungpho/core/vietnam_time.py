"""Vietnam's time: UTC+7 all year (no daylight saving time since 1975). Times are stored in
UTC and written for people in this zone."""

from __future__ import annotations

import datetime as dt

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


def vietnam_text(moment: dt.datetime, fmt: str = "%Y-%m-%d %H:%M (UTC+7)") -> str:
    """``moment`` (aware) as Vietnam's wall-clock time, in ``fmt``."""
    return moment.astimezone(VIETNAM).strftime(fmt)
