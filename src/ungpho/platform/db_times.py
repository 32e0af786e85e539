"""Times PostgreSQL holds and Python cannot, read without failing.

``timestamptz`` holds 4713 BC … 294276 AD; Python's ``datetime`` years 1 … 9999 (Python
documentation, ``datetime.MINYEAR``). Before the doors checked every time against the accepted
window (``core.validate``), a due time of ``0001-01-01T00:00:00+07:00`` was stored as 1 BC, and
psycopg then refused to load that row ("timestamp too small"), so the incident page, its tasks
and its report answered 500 for everyone. Such a time now loads as the nearest time Python
can hold with room for arithmetic and time-zone conversion (``EARLIEST``, ``LATEST``): the
row shows, absurd and correctable, instead of taking its page down.
"""

from __future__ import annotations

import datetime as dt

#: What an unreadable time loads as: a day inside Python's range at either end, so that
#: converting it to Vietnam's time (UTC+7) or comparing it never overflows.
EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def readable_times_register(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: on PostgreSQL, wrap the connection's ``timestamptz``
    loader (Django's, which sets the time zone) so that a time beyond Python's range loads as
    ``EARLIEST`` or ``LATEST`` instead of raising."""
    if connection.vendor != "postgresql":
        return
    from psycopg import DataError
    from psycopg.postgres import types
    from psycopg.pq import Format

    adapters = connection.connection.adapters
    loader = adapters.get_loader(types["timestamptz"].oid, Format.TEXT)  # Django's

    class ReadableTimestamptzLoader(loader):
        def load(self, data):
            try:
                return super().load(data)
            except DataError:  # "timestamp too small (before year 1)", "… too large"
                text = bytes(data)  # '0001-12-31 17:00:00+00 BC', '-infinity', 'infinity'
                return EARLIEST if text.endswith(b" BC") or text.startswith(b"-") else LATEST

    adapters.register_loader("timestamptz", ReadableTimestamptzLoader)
