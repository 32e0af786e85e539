"""Vietnam's time: UTC+7 all year (no daylight saving time since 1975). Times are stored in
UTC and written for people in this zone."""

from __future__ import annotations

import datetime as dt

#: The IANA name of the same zone, for Django's ``TIME_ZONE`` and PostgreSQL.
VIETNAM_ZONE_NAME = "Asia/Ho_Chi_Minh"
VIETNAM_UTC_OFFSET = dt.timedelta(hours=7)
VIETNAM = dt.timezone(VIETNAM_UTC_OFFSET, "ICT")


def vietnam_text(moment: dt.datetime, fmt: str = "%Y-%m-%d %H:%M (UTC+7)") -> str:
    """``moment`` (aware) as Vietnam's wall-clock time, in ``fmt``."""
    return moment.astimezone(VIETNAM).strftime(fmt)
