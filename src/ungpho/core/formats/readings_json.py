"""Parse the JSON readings batch of ``POST /api/v1/readings`` and of MQTT messages.

One bad item never spoils its neighbours: each item is parsed alone and a rejection names the
item's index and the field, e.g. ``readings[2].time``. Each value is bounded by
``ungpho.core.validate`` (a time in the accepted window, a finite number, storable text), so
nothing this parser accepts can fail to be stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from ungpho.core.validate import (
    Invalid,
    number_checked,
    text_checked,
    text_problem,
    time_parse,
)

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


#: Longest parameter symbol or unit a batch may name (the station file's limits).
MAX_SYMBOL_CHARS = 32
#: Longest station code (the registry's column).
MAX_STATION_CHARS = 40


@lru_cache(maxsize=4096)
def _text(value: str, field: str) -> str:
    """A symbol or unit checked once per distinct text (a batch repeats them)."""
    return text_checked(value, field=field, max_chars=MAX_SYMBOL_CHARS)


@lru_cache(maxsize=4096)
def _time(text: str) -> dt.datetime:
    """A time checked once per distinct text (the parameters of a moment share it)."""
    return time_parse(text, field="time")


def parse_reading(item: object, index: int) -> ParsedReading:
    """One item of a batch; :class:`RejectionError` naming ``readings[index].<field>``."""
    if not isinstance(item, dict):
        raise RejectionError(Rejection(f"readings[{index}]", "must be an object", index))
    try:
        parameter = item.get("parameter")
        if not isinstance(parameter, str) or not parameter.strip():
            raise Invalid("parameter", "required, a symbol such as GammaDR")
        _text(parameter, "parameter")
        time = item.get("time")
        if time is None:
            raise Invalid("time", "required")
        observed_at = _time(time) if isinstance(time, str) else time_parse(time, field="time")
        value = item.get("value")
        if value is None:
            raise Invalid("value", "required, a finite number")
        value = number_checked(value, field="value")
        unit = item.get("unit")
        if unit is not None:
            _text(unit, "unit") if isinstance(unit, str) else text_checked(unit, field="unit")
        status = item.get("status", "00")
        if status not in STATUSES:
            raise Invalid("status", "must be \"00\" (measuring), \"01\" (calibrating) or "
                                    "\"02\" (device error)")
    except Invalid as error:
        raise RejectionError(Rejection(f"readings[{index}].{error.field}", error.message,
                                       index)) from None
    return ParsedReading(index, parameter.strip(), observed_at, value, unit, status)


def parse_batch(body: object) -> tuple[str | None, list[ParsedReading], list[Rejection]]:
    """The station code (if given), the good readings and the rejections of one batch."""
    if not isinstance(body, dict):
        shape = 'must be a JSON object {"station": …, "readings": […]}'
        return None, [], [Rejection("body", shape)]
    station = body.get("station")
    rejections: list[Rejection] = []
    if station is not None and (not isinstance(station, str) or text_problem(
            station, max_chars=MAX_STATION_CHARS)):
        rejections.append(Rejection("station", "must be the station code (text of at most "
                                               f"{MAX_STATION_CHARS} characters)"))
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
