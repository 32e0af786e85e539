"""Station data files of TT 10/2021/TT-BTNMT Phụ lục 15: ``symbol value unit time status``."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from ungpho.core.formats.station_file import (
    FileLine,
    LineRejection,
    StationFileName,
    iter_lines_with_offsets,
    local_stamp_to_utc,
    parse_file_name,
    parse_lines,
    read_station_file,
)

UTC_0305 = dt.datetime(2026, 11, 21, 3, 5, tzinfo=dt.UTC)
GOOD = "PM2,5\t12.5\tµg/Nm³\t20261121100500\t00\n"


def parse(data: bytes | str, **kwargs) -> list[FileLine | LineRejection]:
    raw = data.encode() if isinstance(data, str) else data
    return list(read_station_file(io.BytesIO(raw), **kwargs))


def only(items: list) -> FileLine | LineRejection:
    assert len(items) == 1, items
    return items[0]


# ── local time ──────────────────────────────────────────────────────────────────────────

def test_local_stamp_20261121100500_is_0305_utc():
    assert local_stamp_to_utc("20261121100500") == UTC_0305
    assert local_stamp_to_utc("20261121100500").utcoffset() == dt.timedelta(0)


def test_local_stamp_before_7am_falls_on_previous_utc_day():
    assert local_stamp_to_utc("20260101050000") == dt.datetime(2025, 12, 31, 22, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("stamp", ["20261321100500", "20260230100500", "20261121240000",
                                   "2026112110050", "202611211005000", "2026-11-21T10:"])
def test_invalid_local_stamp_raises_value_error_naming_it(stamp):
    with pytest.raises(ValueError, match=stamp[:6]):
        local_stamp_to_utc(stamp)


def test_local_stamp_conversion_is_cached():
    local_stamp_to_utc("20300101000000")
    hits = local_stamp_to_utc.cache_info().hits
    local_stamp_to_utc("20300101000000")
    assert local_stamp_to_utc.cache_info().hits == hits + 1


# ── file names ──────────────────────────────────────────────────────────────────────────

def test_file_name_gives_province_facility_station_and_utc_sending_time():
    assert parse_file_name("HN_NMNHADAU_KHI01_20261121100500.txt") == StationFileName(
        "HN", "NMNHADAU", "KHI01", UTC_0305)


@pytest.mark.parametrize("name", ["HN_NMNHADAU_KHI01_20261121100500.TXT",
                                  "/ftp/KHI01/2026/11/21/HN_NMNHADAU_KHI01_20261121100500.txt",
                                  r"C:\in\HN_NMNHADAU_KHI01_20261121100500.Txt"])
def test_file_name_extension_case_and_directory_do_not_matter(name):
    assert parse_file_name(name).station == "KHI01"


def test_file_name_parts_may_contain_hyphens_and_digits():
    name = parse_file_name("BR-VT_KCN-PHU-MY-3_NUOC-02_20261121100500.txt")
    assert (name.province, name.facility, name.station) == ("BR-VT", "KCN-PHU-MY-3", "NUOC-02")


@pytest.mark.parametrize(("name", "part"), [
    ("HN_NMNHADAU_KHI01_20261121100500.csv", "extension"),
    ("HN_NMNHADAU_KHI01_20261121100500", "extension"),
    ("HN_KHI01_20261121100500.txt", "4 parts"),
    ("HN_NMNHADAU_KHI_01_20261121100500.txt", "4 parts"),
    ("_NMNHADAU_KHI01_20261121100500.txt", "province"),
    ("HN_NMNHA DAU_KHI01_20261121100500.txt", "facility"),
    ("HN_NMNHADAU_KHÍ01_20261121100500.txt", "station"),
    ("HN_NMNHADAU_KHI01_20261321100500.txt", "time"),
])
def test_bad_file_name_raises_value_error_naming_the_part(name, part):
    with pytest.raises(ValueError, match=f"^file name: .*{part}"):
        parse_file_name(name)


# ── good lines and separators ───────────────────────────────────────────────────────────

def test_good_line_gives_symbol_value_unit_utc_time_and_status():
    assert only(parse(GOOD)) == FileLine(1, "PM2,5", 12.5, "µg/Nm³", UTC_0305, "00")


def test_tabs_and_runs_of_spaces_separate_fields_alike():
    tabbed = parse("SO2\t40.1\tmg/Nm³\t20261121100500\t01\n")
    spaced = parse("SO2   40.1 \t mg/Nm³  20261121100500     01   \n")
    assert tabbed == spaced
    assert only(tabbed).status == "01"


def test_crlf_and_lf_line_endings_give_the_same_lines():
    lines = ["Temp 25.3 °C 20261121100500 00", "pH 7.02 - 20261121100500 02"]
    assert parse("\r\n".join(lines) + "\r\n") == parse("\n".join(lines) + "\n")
    assert [item.unit for item in parse("\r\n".join(lines))] == ["°C", "-"]


def test_utf8_bom_at_file_start_is_stripped():
    assert only(parse(b"\xef\xbb\xbf" + GOOD.encode())).symbol == "PM2,5"


@pytest.mark.parametrize("unit", ["µg/Nm³", "mg/m3", "°C", "%", "-", "m³/h", "Pt-Co"])
def test_units_keep_their_non_ascii_characters(unit):
    assert only(parse(f"X1 1 {unit} 20261121100500 00\n")).unit == unit


def test_negative_and_exponent_values_are_numbers():
    items = parse("Temp -1.5 °C 20261121100500 00\nFlow 1.2e3 m³/h 20261121100500 00\n")
    assert [item.value for item in items] == [-1.5, 1200.0]


def test_blank_and_whitespace_only_lines_are_skipped_but_numbered():
    items = parse("\n" + GOOD + " \t \r\n\n" + GOOD)
    assert [(type(item), item.line_no) for item in items] == [(FileLine, 2), (FileLine, 5)]


def test_complete_last_line_without_newline_is_kept():
    assert isinstance(only(parse(GOOD.rstrip("\n"))), FileLine)


# ── empty files ─────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", b" \t\n  "])
def test_file_without_a_reading_is_one_file_rejection(data):
    rejection = only(parse(data))
    assert (rejection.line_no, rejection.field) == (0, "file")
    assert "empty" in rejection.reason


def test_resuming_at_the_end_of_a_file_yields_nothing():
    data = GOOD.encode()
    stream = io.BytesIO(data)
    stream.seek(len(data))
    assert list(read_station_file(stream, first_line_no=2)) == []


def test_resuming_into_only_blank_lines_yields_nothing():
    data = (GOOD + "\n \r\n").encode()
    stream = io.BytesIO(data)
    stream.seek(len(GOOD.encode()))
    assert list(read_station_file(stream, first_line_no=2)) == []


# ── rejections ──────────────────────────────────────────────────────────────────────────

def test_truncated_last_line_is_line_rejection_saying_truncated():
    items = parse(GOOD + "SO2\t40.1\tmg/N")
    assert isinstance(items[0], FileLine)
    assert (items[1].line_no, items[1].field) == (2, "line")
    assert "truncated" in items[1].reason
    assert items[1].text == "SO2\t40.1\tmg/N"


def test_last_line_cut_before_its_status_is_status_rejection_saying_truncated():
    rejection = only(parse("SO2\t40.1\tmg/Nm³\t20261121100500\t"))
    assert rejection.field == "status"
    assert "empty" in rejection.reason and "truncated" in rejection.reason


def test_last_line_cut_in_its_status_is_status_rejection_saying_truncated():
    rejection = only(parse("SO2\t40.1\tmg/Nm³\t20261121100500\t0"))
    assert rejection.field == "status"
    assert "truncated" in rejection.reason


def test_complete_last_line_with_bad_value_is_not_called_truncated():
    rejection = only(parse("SO2\t12,5\tmg/Nm³\t20261121100500\t00"))
    assert rejection.field == "value"
    assert "truncated" not in rejection.reason


def test_short_line_with_newline_is_line_rejection_not_truncated():
    rejection = only(parse("SO2 40.1 20261121100500 00\n"))
    assert rejection.field == "line"
    assert "found 4" in rejection.reason and "truncated" not in rejection.reason


def test_extra_field_is_line_rejection():
    rejection = only(parse("SO2 40.1 mg/Nm³ 20261121100500 00 OK\n"))
    assert rejection.field == "line"
    assert "found 6" in rejection.reason


@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-Infinity", "1e999", "abc", "1_000",
                                   "12.5.1", "0x1A"])
def test_value_that_is_not_a_finite_number_is_value_rejection(value):
    rejection = only(parse(f"SO2 {value} mg/Nm³ 20261121100500 00\n"))
    assert rejection.field == "value"
    assert value in rejection.reason


def test_decimal_comma_value_is_rejected_as_ambiguous():
    rejection = only(parse("SO2\t12,5\tmg/Nm³\t20261121100500\t00\n"))
    assert rejection.field == "value"
    assert "decimal comma" in rejection.reason and "ambiguous" in rejection.reason


@pytest.mark.parametrize(("line", "field"), [
    ("SO2\t\tmg/Nm³\t20261121100500\t00\n", "value"),
    ("\t40.1\tmg/Nm³\t20261121100500\t00\n", "symbol"),
    ("SO2\t40.1\t \t20261121100500\t00\n", "unit"),
])
def test_empty_tab_separated_field_is_rejected_under_its_name(line, field):
    rejection = only(parse(line))
    assert (rejection.field, rejection.reason) == (field, f"{field} is empty")


@pytest.mark.parametrize("symbol", ["12.5", "Nhiệt", "PM(10)", "S" * 33])
def test_malformed_symbol_is_symbol_rejection(symbol):
    rejection = only(parse(f"{symbol} 40.1 mg/Nm³ 20261121100500 00\n"))
    assert rejection.field == "symbol"
    assert symbol in rejection.reason


def test_unit_with_control_character_is_unit_rejection():
    assert only(parse("SO2 40.1 mg\x07L 20261121100500 00\n")).field == "unit"


@pytest.mark.parametrize("stamp", ["20261321100500", "20260230100500", "20261121240000",
                                   "2026112110050"])
def test_bad_time_is_time_rejection_naming_the_stamp(stamp):
    rejection = only(parse(f"SO2 40.1 mg/Nm³ {stamp} 00\n"))
    assert rejection.field == "time"
    assert stamp in rejection.reason


@pytest.mark.parametrize("status", ["03", "0", "2", "OK", "000"])
def test_status_other_than_00_01_02_is_status_rejection(status):
    rejection = only(parse(f"SO2 40.1 mg/Nm³ 20261121100500 {status}\n"))
    assert rejection.field == "status"
    assert repr(status) in rejection.reason


def test_windows_1258_line_is_encoding_rejection_and_neighbours_still_parse():
    cp1258_line = "PM10 30.2 µg/Nm³ 20261121100500 00\n".encode("cp1258")
    items = parse(GOOD.encode() + cp1258_line + GOOD.encode())
    assert [item.line_no for item in items] == [1, 2, 3]
    assert isinstance(items[0], FileLine) and isinstance(items[2], FileLine)
    assert items[1].field == "encoding"
    assert "not UTF-8" in items[1].reason and "Windows-1258" in items[1].reason
    assert items[1].text == "PM10 30.2 \ufffdg/Nm\ufffd 20261121100500 00"


def test_a_cached_good_symbol_does_not_let_a_bad_line_through():
    items = parse(GOOD + "PM2,5\t12.5\tµg/Nm³\t20261121100500\t05\n"
                  + "PM2,5\tnan\tµg/Nm³\t20261121100500\t00\n")
    assert [getattr(item, "field", None) for item in items] == [None, "status", "value"]


def test_rejection_text_is_the_raw_line_capped_at_500_characters():
    rejection = only(parse("SO2 40.1 mg/Nm³ 20261121100500 00 " + "x" * 1000 + "\r\n"))
    assert len(rejection.text) == 500
    assert rejection.text.startswith("SO2 40.1 mg/Nm³")


def test_overlong_line_is_rejected_and_the_next_line_parses():
    items = parse("SO2 40.1 mg/Nm³ 20261121100500 00" + " " * 10_000 + "\n" + GOOD)
    assert (items[0].line_no, items[0].field) == (1, "line")
    assert "4096" in items[0].reason
    assert items[1] == FileLine(2, "PM2,5", 12.5, "µg/Nm³", UTC_0305, "00")


def test_good_lines_around_bad_ones_are_kept_with_their_line_numbers():
    data = (GOOD + "SO2 12,5 mg/Nm³ 20261121100500 00\n" + "\n" + GOOD
            + "NO2 1 µg/Nm³ 20261121100500 09\n" + GOOD)
    summary = [(item.line_no, getattr(item, "field", "ok")) for item in parse(data)]
    assert summary == [(1, "ok"), (2, "value"), (4, "ok"), (5, "status"), (6, "ok")]


# ── streaming, offsets and resuming ─────────────────────────────────────────────────────

def test_parse_lines_numbers_from_first_line_no():
    items = list(parse_lines([GOOD.encode(), b"bad\n"], first_line_no=41))
    assert [item.line_no for item in items] == [41, 42]


def test_offsets_are_byte_positions_after_each_line():
    data = b"\xef\xbb\xbf" + GOOD.encode() + b"\r\n" + b"SO2 1 mg/Nm\xc2\xb3 20261121100500 00"
    offsets = [offset for offset, _ in iter_lines_with_offsets(io.BytesIO(data))]
    first_end = 3 + len(GOOD.encode())
    assert offsets == [first_end, first_end + 2, len(data)]


def test_resuming_from_a_checkpoint_gives_the_same_remaining_lines():
    data = ("\ufeff" + GOOD + "SO2 12,5 mg/Nm³ 20261121100500 00\r\n\n"
            + "NO2 31 µg/Nm³ 20261121100500 01\r\n" + GOOD + "CO 1 mg/Nm³ 2026").encode()
    whole = parse(data)
    stream = io.BytesIO(data)
    checkpoints = list(iter_lines_with_offsets(stream))
    for done, (offset, _) in enumerate(checkpoints, start=1):
        stream.seek(offset)
        resumed = list(read_station_file(stream, first_line_no=done + 1))
        assert resumed == [item for item in whole if item.line_no > done]


def test_checkpoint_pattern_of_the_module_docstring_gives_offset_after_each_item():
    data = (GOOD + "\n" + "bad line\n" + GOOD).encode()
    stream = io.BytesIO(data)
    last = [0]

    def raw_lines():
        for last[0], raw in iter_lines_with_offsets(stream):
            yield raw

    seen = [(item.line_no, last[0]) for item in parse_lines(raw_lines())]
    good = len(GOOD.encode())
    assert seen == [(1, good), (3, good + 1 + 9), (4, len(data))]


class _ReadlineOnly:
    """A file that records how it is read: no read(), bounded readline()."""

    def __init__(self, raw):
        self._raw = raw
        self.largest_read = 0

    def tell(self):
        return self._raw.tell()

    def readline(self, limit):
        line = self._raw.readline(limit)
        self.largest_read = max(self.largest_read, len(line))
        return line


def test_large_generated_file_streams_line_by_line(tmp_path):
    path = tmp_path / "HN_NMNHADAU_KHI01_20261121100500.txt"
    with path.open("wb") as out:
        for n in range(200_000):
            out.write(f"X{n % 25}\t{n * 0.5}\tµg/Nm³\t20261121100500\t00\r\n".encode())
    with path.open("rb") as raw:
        stream = _ReadlineOnly(raw)
        count = sum(1 for item in read_station_file(stream) if isinstance(item, FileLine))
    assert count == 200_000
    assert stream.largest_read < 100
