"""Property tests of the parsers behind the doors (issue 20, build item 8): whatever a station
sends — any JSON, any bytes — the readings parser and the station-file parser answer with
readings and rejections, never an exception; what they accept the database can hold (a time
in the accepted window, a finite number, text without NUL); and every good reading survives
beside the bad ones."""

from __future__ import annotations

import datetime as dt
import json
import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ungpho.core.formats.readings_json import parse_batch
from ungpho.core.formats.station_file import FileLine, LineRejection, parse_lines
from ungpho.core.validate import Invalid, json_loads, text_problem, time_window

PROPERTY = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

#: Text that includes what no column can hold: NUL and lone surrogates.
TEXT = st.text(st.characters(codec=None), max_size=40) | st.sampled_from(
    ["\x00", "GammaDR\x00", "\ud800", "µSv/h"])
NUMBERS = st.integers(-(10 ** 400), 10 ** 400) | st.floats(allow_nan=True,
                                                             allow_infinity=True)
TIMES = st.sampled_from(["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-01:00",
                         "2026-11-21T10:05:00", "2026-02-30T10:05:00+07:00", "-1"]) | \
    st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30),
                 timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=7)),
                                            dt.timezone(dt.timedelta(hours=-12))])
                 ).map(dt.datetime.isoformat)
SCALARS = st.none() | st.booleans() | NUMBERS | TEXT | TIMES
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    TEXT, inner, max_size=4), max_leaves=12)
#: Items shaped like readings, each field possibly hostile.
ITEMS = st.fixed_dictionaries({}, optional={
    "parameter": TEXT | st.just("GammaDR"), "time": TIMES | SCALARS, "value": NUMBERS | SCALARS,
    "unit": st.none() | TEXT, "status": st.sampled_from(["00", "01", "02", "03"]) | SCALARS})
GOOD_ITEMS = st.fixed_dictionaries({
    "parameter": st.sampled_from(["GammaDR", "PM2.5", "SO2"]),
    "time": st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2090, 1, 1),
                         timezones=st.just(dt.timezone(dt.timedelta(hours=7)))
                         ).map(dt.datetime.isoformat),
    "value": st.floats(-1e300, 1e300, allow_nan=False), "unit": st.just("µSv/h")})


def _storable_reading(reading) -> None:
    window = time_window()
    assert window.earliest <= reading.observed_at < window.latest
    assert reading.observed_at.tzinfo == dt.UTC
    assert math.isfinite(reading.value)
    assert text_problem(reading.parameter, max_chars=32) is None
    assert reading.unit is None or text_problem(reading.unit, max_chars=32) is None


@PROPERTY
@given(JSON | st.fixed_dictionaries({"station": SCALARS, "readings": st.lists(ITEMS | JSON,
                                                                               max_size=8)}))
def test_the_readings_parser_answers_any_json_with_readings_and_rejections(body):
    station, readings, rejections = parse_batch(body)
    assert station is None or text_problem(station, max_chars=40) is None
    for reading in readings:
        _storable_reading(reading)
    for rejection in rejections:
        assert rejection.field and rejection.message
        assert rejection.index is None or rejection.field.startswith(
            f"readings[{rejection.index}]")


@PROPERTY
@given(st.lists(st.tuples(st.booleans(), GOOD_ITEMS, ITEMS | JSON), min_size=1, max_size=10))
def test_every_good_reading_survives_beside_bad_ones(mixed):
    items = [good if keep else bad for keep, good, bad in mixed]
    _station, readings, rejections = parse_batch({"readings": items})
    good = {i for i, (keep, _g, _b) in enumerate(mixed) if keep}
    assert good <= {r.index for r in readings}
    assert not good & {r.index for r in rejections}
    assert len(readings) + len({r.index for r in rejections}) == len(items)


@PROPERTY
@given(st.binary(max_size=300) | st.builds(lambda depth: b"[" * depth, st.integers(0, 200_000))
       | JSON.map(lambda value: json.dumps(value, allow_nan=True).encode("utf-8",
                                                                           "surrogatepass")))
def test_any_body_reads_as_json_or_is_refused_naming_it(data):
    try:
        json_loads(data)
    except Invalid as error:
        assert error.field == "body" and error.message


# -- the station file (TT 10/2021 Phụ lục 15) ---------------------------------------------------

SYMBOLS = st.sampled_from(["GammaDR", "PM2,5", "SO2", "N-NH4", "pH"]) | st.from_regex(
    r"[A-Za-z][A-Za-z0-9,.\-_]{0,31}", fullmatch=True)
STAMPS = st.datetimes(dt.datetime(1901, 1, 1), dt.datetime(2098, 12, 31)).map(
    lambda t: t.strftime("%Y%m%d%H%M%S"))
GOOD_LINES = st.builds(
    lambda symbol, value, unit, stamp, status: "\t".join(
        [symbol, repr(value), unit, stamp, status]).encode() + b"\n",
    SYMBOLS, st.floats(-1e300, 1e300, allow_nan=False), st.sampled_from(["µSv/h", "mg/Nm3",
                                                                          "-"]),
    STAMPS, st.sampled_from(["00", "01", "02"]))
HOSTILE_LINES = st.binary(max_size=120).map(lambda b: b.replace(b"\n", b"") + b"\n") | \
    st.sampled_from([b"GammaDR\t0.1\t\xc2\xb5Sv/h\t99991231235959\t00\n",
                     b"GammaDR\t0.1\t\xc2\xb5Sv/h\t00010101000000\t00\n",
                     b"GammaDR\t" + b"9" * 5000 + b"\tuSv/h\t20261121100500\t00\n",
                     b"GammaDR\t1e999\tuSv/h\t20261121100500\t00\n",
                     b"Gamma\x00DR\t0.1\tuSv/h\t20261121100500\t00\n",
                     b"GammaDR\t0.1\tuSv/h\x00\t20261121100500\t00\n",
                     b"\x00" * 5000 + b"\n", b"x" * 10_000 + b"\n"])


def _storable_line(line: FileLine) -> None:
    window = time_window()
    assert window.earliest <= line.observed_at < window.latest
    assert math.isfinite(line.value)
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9,.\-_]{0,31}", line.symbol)
    assert text_problem(line.unit, max_chars=32) is None


@PROPERTY
@given(st.lists(GOOD_LINES | HOSTILE_LINES, max_size=12))
def test_the_station_file_parser_answers_any_bytes_with_lines_and_rejections(lines):
    for parsed in parse_lines(lines):
        assert isinstance(parsed, FileLine | LineRejection)
        if isinstance(parsed, FileLine):
            _storable_line(parsed)
        else:
            assert text_problem(parsed.text, max_chars=500) is None  # it can be stored
            assert parsed.field and parsed.reason


@PROPERTY
@given(st.lists(st.tuples(st.booleans(), GOOD_LINES, HOSTILE_LINES), min_size=1,
                max_size=12))
def test_every_good_line_survives_beside_bad_ones(mixed):
    lines = [good if keep else bad for keep, good, bad in mixed]
    parsed = list(parse_lines(lines))
    stored = {p.line_no for p in parsed if isinstance(p, FileLine)}
    assert {i + 1 for i, (keep, _g, _b) in enumerate(mixed) if keep} <= stored
