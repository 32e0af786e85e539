"""Streaming parser of the data files sent by automatic, continuous monitoring stations.

Format (TT 24/2017/TT-BTNMT, replaced from 16/08/2021 by TT 10/2021/TT-BTNMT, Phụ lục 15):

- file name ``<Province>_<Facility>_<Station>_<yyyyMMddHHmmss>.txt`` (TenTinh_TenCoSo_TenTram_
  Thoigian), e.g. ``HN_NMNHADAU_KHI01_20261121100500.txt``;
- one reading per line: ``symbol value unit yyyyMMddHHmmss status``, e.g.
  ``PM2,5<TAB>12.5<TAB>µg/Nm³<TAB>20261121100500<TAB>00``;
- status ``00`` measuring (đang đo), ``01`` calibrating (hiệu chuẩn), ``02`` device error
  (báo lỗi thiết bị);
- times are local time of Vietnam.

Sources (read through the stored public copies of the ``search`` tool; the official text of
TT 10/2021 Phụ lục 15 itself was not found there, see the header of
``core/monitoring/data/parameters.yaml``):

- TT10 file format notes of a public Qt datalogger (search index file id 57570176450): file name
  ``TenTinh_TenCoSo_TenTram_`` + ``yyyyMMddHHmmss`` + ``.txt``; five TAB-separated columns
  symbol, value, unit, timestamp, status; status 00 đang đo / 01 hiệu chuẩn / 02 báo lỗi (its
  ``03`` maintenance code is internal to that datalogger, not TT 10).
- TT 10/2021 Chương VIII, Điều 39 as summarised by datalogger vendors (stored data: thông số,
  kết quả đo, đơn vị đo, thời gian đo, trạng thái): https://quantracmoitruongtudong.com/thiet-bi-
  truyen-du-lieu-quan-trac-tu-dong/ ; TT 24/2017 out of force from 16/08/2021, same page.
- Công văn 5417/BTNMT-TCMT (18/11/2016), the interim guidance on transmitting automatic
  monitoring data that preceded TT 24/2017: only its opening was in the stored copy
  (https://thuvienphapluat.vn/cong-van/Tai-nguyen-Moi-truong/Cong-van-5417-BTNMT-TCMT-huong-dan-
  truyen-nhan-so-lieu-quan-trac-tu-dong-lien-tuc-2016-341319.aspx); nothing here rests on it.
- Vietnam time: IANA tz database, zone Asia/Ho_Chi_Minh, UTC+07:00 without daylight saving.

Readings (assumptions where the texts read are silent):

- Fields are separated by a TAB or by any run of ASCII whitespace, so no field can be empty; a
  TAB-separated line with an empty field is rejected under that field's name.
- A line ends at LF; a CR before it is ignored; a lone CR is not a line break.
- The file is UTF-8 (the units need µ, ³, °), with an optional BOM at the start of the file.
  A line that is not UTF-8 is rejected alone (field ``encoding``); Windows-1258 and TCVN3 are the
  usual culprits and are named in the reason, not guessed at.
- Value: decimal point only. A decimal comma (``12,5``) is rejected as ambiguous (decimal or
  thousands separator?). Sign and exponent (``-1.5``, ``1.2e3``) are accepted; ``_`` digit
  separators, NaN and infinities (also ``1e999``) are rejected.
- Symbol: an ASCII letter then letters, digits, ``, . - _`` (``PM2,5``, ``N-NH4``), at most 32
  characters. Whether a well-formed symbol is known, and its unit the expected one, depends on
  the station type and is decided by ``core.monitoring`` (catalogue), not here.
- Unit: any printable UTF-8 text without spaces, at most 32 characters (``-`` for pH).
- Status codes other than 00/01/02 are rejected.
- A line must be shorter than 4096 bytes (real lines are ~50); a longer one is rejected and
  skipped to its end without being held in memory.
- The last line may lack its newline. If it then has fewer than 5 fields, or a bad status, the
  reason says it may be truncated (a file still being written or cut off in transfer).
- Read from its start (``first_line_no == 1``), a file without any non-blank line is rejected as
  a whole (line 0, field ``file``); resuming at the end of a file yields nothing.
- Plausibility of the time (in the future, too old) is quality control, not parsing.
- Reasons are English; ``field`` is the stable code a user interface translates.

Checkpointing: ``iter_lines_with_offsets`` yields the byte offset after each line, and
``parse_lines`` pulls one line at a time, so when it yields the item of line *n* the last offset
pulled is the one after line *n*::

    last = [0]
    def raw_lines():
        for last[0], raw in iter_lines_with_offsets(stream):
            yield raw
    for item in parse_lines(raw_lines(), first_line_no=next_line_no):
        ...  # after storing item: checkpoint (offset=last[0], next_line_no=item.line_no + 1)

To resume: ``stream.seek(offset)`` then ``read_station_file(stream, first_line_no=next_line_no)``.

Speed: a good line costs one ``bytes.split``, one ``float`` and four dictionary look-ups (symbol,
unit, stamp and status bytes map to their parsed values once seen; a new stamp is parsed on the
spot); everything else, and every rejection, goes through the slow path, which also fills those
caches.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from operator import itemgetter
from typing import BinaryIO, NamedTuple

from ungpho.core.validate import Invalid, storable_text, time_checked
from ungpho.core.vietnam_time import VIETNAM_UTC_OFFSET

_BOM = b"\xef\xbb\xbf"
_MAX_LINE_BYTES = 4096
_MAX_TEXT_CHARS = 500
_MAX_SYMBOL_CHARS = 32
_MAX_UNIT_CHARS = 32
_CACHE_ENTRIES = 4096
_FIELDS = ("symbol", "value", "unit", "time", "status")
_LAYOUT = "symbol value unit yyyyMMddHHmmss status"
_STATUS_CODES = {b"00": "00", b"01": "01", b"02": "02"}
_SYMBOL_RE = re.compile(rb"[A-Za-z][A-Za-z0-9,.\-_]*")
_NAME_PART_RE = re.compile(r"[A-Za-z0-9-]+")
_FILE_NAME_RE = re.compile(
    r"(?:.*[/\\])?([A-Za-z0-9-]+)_([A-Za-z0-9-]+)_([A-Za-z0-9-]+)_([0-9]{14})\.(?i:txt)", re.DOTALL)
_DECIMAL_COMMA_RE = re.compile(rb"[+-]?[0-9]*,[0-9]+")

# Parsed values of field bytes already seen; a file repeats its stamp and status on every line,
# and a station its symbols and units in every file.
_symbols: dict[bytes, str] = {}
_units: dict[bytes, str] = {}
_stamps: dict[bytes, dt.datetime] = {}

_new_tuple = tuple.__new__


class StationFileName(NamedTuple):
    province: str
    facility: str
    station: str
    sent_at: dt.datetime  # aware, UTC


class FileLine(NamedTuple):
    line_no: int
    symbol: str
    value: float
    unit: str
    observed_at: dt.datetime  # aware, UTC
    status: str  # "00" measuring, "01" calibrating, "02" device error


class LineRejection(NamedTuple):
    line_no: int  # 0: the file as a whole
    field: str  # file, encoding, line, symbol, value, unit, time or status
    reason: str
    #: the raw line, decoded with errors="replace", at most 500 characters, a NUL escaped
    #: (``core.validate.storable_text``): a rejection can always be stored
    text: str


@lru_cache(maxsize=_CACHE_ENTRIES)
def local_stamp_to_utc(stamp: str) -> dt.datetime:
    """``yyyyMMddHHmmss`` in Vietnam local time (UTC+07:00, no DST) as an aware UTC datetime.

    TT 10/2021/TT-BTNMT Phụ lục 15 (time column and file-name suffix); zone Asia/Ho_Chi_Minh of
    the IANA tz database. ``20261121100500`` → 2026-11-21T03:05:00Z. ValueError if the stamp is
    not 14 ASCII digits, not a real date-time (month 13, 30 February, hour 24) or outside the
    times the system accepts (``core.validate``).
    """
    if len(stamp) != 14 or not stamp.isascii() or not stamp.isdigit():
        raise ValueError(f"{stamp!r} is not a yyyyMMddHHmmss time stamp (14 digits)")
    try:
        local = dt.datetime(int(stamp[0:4]), int(stamp[4:6]), int(stamp[6:8]),
                            int(stamp[8:10]), int(stamp[10:12]), int(stamp[12:14]), tzinfo=dt.UTC)
        moment = local - VIETNAM_UTC_OFFSET
    except (ValueError, OverflowError) as error:
        raise ValueError(f"{stamp!r} is not a valid date-time ({error})") from None
    try:
        return time_checked(moment, field="time")
    except Invalid as error:
        raise ValueError(f"{stamp!r}: {error.message}") from None


def parse_file_name(name: str) -> StationFileName:
    """Province, facility, station and sending time from a station file's name.

    TT 10/2021/TT-BTNMT Phụ lục 15: ``<TenTinh>_<TenCoSo>_<TenTram>_<yyyyMMddHHmmss>.txt``, e.g.
    ``HN_NMNHADAU_KHI01_20261121100500.txt``. A leading directory path is ignored; parts hold
    ASCII letters, digits and '-'; the extension is case-insensitive. ValueError
    ``"file name: ..."`` naming the faulty part.
    """
    match = _FILE_NAME_RE.fullmatch(name)
    province, facility, station, stamp = match.groups() if match else _file_name_parts(name)
    try:
        sent_at = local_stamp_to_utc(stamp)
    except ValueError as error:
        raise ValueError(f"file name: time part: {error}") from None
    return StationFileName(province, facility, station, sent_at)


def _file_name_parts(name: str) -> list[str]:
    """The four parts of a name the one-regex fast path refused, or the error naming the part."""
    base = name.replace("\\", "/").rpartition("/")[2]
    stem, dot, extension = base.rpartition(".")
    if not dot or extension.lower() != "txt":
        raise ValueError(f"file name: extension must be .txt in {base!r}")
    parts = stem.split("_")
    if len(parts) != 4:
        raise ValueError(f"file name: expected <Province>_<Facility>_<Station>_<yyyyMMddHHmmss>"
                         f".txt (4 parts separated by '_'), found {len(parts)} in {base!r}")
    for label, part in zip(("province", "facility", "station"), parts[:3], strict=True):
        if not _NAME_PART_RE.fullmatch(part):
            raise ValueError(f"file name: {label} part {part!r} must be non-empty ASCII letters, "
                             f"digits or '-', in {base!r}")
    return parts


def iter_lines_with_offsets(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(byte offset just after the line, raw line with its line ending) for each line.

    Offsets are absolute when the stream can ``tell()`` (a caller that seeked gets offsets from
    the file start), else counted from where reading began. A line of 4096 bytes or more is
    yielded as its first 4096 bytes while the rest is skipped, so memory stays bounded;
    ``parse_lines`` rejects it. Line layout: TT 10/2021/TT-BTNMT Phụ lục 15.
    """
    try:
        offset = stream.tell()
    except (OSError, ValueError):
        offset = 0
    readline = stream.readline
    while raw := readline(_MAX_LINE_BYTES):
        offset += len(raw)
        if len(raw) == _MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := readline(_MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                offset += len(rest)
            offset += len(rest)
        yield offset, raw


def parse_lines(lines: Iterable[bytes], *, first_line_no: int = 1
                ) -> Iterator[FileLine | LineRejection]:
    """One FileLine per good line and one LineRejection per bad line, in file order.

    TT 10/2021/TT-BTNMT Phụ lục 15 line ``symbol value unit yyyyMMddHHmmss status`` (readings
    in the module docstring). ``lines`` are raw lines keeping their line endings, as a binary
    stream yields them; ``first_line_no`` is the number of the first one. Blank lines are
    skipped. With ``first_line_no == 1`` a UTF-8 BOM is stripped from the first line and a file
    without any non-blank line yields ``LineRejection(0, "file", ...)``.
    """
    symbols, units, stamps, statuses = _symbols, _units, _stamps, _STATUS_CODES
    line_no = first_line_no - 1
    blank_lines = 0
    for raw in lines:
        line_no += 1
        fields = raw.split()
        if len(fields) == 5 and len(raw) < _MAX_LINE_BYTES:
            symbol, value_text, unit, stamp, status = fields
            try:
                value = float(value_text)
                observed_at = stamps.get(stamp) or _stamp_learn(stamp)
                if value - value == 0.0 and b"_" not in value_text and observed_at:
                    yield _new_tuple(FileLine, (line_no, symbols[symbol], value, units[unit],
                                                observed_at, statuses[status]))
                    continue
            except (KeyError, ValueError):
                pass
        if line_no == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
            fields = raw.split()
        if fields:
            yield _parse_line_slowly(raw, fields, line_no)
        else:
            blank_lines += 1
    lines_read = line_no - first_line_no + 1
    if first_line_no == 1 and lines_read == blank_lines:
        yield LineRejection(0, "file", "the file is empty (no line with a reading)", "")


def read_station_file(stream: BinaryIO, *, first_line_no: int = 1
                      ) -> Iterator[FileLine | LineRejection]:
    """Parse a station data file (TT 10/2021/TT-BTNMT Phụ lục 15) from a binary stream.

    Streams line by line (``iter_lines_with_offsets`` + ``parse_lines``). To resume a partly
    ingested file, seek the stream to the byte offset after the last stored line and pass the
    number of the next line as ``first_line_no`` (see the module docstring).
    """
    return parse_lines(map(itemgetter(1), iter_lines_with_offsets(stream)),
                       first_line_no=first_line_no)


def _parse_line_slowly(raw: bytes, fields: list[bytes], line_no: int
                       ) -> FileLine | LineRejection:
    """Full check of one non-blank line; fills the caches of the fast path when it is good."""
    text = storable_text(raw.decode("utf-8", "replace").rstrip("\r\n"),
                         max_chars=_MAX_TEXT_CHARS)

    def reject(field: str, reason: str, could_be_cut: bool = False) -> LineRejection:
        if could_be_cut and not raw.endswith(b"\n"):
            reason += "; the last line has no newline: file truncated?"
        return LineRejection(line_no, field, reason, text)

    if len(raw) >= _MAX_LINE_BYTES:
        return LineRejection(line_no, "line", f"line is {_MAX_LINE_BYTES} bytes or longer", text)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return LineRejection(
            line_no, "encoding",
            f"not UTF-8 (byte 0x{raw[error.start]:02X} at byte {error.start + 1} of the line); "
            "was the file saved as Windows-1258 or TCVN3? Station files must be UTF-8", text)
    if len(fields) != 5:
        return reject(*_field_count_problem(raw, len(fields)), could_be_cut=len(fields) < 5)
    symbol_raw, value_raw, unit_raw, stamp_raw, status_raw = fields

    if len(symbol_raw) > _MAX_SYMBOL_CHARS or not _SYMBOL_RE.fullmatch(symbol_raw):
        return reject("symbol", f"{symbol_raw.decode()!r} is not a parameter symbol (an ASCII "
                                f"letter, then letters, digits or , . - _; at most "
                                f"{_MAX_SYMBOL_CHARS})")
    value_problem = _value_problem(value_raw)
    if value_problem:
        return reject("value", value_problem)
    unit = unit_raw.decode()
    if len(unit) > _MAX_UNIT_CHARS or not unit.isprintable():
        return reject("unit", f"{unit!r} is not a unit (printable, at most {_MAX_UNIT_CHARS} "
                              "characters)")
    try:
        observed_at = local_stamp_to_utc(stamp_raw.decode())
    except ValueError as error:
        return reject("time", str(error))
    status = _STATUS_CODES.get(status_raw)
    if status is None:
        return reject("status", f"{status_raw.decode()!r} is not a status: 00 measuring (đang "
                                "đo), 01 calibrating (hiệu chuẩn), 02 device error (báo lỗi)",
                      could_be_cut=True)

    symbol = symbol_raw.decode()
    _remember(_symbols, symbol_raw, symbol)
    _remember(_units, unit_raw, unit)
    _remember(_stamps, stamp_raw, observed_at)
    return FileLine(line_no, symbol, float(value_raw), unit, observed_at, status)


def _field_count_problem(raw: bytes, count: int) -> tuple[str, str]:
    """(field, reason) for a line without exactly 5 fields; an empty TAB field is named."""
    if count < 5:
        by_tab = raw.rstrip(b"\r\n").split(b"\t")
        if len(by_tab) == 5:
            empty = _FIELDS[next(i for i, part in enumerate(by_tab) if not part.strip())]
            return empty, f"{empty} is empty"
        return "line", f"expected 5 fields ({_LAYOUT}), found {count}"
    return "line", (f"expected 5 fields ({_LAYOUT}), found {count}; a symbol or unit must not "
                    "contain spaces")


def _value_problem(value_raw: bytes) -> str | None:
    shown = value_raw.decode()
    if _DECIMAL_COMMA_RE.fullmatch(value_raw):
        return (f"{shown!r} has a decimal comma, which is ambiguous (decimal or thousands "
                "separator?); write a decimal point, e.g. 12.5")
    if b"_" in value_raw:
        return f"{shown!r}: '_' is not allowed in a number"
    try:
        value = float(value_raw)
    except ValueError:
        return f"{shown!r} is not a number"
    if value - value != 0.0:
        return f"{shown!r} is not a finite number"
    return None


def _stamp_learn(stamp: bytes) -> dt.datetime | None:
    """The time of a stamp met for the first time, remembered; None if it is not one (the slow
    path then says why). Every file of a 5-minute station brings a new stamp."""
    try:
        observed_at = local_stamp_to_utc(stamp.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    _remember(_stamps, stamp, observed_at)
    return observed_at


def _remember(cache: dict, key: bytes, value: object) -> None:
    if len(cache) >= _CACHE_ENTRIES:
        cache.clear()
    cache[key] = value
