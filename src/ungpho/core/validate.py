"""What the database can hold: the one place that bounds values before they are stored.

Every door (readings batches, station files, EURDEP, the API's schemas, the HTML forms, the
registry files) checks what it takes in with these functions, so that a value the database or
the code after it cannot hold is refused at the door with the field named, never met later
as a 500 or a page that no longer opens.

- Times: aware (a UTC offset is given) and inside the window the settings name
  (``UNGPHO_TIME_MIN`` … ``UNGPHO_TIME_MAX``, by default 1900-01-01 … 2100-01-01 UTC). PostgreSQL's
  ``timestamptz`` holds 4713 BC … 294276 AD, but Python's ``datetime`` holds years 1 … 9999
  only (Python documentation, ``datetime.MINYEAR``/``MAXYEAR``), so a row of year 0001 at
  +07:00 is stored by PostgreSQL as 1 BC and can never be read back; and ``+ timedelta``
  overflows near either end. The window keeps every stored time far from both.
- Integers: within the column's range (PostgreSQL documentation, "Numeric Types": smallint,
  integer, bigint; Django's Positive* fields add ``>= 0``). A JSON number of more than 4,300
  digits makes ``int()`` raise ValueError (Python documentation, "Integer string conversion
  length limitation", ``sys.get_int_max_str_digits``): ``json_loads`` reads it as an infinite
  number, which the number checks then refuse by field.
- Floats: finite (``NaN`` and ``Infinity`` compare with nothing; a Python int too large for a
  double makes ``float()`` raise OverflowError).
- Text: valid UTF-8 without lone surrogates (which Python strings can carry and no encoder
  accepts) and, for PostgreSQL, without NUL (``text`` cannot hold U+0000: PostgreSQL
  documentation, "Character Types"); at most the column's length.

Refusals are :class:`Invalid` (a ValueError) with the field and a :class:`Message`: English
text for the API, which the web layer translates from its ``template`` (a msgid of the
``.po`` files) for Vietnamese screens.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, cast

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field

from ungpho.core.vietnam_time import VIETNAM

#: U+0000 and the lone surrogates U+D800–U+DFFF.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: The longest integer ``int()`` reads from text by default (CPython 3.11+).
MAX_INT_DIGITS = 4300


def gettext_noop(text: str) -> str:
    """Marks a msgid for ``makemessages`` (translated where it is shown, not here)."""
    return text


class Message(str):
    """The English text of a refusal (``template % params``), carrying its ``template`` and
    ``params`` so that the web layer can show it in Vietnamese (``gettext(template) %
    params``). It is a ``str`` everywhere else: JSON, logs, the API."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        self = super().__new__(cls, template % params if params else template)
        self.template, self.params = template, params
        return self


class Invalid(ValueError):
    """A value refused at the door: ``field`` names it, ``message`` says why."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def storable_text(text: object, *, max_chars: int) -> str:
    """Any value as text a database column of ``max_chars`` can hold, for diagnostics (a
    reason, a source, a rejected line): each unstorable character written as its escape
    (``\\x00``, ``\\ud800``), cut to ``max_chars`` with an ellipsis."""
    text = text if isinstance(text, str) else str(text)
    if _UNSTORABLE.search(text):
        text = _UNSTORABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
    if len(text) > max_chars:
        text = text[:max_chars - 1] + "…"
    return text


# -- times ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimeWindow:
    """The times the system accepts: ``earliest`` ≤ t < ``latest`` (aware)."""

    earliest: dt.datetime
    latest: dt.datetime

    def __str__(self) -> str:
        return f"{self.earliest.date().isoformat()} … {self.latest.date().isoformat()}"


DEFAULT_WINDOW = TimeWindow(dt.datetime(1900, 1, 1, tzinfo=dt.UTC),
                            dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
_window = DEFAULT_WINDOW

ERR_NAIVE = gettext_noop("%(value)s has no UTC offset; add one, e.g. +07:00 for Vietnam")
ERR_TIME_OUTSIDE = gettext_noop("%(value)s is outside the times this system accepts "
                                "(%(window)s)")
ERR_TIME_TEXT = gettext_noop("%(value)s is not an ISO 8601 date-time with its UTC offset, "
                             "e.g. 2026-11-21T10:05:00+07:00")
ERR_DATE_OUTSIDE = gettext_noop("%(value)s is outside the dates this system accepts "
                                "(%(window)s)")


def time_window() -> TimeWindow:
    return _window


def time_window_set(earliest: dt.datetime, latest: dt.datetime) -> TimeWindow:
    """Set the window (settings do, from ``UNGPHO_TIME_MIN``/``UNGPHO_TIME_MAX``, at start)."""
    global _window
    if earliest.tzinfo is None or latest.tzinfo is None or not earliest < latest \
            or earliest.year < 2 or latest.year > 9998:
        raise ValueError(f"a time window is aware, earliest < latest, within years 2 … 9998: "
                         f"{earliest} … {latest}")
    _window = TimeWindow(earliest, latest)
    return _window


def time_checked(moment: dt.datetime, *, field: str) -> dt.datetime:
    """An aware time inside the window, returned in UTC; :class:`Invalid` naming ``field``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid(field, Message(ERR_NAIVE, value=moment.isoformat()))
    try:
        utc = moment.astimezone(dt.UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+07:00 is before year 1 in UTC
        utc = None
    if utc is None or not _window.earliest <= utc < _window.latest:
        raise Invalid(field, Message(ERR_TIME_OUTSIDE, value=moment.isoformat(),
                                     window=str(_window)))
    return utc


def time_parse(text: object, *, field: str) -> dt.datetime:
    """ISO 8601 date-time with its UTC offset (RFC 3339 §5.6, as ``datetime.fromisoformat``
    reads it), inside the window, in UTC."""
    if isinstance(text, dt.datetime):
        return time_checked(text, field=field)
    shown = repr(text) if isinstance(text, str) else type(text).__name__
    if not isinstance(text, str) or len(text) > 64:
        raise Invalid(field, Message(ERR_TIME_TEXT, value=storable_text(shown, max_chars=80)))
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(field, Message(ERR_TIME_TEXT, value=storable_text(shown, max_chars=80))
                      ) from None
    return time_checked(moment, field=field)


#: ``31/12/2026 10:00`` or ``31/12/2026``: day first, as dates are written in Vietnam.
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
ERR_LOCAL_TIME = gettext_noop("%(value)s is not a date and time: write dd/mm/yyyy HH:MM "
                              "(Vietnam time), e.g. 31/12/2026 10:00")


def local_time_parse(text: object, *, field: str, now: dt.datetime | None = None) -> dt.datetime:
    """A time as a person types it in a form: ``31/12/2026 10:00``, ``31/12/2026`` (midnight),
    ``2026-12-31 10:00`` or ``2026-12-31T10:00`` (a browser's ``datetime-local``), all in
    Vietnam's time unless an offset is given (ISO 8601), or ``10:00`` (today in Vietnam, when
    ``now`` is given); inside the window. Aware, in Vietnam's time; :class:`Invalid` naming
    ``field``."""
    raw = text.strip() if isinstance(text, str) else ""
    shown = storable_text(repr(text) if isinstance(text, str) else type(text).__name__,
                          max_chars=80)
    moment = None
    if 0 < len(raw) <= 64:
        day_first, clock = _DAY_FIRST.match(raw), _CLOCK.match(raw)
        try:
            if day_first:
                day, month, year, hour, minute, second = (int(g or 0) for g in
                                                          day_first.groups())
                moment = dt.datetime(year, month, day, hour, minute, second)
            elif clock and now is not None:
                moment = dt.datetime.combine(now.astimezone(VIETNAM).date(),
                                             dt.time(int(clock[1]), int(clock[2])))
            else:
                moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            moment = None
    if moment is None:
        raise Invalid(field, Message(ERR_LOCAL_TIME, value=shown))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return time_checked(moment, field=field).astimezone(VIETNAM)


def date_checked(day: dt.date, *, field: str) -> dt.date:
    """A calendar date inside the window's dates."""
    if not _window.earliest.date() <= day < _window.latest.date():
        raise Invalid(field, Message(ERR_DATE_OUTSIDE, value=day.isoformat(),
                                     window=str(_window)))
    return day


# -- numbers ----------------------------------------------------------------------------------

#: (lowest, highest) a column holds (PostgreSQL "Numeric Types"; SQLite holds 64 bits).
SMALLINT = (-(2 ** 15), 2 ** 15 - 1)
INTEGER = (-(2 ** 31), 2 ** 31 - 1)
BIGINT = (-(2 ** 63), 2 ** 63 - 1)
POSITIVE_SMALLINT = (0, SMALLINT[1])
POSITIVE_INTEGER = (0, INTEGER[1])

ERR_INTEGER = gettext_noop("%(value)s is not a whole number")
ERR_INTEGER_RANGE = gettext_noop("%(value)s is outside %(low)s … %(high)s")
ERR_NUMBER = gettext_noop("%(value)s is not a number")
ERR_NUMBER_FINITE = gettext_noop("%(value)s is not a finite number")
ERR_NUMBER_RANGE = gettext_noop("%(value)s is outside %(low)s … %(high)s")


def _shown(value: object) -> str:
    """A value as a message shows it: long numbers by their size, text escaped and cut."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 30:
        return f"a number of {len(str(abs(value)))} digits"
    return storable_text(repr(value), max_chars=60)


def int_checked(value: object, *, field: str, bounds: tuple[int, int] = INTEGER) -> int:
    """A JSON integer (not a boolean) within ``bounds``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(field, Message(ERR_INTEGER, value=_shown(value)))
    low, high = bounds
    if not low <= value <= high:
        raise Invalid(field, Message(ERR_INTEGER_RANGE, value=_shown(value), low=low,
                                     high=high))
    return value


def int_parse(text: object, *, field: str, bounds: tuple[int, int] = INTEGER) -> int:
    """A whole number typed in a form or a file (decimal digits, an optional sign)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return int_checked(text, field=field, bounds=bounds)
    raw = str(text).strip() if isinstance(text, str) else None
    digits = raw.removeprefix("-").removeprefix("+") if raw is not None else ""
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
        raise Invalid(field, Message(ERR_INTEGER, value=_shown(text)))
    return int_checked(int(cast(str, raw)), field=field, bounds=bounds)  # digits: not None


def number_checked(value: object, *, field: str, low: float | None = None,
                   high: float | None = None) -> float:
    """A JSON number (not a boolean), finite, within ``low`` … ``high`` when given."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(field, Message(ERR_NUMBER, value=_shown(value)))
    try:
        number = float(value)
    except OverflowError:  # an int beyond a double's range
        number = math.inf
    if not math.isfinite(number):
        raise Invalid(field, Message(ERR_NUMBER_FINITE, value=_shown(value)))
    if (low is not None and number < low) or (high is not None and number > high):
        raise Invalid(field, Message(ERR_NUMBER_RANGE, value=f"{number:g}",
                                     low="…" if low is None else f"{low:g}",
                                     high="…" if high is None else f"{high:g}"))
    return number


def number_parse(text: object, *, field: str, low: float | None = None,
                 high: float | None = None) -> float:
    """A number typed in a form or a file (a decimal point), finite, within bounds."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return number_checked(text, field=field, low=low, high=high)
    raw = text.strip() if isinstance(text, str) else ""
    try:
        number = float(raw) if len(raw) <= 64 else None
    except ValueError:
        number = None
    if number is None:
        raise Invalid(field, Message(ERR_NUMBER, value=_shown(text)))
    return number_checked(number, field=field, low=low, high=high)


# -- text -------------------------------------------------------------------------------------

ERR_TEXT = gettext_noop("must be text")
ERR_TEXT_UNSTORABLE = gettext_noop("contains %(char)s at character %(position)s, which cannot "
                                   "be stored")
ERR_TEXT_LONG = gettext_noop("longer than %(max)s characters")


def text_problem(text: str, *, max_chars: int | None = None) -> Message | None:
    """Why ``text`` cannot be stored in a column of ``max_chars`` (None: unlimited), or
    None."""
    bad = _UNSTORABLE.search(text)
    if bad:
        return Message(ERR_TEXT_UNSTORABLE, char=bad.group().encode("unicode_escape").decode(),
                       position=bad.start() + 1)
    if max_chars is not None and len(text) > max_chars:
        return Message(ERR_TEXT_LONG, max=max_chars)
    return None


def text_checked(value: object, *, field: str, max_chars: int | None = None) -> str:
    """Text a column of ``max_chars`` can hold, unchanged; :class:`Invalid` otherwise."""
    if not isinstance(value, str):
        raise Invalid(field, Message(ERR_TEXT))
    problem = text_problem(value, max_chars=max_chars)
    if problem is not None:
        raise Invalid(field, problem)
    return value


# -- JSON -------------------------------------------------------------------------------------

ERR_JSON = gettext_noop("not valid JSON: %(error)s")
ERR_JSON_DEEP = gettext_noop("nested too deeply to read (arrays or objects inside each other)")
ERR_JSON_ENCODING = gettext_noop("not UTF-8 text (byte %(position)s)")


def _int_or_infinite(digits: str) -> int | float:
    if len(digits) > MAX_INT_DIGITS:
        return -math.inf if digits.startswith("-") else math.inf
    return int(digits)


def json_loads(data: bytes | str, *, field: str = "body") -> Any:
    """JSON (RFC 8259) as Python values, whatever the input: any failure to read is
    :class:`Invalid` on ``field`` (not UTF-8 — a byte order mark is allowed —, not JSON,
    nested too deeply for Python's
    recursion limit); an integer too long for ``int()`` reads as an infinite number, which
    the number checks refuse under the item's own field."""
    try:
        # UTF-8 as RFC 8259 §8.1 requires (json.loads would guess UTF-16 and UTF-32 too).
        text = data.decode("utf-8-sig") if isinstance(data, bytes | bytearray) else data
        return json.loads(text, parse_int=_int_or_infinite)
    except RecursionError:
        raise Invalid(field, Message(ERR_JSON_DEEP)) from None
    except UnicodeDecodeError as error:
        raise Invalid(field, Message(ERR_JSON_ENCODING, position=error.start + 1)) from None
    except ValueError as error:  # JSONDecodeError, and anything else the decoder refuses
        raise Invalid(field, Message(ERR_JSON, error=storable_text(error, max_chars=200))
                      ) from None


ERR_JSON_NUMBER = gettext_noop("%(value)s is not a finite number")


def json_problems(value: Any, *, path: str = "$") -> list[tuple[str, Message]]:
    """Every key or string in parsed JSON that no column can store, and every number that
    is not finite (a JSON column refuses ``NaN`` and ``Infinity``), by JSON path."""
    problems: list[tuple[str, Message]] = []
    stack = [(path, value)]
    while stack:  # not recursive: the depth is whatever the JSON had
        where, item = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem is not None:
                problems.append((where, problem))
        elif isinstance(item, float) and not math.isfinite(item):
            problems.append((where, Message(ERR_JSON_NUMBER, value=repr(item))))
        elif isinstance(item, dict):
            for key, inner in item.items():
                key_problem = text_problem(key) if isinstance(key, str) else None
                child = f"{where}.{storable_text(key, max_chars=60)}" if where else \
                    storable_text(key, max_chars=60)
                if key_problem is not None:
                    problems.append((child, key_problem))
                stack.append((child, inner))
        elif isinstance(item, list | tuple):
            stack.extend((f"{where}[{i}]", inner) for i, inner in enumerate(item))
    return sorted(problems)


# -- pydantic types for the API's schemas and the rules' facts -----------------------------------

def _moment(value: dt.datetime) -> dt.datetime:
    try:
        time_checked(value, field="")
    except Invalid as error:
        raise ValueError(error.message) from None
    return value  # with the offset it was given


def _day(value: dt.date) -> dt.date:
    try:
        return date_checked(value, field="")
    except Invalid as error:
        raise ValueError(error.message) from None


def _text(max_chars: int | None):
    def check(value: str) -> str:
        problem = text_problem(value, max_chars=max_chars)
        if problem is not None:
            raise ValueError(problem)
        return value
    return check


#: An aware time inside the window, as given (its offset kept).
Moment = Annotated[AwareDatetime, AfterValidator(_moment)]
#: A calendar date inside the window's dates.
Day = Annotated[dt.date, AfterValidator(_day)]
#: A finite number.
Number = Annotated[float, Field(allow_inf_nan=False)]
#: Degrees of latitude and longitude (WGS 84).
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


def _number_as_text(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value) if not isinstance(value, int) or abs(value) < 10 ** 30 else "inf"
    return value


def Text(max_chars: int | None = None, *, numbers: bool = False):  # noqa: N802 (a type)
    """Text a column of ``max_chars`` can hold; ``numbers``: a JSON number is taken as its
    text (an id or an amount the service reads; one type, so a refusal names one field)."""
    before = (BeforeValidator(_number_as_text),) if numbers else ()
    return Annotated[str, *before, AfterValidator(_text(max_chars))]


def Int(bounds: tuple[int, int] = INTEGER):  # noqa: N802 (a type)
    """A whole number a column of ``bounds`` holds."""
    return Annotated[int, Field(ge=bounds[0], le=bounds[1])]
