"""Parse the JSON readings batch of ``POST /api/v1/readings`` and of MQTT messages.

One bad item never spoils its neighbours: each item is parsed alone and a rejection names the
item's index and the field, e.g. ``readings[2].time``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

#: Station status codes of TT 10/2021/TT-BTNMT data files.
STATUSES = ("00", "01", "02")


@dataclass(frozen=True)
class ParsedReading:
    index: int
    parameter: str
    observed_at: dt.datetime
    value: float
    unit: str | None
    #: TT 10/2021 status: 00 measuring, 01 calibrating, 02 device error.
    status: str = "00"


@dataclass(frozen=True)
class Rejection:
    field: str
    message: str
    index: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"index": self.index, "field": self.field, "message": self.message}


class RejectionError(ValueError):
    def __init__(self, rejection: Rejection):
        super().__init__(f"{rejection.field}: {rejection.message}")
        self.rejection = rejection


def parse_time(text: object) -> dt.datetime:
    """ISO 8601 date-time with a UTC offset, returned in UTC."""
    if not isinstance(text, str):
        raise ValueError("must be an ISO 8601 date-time string, e.g. 2026-11-21T10:05:00+07:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO 8601 date-time, e.g. 2026-11-21T10:05:00+07:00") from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset; add one, e.g. +07:00 for Vietnam")
    return moment.astimezone(dt.UTC)


def parse_reading(item: object, index: int) -> ParsedReading:
    prefix = f"readings[{index}]"
    if not isinstance(item, dict):
        raise RejectionError(Rejection(prefix, "must be an object", index))
    parameter = item.get("parameter")
    if not isinstance(parameter, str) or not parameter.strip():
        raise RejectionError(Rejection(f"{prefix}.parameter", "required, a symbol such as GammaDR",
                                       index))
    try:
        observed_at = parse_time(item.get("time"))
    except ValueError as error:
        field_message = "required" if item.get("time") is None else str(error)
        raise RejectionError(Rejection(f"{prefix}.time", field_message, index)) from None
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RejectionError(Rejection(f"{prefix}.value", "required, a finite number", index))
    unit = item.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise RejectionError(Rejection(f"{prefix}.unit", "must be a string", index))
    status = item.get("status", "00")
    if status not in STATUSES:
        raise RejectionError(Rejection(f"{prefix}.status", "must be \"00\" (measuring), "
                                       "\"01\" (calibrating) or \"02\" (device error)", index))
    return ParsedReading(index, parameter.strip(), observed_at, float(value), unit, status)


def parse_batch(body: object) -> tuple[str | None, list[ParsedReading], list[Rejection]]:
    """The station code (if given), the good readings and the rejections of one batch."""
    if not isinstance(body, dict):
        shape = 'must be a JSON object {"station": …, "readings": […]}'
        return None, [], [Rejection("body", shape)]
    station = body.get("station")
    rejections: list[Rejection] = []
    if station is not None and not isinstance(station, str):
        rejections.append(Rejection("station", "must be a string (the station code)"))
        station = None
    items = body.get("readings")
    if not isinstance(items, list) or not items:
        rejections.append(Rejection("readings", "required, a non-empty list of readings"))
        return station, [], rejections
    parsed = []
    for index, item in enumerate(items):
        try:
            parsed.append(parse_reading(item, index))
        except RejectionError as error:
            rejections.append(error.rejection)
    return station, parsed, rejections
