"""EURDEP 2.x text messages (European Radiological Data Exchange Platform) for ambient gamma
dose rate: parse them into µSv/h values with per-line rejections, and write them.

We implement EURDEP 2.1 (written as ``\\FORMAT_VERSION 2.1``) and read 2.0 the same way: the
JRC's EURDEP pages say 2.0 came into use in 2002 and name 2.1 as the current version, and no
public source shows a structural difference between them.

Sources (the JRC specification itself is not public; the facts below are what these agree on):
- JRC, "What is EURDEP" / "Data-Flow" pages (eurdep.jrc.ec.europa.eu; remon.jrc.ec.europa.eu/
  About): 2.0 and 2.1, hourly files, conversion to and from IRIX 1.0;
- OpenBfS/eurdep-parser (German Federal Office for Radiation Protection, EURDEP 2.1): the ANTLR
  grammar ``Eurdep.g4``, ``EurdepListener.java`` (defaults, ``!`` and ``-``), the code lists
  ``eurdep_unit.json``, ``nuclide_category.json`` (``T-GAMMA`` = total gamma) and
  ``sample_type_code.json`` (``A5`` = external radiation), the mandatory header fields;
- fanc-afcn/Eurdep.NET (Belgian FANC, ``Format/v2_1``): header and field names, mandatory
  fields, ``yyyy-MM-ddTHH:mm:ssZ`` date-times, ``N``/``S``/``E``/``W`` coordinates;
- sample files: palli/eurdep ``data/IS20131215-reitr.EUR`` (Icelandic Radiation Safety
  Authority, many messages in one file) and the Bulgarian INRNE ``\\FORMAT_VERSION 2.0`` files
  found by text search (``-`` for an empty BACKGROUND, quoted ``REMARKS``).

What they show:
- every line is ``\\`` + content + ``;``; a file holds one or more ``\\BEGIN_EURDEP;`` …
  ``\\END_EURDEP;`` messages, each with ``\\BEGIN_X;`` … ``\\END_X;`` sections;
- HEADER holds ``\\KEY value;`` lines: IMPORTANCE, ORIGINATOR, SENT and MESSAGE_ID are
  mandatory; COUNTRY_CODE, SOFTWARE_VERSION, CARRIER, FORMAT_VERSION, FILENAME are optional.
  There is no SENDER or CREATION_DATE: ``emit_eurdep``'s ``sender`` is written as ORIGINATOR
  and ``created`` as SENT;
- LOCALITY and RADIOLOGICAL sections start with ``\\FIELD_LIST A,B,...;`` naming the
  comma-separated fields of the records below it. LOCALITY: LOCALITY_CODE, LOCALITY_NAME,
  LATITUDE, LONGITUDE, HEIGHT_ABOVE_LAND, HEIGHT_ABOVE_SEA (m), NUTS, coordinates as a hemisphere
  letter and decimal degrees (``N64.0508``, ``W021.5035``). RADIOLOGICAL: LOCALITY_CODE, BEGIN,
  END, SAMPLE_TYPE, NUCLIDE, VALUE, UNIT, VALIDATED, VALUE_CONSTRAINT (``<`` or ``>``),
  UNCERTAINTY…, BACKGROUND, REMARKS (in double quotes, commas allowed) and others. There is no
  DURATION field: the period is BEGIN to END;
- ``\\BEGIN_DEFAULT;`` ``\\KEY value;`` ``\\END_DEFAULT;`` inside RADIOLOGICAL gives values for
  fields a record leaves out or leaves empty; ``!`` asks for the default, ``-`` means "no value";
- date-times are UTC with a ``Z``: ``2013-12-15T00:10Z`` in the samples, with seconds in
  Eurdep.NET;
- units come from a code list (``NSV/H``, ``USV/H``, ``NGY/H``, ``BQ/M3``…), written ``nSv/h``
  in some files; the gamma dose rate samples use ``NUCLIDE T-GAMMA``, ``SAMPLE_TYPE A5`` and
  nSv/h, which we therefore write.

Readings (where the sources are silent):
- Units are matched without regard to case, µ (U+00B5 or U+03BC) read as u. Only nSv/h
  (÷ 1000) and µSv/h are accepted; nGy/h and µR/h are not converted (air kerma needs the
  spectrum) and are rejected like any unknown unit. Scaling is done in exact decimal arithmetic.
- A record without VALUE (empty, ``-``, or ``!`` without a default), with a negative VALUE, or
  with a VALUE_CONSTRAINT (a detection-limit bound, not a measurement) is rejected.
- VALIDATED: the sources name the field but not its codes; it is kept as the integer written,
  ``None`` when absent or ``-``; anything else rejects the record.
- Date-times: ``yyyy-MM-ddTHH:mmZ`` or ``…:ssZ``, nothing else; ``T24:00Z`` is read as the next
  day's 00:00. END must be after BEGIN. We write minutes, and seconds only when not zero.
- One record per line; text after its ``;`` is ignored (the BfS grammar allows it). A line
  outside any section, or inside a section we do not read (METEO, COMMENT), is not data.
- A radiological record's LOCALITY_CODE must be defined by a LOCALITY record somewhere in the
  input; a locality defined again (every Icelandic message repeats them) takes the later record.
- A bad LATITUDE, LONGITUDE or HEIGHT_ABOVE_SEA is dropped and reported: the locality is kept,
  so its dose rates are not lost. Coordinates may also be plain signed decimal degrees.
- A FORMAT_VERSION other than 2.x is reported, and the message is still read as 2.x.
- Rejection reasons are English, like the JSON readings API; the caller translates them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ungpho.core.validate import Invalid, storable_text, text_problem, time_checked

FORMAT_VERSION = "2.1"
GAMMA_NUCLIDE = "T-GAMMA"
#: Sample type code list: A5 = "EXTERNAL RADIATION".
EXTERNAL_RADIATION = "A5"

#: Decimal exponent taking each accepted UNIT (upper case, µ as U) to µSv/h.
_EXPONENT_TO_USV_H = {"NSV/H": -3, "USV/H": 0}
_LOCALITY_FIELDS = ("LOCALITY_CODE", "LOCALITY_NAME", "LATITUDE", "LONGITUDE", "HEIGHT_ABOVE_SEA")
_RADIOLOGICAL_FIELDS = ("LOCALITY_CODE", "BEGIN", "END", "NUCLIDE", "VALUE", "VALIDATED")
#: Nesting depth of the sections we read; any other BEGIN_X opens a skipped section at depth 1.
_DEPTH = {"EURDEP": 0, "HEADER": 1, "LOCALITY": 1, "RADIOLOGICAL": 1, "DEFAULT": 2}

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?Z")
_MARKER = re.compile(r"(BEGIN|END)_(\w+)", re.IGNORECASE)
_FIELD_LIST = re.compile(r"FIELD_LIST(?:\s+(.*))?", re.IGNORECASE)
_FORBIDDEN = re.compile(r'[\\;"\x00-\x1f\x7f]')
_VERSION_2 = re.compile(r"2(?:\.\d+)*")
#: Longest locality name accepted and line kept with a rejection.
_TEXT_CHARS = 500


@dataclass(frozen=True, slots=True)
class EurdepLocality:
    code: str
    name: str
    lat_deg: float | None
    lon_deg: float | None
    height_m: float | None


@dataclass(frozen=True, slots=True)
class EurdepValue:
    line_no: int
    locality_code: str
    begin: datetime
    end: datetime
    value_usv_h: float
    nuclide: str
    validated: int | None


@dataclass(frozen=True, slots=True)
class EurdepRejection:
    line_no: int
    field: str
    reason: str
    text: str


class _Reject(Exception):
    def __init__(self, field_name: str, reason: str):
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


def parse_eurdep(
    lines: Iterable[str],
) -> tuple[dict[str, EurdepLocality], list[EurdepValue], list[EurdepRejection]]:
    """Read EURDEP 2.x lines (with or without line ends) into localities by code, dose rate
    values in µSv/h, and one rejection per bad line, sorted by line number.

    Structure, defaults, units and date-times as in the module docstring (EURDEP 2.1, as read
    by OpenBfS/eurdep-parser and fanc-afcn/Eurdep.NET). A bad line never stops the others.
    """
    parser = _Parser()
    for line_no, raw in enumerate(lines, start=1):
        parser.feed(line_no, raw)
    return parser.finish()


@dataclass
class _Parser:
    localities: dict[str, EurdepLocality] = field(default_factory=dict)
    values: list[tuple[EurdepValue, str]] = field(default_factory=list)
    rejections: list[EurdepRejection] = field(default_factory=list)
    sections: list[tuple[str, int]] = field(default_factory=list)  # (name, line of its BEGIN)
    field_list: list[str] | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    line_no: int = 0
    text: str = ""

    def feed(self, line_no: int, raw: str) -> None:
        self.line_no, self.text = line_no, raw.rstrip("\r\n").removeprefix("\ufeff")
        stripped = self.text.strip()
        top = self.sections[-1][0] if self.sections else None
        if top is not None and top not in _DEPTH:
            # A comment holds free text and an unknown section (METEO...) is skipped whole.
            marker = _MARKER.fullmatch(_content_or_none(stripped) or "")
            if marker and marker[1].upper() == "END" and marker[2].upper() == top:
                self.sections.pop()
            return
        if not stripped:
            return
        try:
            self._dispatch(_content(stripped))
        except _Reject as bad:
            self._reject(bad.field, bad.reason)

    def finish(
        self,
    ) -> tuple[dict[str, EurdepLocality], list[EurdepValue], list[EurdepRejection]]:
        self.text = ""
        for name, begun in reversed(self.sections):
            self._reject(f"END_{name}", f"missing: the {name} section from line {begun} never "
                                        "ends; the file may be truncated")
        values = []
        for value, text in self.values:
            if value.locality_code in self.localities:
                values.append(value)
            else:
                self.rejections.append(EurdepRejection(
                    value.line_no, "LOCALITY_CODE",
                    f"{value.locality_code!r} is not defined in any LOCALITY section",
                    storable_text(text, max_chars=_TEXT_CHARS)))
        self.rejections.sort(key=lambda rejection: rejection.line_no)
        return self.localities, values, self.rejections

    def _reject(self, field_name: str, reason: str) -> None:
        self.rejections.append(EurdepRejection(self.line_no, field_name, reason,
                                                storable_text(self.text, max_chars=_TEXT_CHARS)))

    def _dispatch(self, content: str) -> None:
        marker = _MARKER.fullmatch(content)
        if marker:
            name = marker[2].upper()
            if marker[1].upper() == "BEGIN":
                self._begin(name)
            else:
                self._end(name)
            return
        top = self.sections[-1][0] if self.sections else None
        field_list = _FIELD_LIST.fullmatch(content)
        if field_list and top in ("LOCALITY", "RADIOLOGICAL"):
            names = [name.strip().upper() for name in (field_list[1] or "").split(",")]
            if not all(names):
                raise _Reject("FIELD_LIST", "has an empty field name")
            self.field_list = names
        elif top == "HEADER":
            key, _, value = content.partition(" ")
            if key.upper() == "FORMAT_VERSION" and not _VERSION_2.fullmatch(value.strip()):
                raise _Reject("FORMAT_VERSION", f"{value.strip()!r} is not 2.x; read as 2.x")
        elif top == "DEFAULT":
            key, _, value = content.partition(" ")
            if not value.strip():
                raise _Reject(key.upper(), "default without a value")
            self.defaults[key.upper()] = value.strip()
        elif top == "LOCALITY":
            self._locality(self._record(content, {}))
        elif top == "RADIOLOGICAL":
            self.values.append((_value(self.line_no, self._record(content, self.defaults)),
                                self.text))
        else:
            raise _Reject("line", "outside a HEADER, LOCALITY or RADIOLOGICAL section")

    def _begin(self, name: str) -> None:
        if name == "COMMENT":
            self.sections.append((name, self.line_no))
            return
        if name == "DEFAULT" and (not self.sections or self.sections[-1][0] != "RADIOLOGICAL"):
            raise _Reject("BEGIN_DEFAULT", "a DEFAULT block belongs inside RADIOLOGICAL")
        depth = _DEPTH.get(name, 1)
        while self.sections and _DEPTH.get(self.sections[-1][0], 1) >= depth:
            open_name, begun = self.sections.pop()
            self._reject(f"END_{open_name}", f"missing: the {open_name} section from line "
                                             f"{begun} is closed by BEGIN_{name}")
        self.sections.append((name, self.line_no))
        if name in ("LOCALITY", "RADIOLOGICAL"):
            self.field_list, self.defaults = None, {}

    def _end(self, name: str) -> None:
        if name not in (open_name for open_name, _ in self.sections):
            raise _Reject(f"END_{name}", f"no {name} section is open")
        while self.sections[-1][0] != name:
            open_name, begun = self.sections.pop()
            self._reject(f"END_{open_name}", f"missing: the {open_name} section from line "
                                             f"{begun} is closed by END_{name}")
        self.sections.pop()

    def _record(self, content: str, defaults: dict[str, str]) -> dict[str, str | None]:
        if self.field_list is None:
            raise _Reject("FIELD_LIST", "a record comes before any FIELD_LIST")
        parts = _split_fields(content)
        if len(parts) != len(self.field_list):
            raise _Reject("FIELD_LIST", f"{len(parts)} values for the {len(self.field_list)} "
                                        f"fields {','.join(self.field_list)}")
        record: dict[str, str | None] = dict(defaults)
        for name, (text, quoted) in zip(self.field_list, parts, strict=True):
            if quoted:
                record[name] = text
            elif text == "-":
                record[name] = None
            elif text in ("", "!"):
                record.setdefault(name, None)
            else:
                record[name] = text
        return record

    def _locality(self, record: dict[str, str | None]) -> None:
        code = _required(record, "LOCALITY_CODE")
        kept: dict[str, float | None] = {}
        for name, parse in (("LATITUDE", lambda text: _coordinate(text, "N", "S", 90)),
                            ("LONGITUDE", lambda text: _coordinate(text, "E", "W", 180)),
                            ("HEIGHT_ABOVE_SEA", _height)):
            text = record.get(name)
            try:
                kept[name] = None if not text else parse(text)
            except ValueError as error:
                kept[name] = None
                self._reject(name, f"{error}; dropped, locality {code} kept without it")
        name = record.get("LOCALITY_NAME") or ""
        if text_problem(name, max_chars=_TEXT_CHARS):
            raise _Reject("LOCALITY_NAME", str(text_problem(name, max_chars=_TEXT_CHARS)))
        self.localities[code] = EurdepLocality(
            code, name, kept["LATITUDE"], kept["LONGITUDE"], kept["HEIGHT_ABOVE_SEA"])


def _content_or_none(stripped: str) -> str | None:
    end = stripped.find(";")
    return stripped[1:end].strip() if stripped.startswith("\\") and end > 0 else None


def _content(stripped: str) -> str:
    if not stripped.startswith("\\"):
        raise _Reject("line", "does not start with a backslash")
    if ";" not in stripped:
        raise _Reject("line", "does not end with a semicolon")
    return stripped[1:stripped.find(";")].strip()


def _split_fields(content: str) -> list[tuple[str, bool]]:
    """Split on commas outside double quotes; a quoted field is literal (never ``-``/``!``)."""
    chunks, start, in_quotes = [], 0, False
    for index, char in enumerate(content):
        if char == '"':
            in_quotes = not in_quotes
        elif char == "," and not in_quotes:
            chunks.append(content[start:index])
            start = index + 1
    if in_quotes:
        raise _Reject("line", "has an unbalanced double quote")
    chunks.append(content[start:])
    parts = []
    for chunk in (chunk.strip() for chunk in chunks):
        if chunk.startswith('"') and chunk.endswith('"') and len(chunk) >= 2:
            if '"' in chunk[1:-1]:
                raise _Reject("line", f"badly quoted field {chunk!r}")
            parts.append((chunk[1:-1], True))
        elif '"' in chunk:
            raise _Reject("line", f"badly quoted field {chunk!r}")
        else:
            parts.append((chunk, False))
    return parts


def _required(record: dict[str, str | None], name: str) -> str:
    text = record.get(name)
    if not text:
        raise _Reject(name, "missing (empty, '-', or '!' without a default)")
    if text_problem(text):
        raise _Reject(name, str(text_problem(text)))
    return text


def _value(line_no: int, record: dict[str, str | None]) -> EurdepValue:
    code = _required(record, "LOCALITY_CODE")
    begin, end = _time(record, "BEGIN"), _time(record, "END")
    if end <= begin:
        raise _Reject("END", f"{record['END']} is not after BEGIN {record['BEGIN']}")
    value_text = _required(record, "VALUE")
    if record.get("VALUE_CONSTRAINT"):
        raise _Reject("VALUE_CONSTRAINT", f"{record['VALUE_CONSTRAINT']!r}: the value is a "
                                          "bound (detection limit), not a measurement")
    if not _NUMBER.fullmatch(value_text):
        raise _Reject("VALUE", f"{value_text!r} is not a number")
    unit_text = _required(record, "UNIT")
    exponent = _EXPONENT_TO_USV_H.get(
        unit_text.replace("\u00b5", "u").replace("\u03bc", "u").upper())
    if exponent is None:
        raise _Reject("UNIT", f"{unit_text!r} is not a dose rate unit we read; "
                              "expected nSv/h or µSv/h")
    exact = Decimal(value_text)
    value_usv_h = float(exact.scaleb(exponent))
    if exact < 0 or not math.isfinite(value_usv_h):
        raise _Reject("VALUE", f"{value_text} {unit_text} is not a dose rate (negative or too "
                               "large)")
    nuclide = _required(record, "NUCLIDE")
    validated_text = record.get("VALIDATED")
    if validated_text and not (_INTEGER.fullmatch(validated_text) and len(validated_text) < 10):
        raise _Reject("VALIDATED", f"{validated_text!r} is not an integer flag")
    return EurdepValue(line_no, code, begin, end, value_usv_h, nuclide,
                       int(validated_text) if validated_text else None)


def _time(record: dict[str, str | None], name: str) -> datetime:
    text = _required(record, name)
    match = _TIME.fullmatch(text)
    if not match:
        raise _Reject(name, f"{text!r} is not a UTC date-time yyyy-MM-ddTHH:mm[:ss]Z")
    year, month, day, hour, minute = (int(part) for part in match.groups()[:5])
    second = int(match[6] or 0)
    try:
        if (hour, minute, second) == (24, 0, 0):
            moment = datetime(year, month, day, tzinfo=UTC) + timedelta(days=1)
        else:
            moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (ValueError, OverflowError) as error:  # OverflowError: 9999-12-31T24:00Z
        raise _Reject(name, f"{text!r} is not a real date-time ({error})") from None
    try:
        return time_checked(moment, field=name)
    except Invalid as error:
        raise _Reject(name, error.message) from None


def _coordinate(text: str, positive: str, negative: str, limit_deg: int) -> float:
    hemisphere = text[0].upper() if text[0].isalpha() else None
    body = text[1:].strip() if hemisphere else text
    if not _NUMBER.fullmatch(body) or (hemisphere and body[0] in "+-"):
        raise ValueError(f"{text!r} is not {positive}/{negative} and decimal degrees")
    if hemisphere not in (None, positive, negative):
        raise ValueError(f"{text!r}: hemisphere must be {positive} or {negative}")
    degrees = -float(body) if hemisphere == negative else float(body)
    if not -limit_deg <= degrees <= limit_deg:
        raise ValueError(f"{text!r} is beyond ±{limit_deg}°")
    return degrees


def _height(text: str) -> float:
    if not _NUMBER.fullmatch(text) or not math.isfinite(float(text)):
        raise ValueError(f"{text!r} is not a height in metres")
    return float(text)


def emit_eurdep(*, sender: str, created: datetime, localities: Iterable[EurdepLocality],
                values: Iterable[EurdepValue]) -> Iterator[str]:
    """Write one EURDEP 2.1 message, line by line (no line ends), reading ``values`` lazily.

    HEADER: IMPORTANCE NORMAL, ORIGINATOR ``sender``, SENT ``created``, FORMAT_VERSION 2.1,
    MESSAGE_ID ``UNGPHO_<created>``; LOCALITY with hemisphere coordinates; RADIOLOGICAL with
    defaults SAMPLE_TYPE A5 and UNIT NSV/H (the gamma dose rate sample files, see the module
    docstring). Raises ValueError naming the field for what EURDEP cannot carry: a naive or
    sub-second date-time, a negative or non-finite value, a forbidden character, a duplicate
    locality, or a value whose locality was not given.
    """
    sent = _format_time("created", created)
    if not sender.strip() or _FORBIDDEN.search(sender):
        raise ValueError("ORIGINATOR (sender): must be non-empty, without \\ ; \" or controls")
    stamp = sent.replace("-", "").replace(":", "").replace("T", "").removesuffix("Z")
    yield from ("\\BEGIN_EURDEP;", "\\BEGIN_HEADER;", "\\IMPORTANCE NORMAL;",
                f"\\ORIGINATOR {sender.strip()};", f"\\SENT {sent};",
                f"\\FORMAT_VERSION {FORMAT_VERSION};", f"\\MESSAGE_ID UNGPHO_{stamp};",
                "\\END_HEADER;", "\\BEGIN_LOCALITY;",
                f"\\FIELD_LIST {','.join(_LOCALITY_FIELDS)};")
    codes: set[str] = set()
    for locality in localities:
        _check_token("LOCALITY_CODE", locality.code)
        if locality.code in codes:
            raise ValueError(f"LOCALITY_CODE: {locality.code!r} is given twice")
        codes.add(locality.code)
        yield (f"\\{locality.code},{_format_name(locality)},"
               f"{_format_coordinate('LATITUDE', locality.lat_deg, 'N', 'S', 90)},"
               f"{_format_coordinate('LONGITUDE', locality.lon_deg, 'E', 'W', 180)},"
               f"{_format_height(locality.height_m)};")
    yield from ("\\END_LOCALITY;", "\\BEGIN_RADIOLOGICAL;",
                f"\\FIELD_LIST {','.join(_RADIOLOGICAL_FIELDS)};", "\\BEGIN_DEFAULT;",
                f"\\SAMPLE_TYPE {EXTERNAL_RADIATION};", "\\UNIT NSV/H;", "\\END_DEFAULT;")
    for value in values:
        where = f"value for {value.locality_code!r}"
        if value.locality_code not in codes:
            raise ValueError(f"LOCALITY_CODE: {where} has no locality among those given")
        _check_token("NUCLIDE", value.nuclide)
        if not math.isfinite(value.value_usv_h) or value.value_usv_h < 0:
            raise ValueError(f"VALUE: {where} is {value.value_usv_h!r}, not a dose rate")
        validated = "-" if value.validated is None else str(int(value.validated))
        yield (f"\\{value.locality_code},{_format_time(f'BEGIN of {where}', value.begin)},"
               f"{_format_time(f'END of {where}', value.end)},{value.nuclide},"
               f"{_decimal_text(value.value_usv_h, 3)},{validated};")
    yield from ("\\END_RADIOLOGICAL;", "\\END_EURDEP;")


def _format_time(what: str, moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what}: {moment.isoformat()} has no UTC offset")
    utc = moment.astimezone(UTC)
    if utc.microsecond:
        raise ValueError(f"{what}: {moment.isoformat()} has sub-second precision")
    seconds = f":{utc.second:02d}" if utc.second else ""
    return (f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}"
            f"{seconds}Z")


def _decimal_text(number: float, shift: int) -> str:
    """Exact decimal text of ``number × 10^shift`` (shortest repr, so parsing gives it back)."""
    return format(Decimal(repr(number)).scaleb(shift).normalize(), "f")


def _check_token(what: str, text: str) -> None:
    if not text or text in ("-", "!") or _FORBIDDEN.search(text) or re.search(r"[\s,]", text):
        raise ValueError(f"{what}: {text!r} must be one word without \\ ; , \" or spaces")


def _format_name(locality: EurdepLocality) -> str:
    name = locality.name
    if _FORBIDDEN.search(name):
        raise ValueError(f"LOCALITY_NAME of {locality.code!r}: {name!r} has \\ ; \" or controls")
    return f'"{name}"' if "," in name or name in ("-", "!") or name != name.strip() else name


def _format_coordinate(what: str, degrees: float | None, positive: str, negative: str,
                       limit_deg: int) -> str:
    if degrees is None:
        return "-"
    if not (math.isfinite(degrees) and -limit_deg <= degrees <= limit_deg):
        raise ValueError(f"{what}: {degrees!r} is beyond ±{limit_deg}°")
    return f"{negative if degrees < 0 else positive}{abs(degrees)!r}"


def _format_height(height_m: float | None) -> str:
    if height_m is None:
        return "-"
    if not math.isfinite(height_m):
        raise ValueError(f"HEIGHT_ABOVE_SEA: {height_m!r} is not a height")
    return _decimal_text(height_m, 0)
