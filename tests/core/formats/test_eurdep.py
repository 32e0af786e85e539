import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ungpho.core.formats.eurdep import (
    EurdepLocality,
    EurdepValue,
    emit_eurdep,
    parse_eurdep,
)

UTC = dt.UTC

# Written from the structure of the public samples (Icelandic GR file, Bulgarian INRNE 2.0
# files, OpenBfS test.EUR): defaults block, hemisphere coordinates, minute date-times.
SAMPLE = r"""\BEGIN_EURDEP;

\BEGIN_HEADER;
\IMPORTANCE NORMAL;
\ORIGINATOR VARANS / monitoring@varans.vn;
\SENT 2026-11-21T04:10Z;
\FORMAT_VERSION 2.1;
\MESSAGE_ID VN_20261121041000;
\END_HEADER;

\BEGIN_LOCALITY;
\FIELD_LIST LOCALITY_CODE, LOCALITY_NAME, LONGITUDE, LATITUDE, HEIGHT_ABOVE_SEA;
\VN0001, Ha Noi - Lang, E105.8019, N21.0245, 12;
\VN0002, Da Lat, E108.4583, N11.9404, 1500;
\VN0003, "Ninh Thuan, Phuoc Dinh", E109.0500, N11.4000, -;
\END_LOCALITY;

\BEGIN_RADIOLOGICAL;
\FIELD_LIST LOCALITY_CODE,VALUE,BEGIN,END,VALIDATED,REMARKS;
\BEGIN_DEFAULT;
\SAMPLE_TYPE A5;
\NUCLIDE T-GAMMA;
\UNIT nSv/h;
\END_DEFAULT;
\VN0001,1.05E+02,2026-11-21T03:00Z,2026-11-21T04:00Z,0,"";
\VN0002,8.55E+01,2026-11-21T03:00Z,2026-11-21T04:00Z,1,"checked, ok";
\VN0003,-,2026-11-21T03:00Z,2026-11-21T04:00Z,0,"detector offline";
\VN0001,1.10E+02,2026-11-21T04:00Z,2026-11-21T05:00;
\VN0002,2026-11-21T04:00Z,8.61E+01,2026-11-21T05:00Z,1,"";
\VN0009,9.90E+01,2026-11-21T03:00Z,2026-11-21T04:00Z,0,"";
\VN0003,9.21E+01,2026-11-21T04:00Z,2026-11-21T05:00Z,-,"";
\END_RADIOLOGICAL;

\END_EURDEP;
"""


def _parse(text):
    return parse_eurdep(text.splitlines())


def _message(*records, field_list="LOCALITY_CODE,BEGIN,END,VALUE", defaults=("UNIT nSv/h",
             "NUCLIDE T-GAMMA")):
    lines = [r"\BEGIN_EURDEP;", r"\BEGIN_LOCALITY;", r"\FIELD_LIST LOCALITY_CODE,LOCALITY_NAME;",
             r"\VN0001,Ha Noi;", r"\END_LOCALITY;", r"\BEGIN_RADIOLOGICAL;",
             rf"\FIELD_LIST {field_list};", r"\BEGIN_DEFAULT;"]
    lines += [rf"\{default};" for default in defaults]
    lines += [r"\END_DEFAULT;", *records, r"\END_RADIOLOGICAL;", r"\END_EURDEP;"]
    return lines


def test_sample_keeps_good_values_and_names_line_and_field_of_each_bad_one():
    localities, values, rejections = _parse(SAMPLE)
    assert sorted(localities) == ["VN0001", "VN0002", "VN0003"]
    assert [(v.line_no, v.locality_code, v.value_usv_h, v.validated) for v in values] == [
        (25, "VN0001", 0.105, 0), (26, "VN0002", 0.0855, 1), (31, "VN0003", 0.0921, None)]
    assert values[0].begin == dt.datetime(2026, 11, 21, 3, tzinfo=UTC)
    assert values[0].end == dt.datetime(2026, 11, 21, 4, tzinfo=UTC)
    assert {v.nuclide for v in values} == {"T-GAMMA"}
    assert [(r.line_no, r.field) for r in rejections] == [
        (27, "VALUE"), (28, "FIELD_LIST"), (29, "BEGIN"), (30, "LOCALITY_CODE")]
    assert rejections[0].text == SAMPLE.splitlines()[26]
    assert rejections[0].text.startswith(r"\VN0003,-,")
    assert "4 values for the 6 fields" in rejections[1].reason
    assert "'VN0009'" in rejections[3].reason


def test_sample_localities_read_hemisphere_coordinates_and_quoted_names():
    localities, _, _ = _parse(SAMPLE)
    assert localities["VN0001"] == EurdepLocality("VN0001", "Ha Noi - Lang", 21.0245, 105.8019,
                                                  12.0)
    assert localities["VN0003"].name == "Ninh Thuan, Phuoc Dinh"
    assert localities["VN0003"].height_m is None


def test_western_and_southern_hemispheres_are_negative_degrees():
    localities, _, rejections = parse_eurdep([
        r"\BEGIN_LOCALITY;", r"\FIELD_LIST LOCALITY_CODE,LOCALITY_NAME,LONGITUDE,LATITUDE;",
        r"\IS0002, Reykjavik, W021.9019, N64.1276;", r"\AU0001, Sydney, E151.2093, S33.8688;",
        r"\XX0001, Plain, -3.5, 40.25;", r"\END_LOCALITY;"])
    assert rejections == []
    assert (localities["IS0002"].lon_deg, localities["IS0002"].lat_deg) == (-21.9019, 64.1276)
    assert (localities["AU0001"].lon_deg, localities["AU0001"].lat_deg) == (151.2093, -33.8688)
    assert (localities["XX0001"].lon_deg, localities["XX0001"].lat_deg) == (-3.5, 40.25)


def test_bad_latitude_is_dropped_but_the_locality_and_its_values_are_kept():
    lines = _message(r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,100;")
    lines[2:4] = [r"\FIELD_LIST LOCALITY_CODE,LOCALITY_NAME,LATITUDE,LONGITUDE;",
                  r"\VN0001,Ha Noi,E21.02,E105.80;"]
    localities, values, rejections = parse_eurdep(lines)
    assert localities["VN0001"].lat_deg is None and localities["VN0001"].lon_deg == 105.8
    assert [v.value_usv_h for v in values] == [0.1]
    assert [(r.line_no, r.field) for r in rejections] == [(4, "LATITUDE")]
    assert "hemisphere must be N or S" in rejections[0].reason


@pytest.mark.parametrize(("unit", "value", "expected_usv_h"), [
    ("nSv/h", "47", 0.047), ("NSV/H", "4.70E+01", 0.047), ("µSv/h", "0.047", 0.047),
    ("uSv/h", "0.047", 0.047), ("USV/H", "1.2", 1.2), ("\u03bcSv/h", "2", 2.0)])
def test_units_are_converted_to_usv_h(unit, value, expected_usv_h):
    _, values, rejections = parse_eurdep(_message(
        rf"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,{value},{unit};",
        field_list="LOCALITY_CODE,BEGIN,END,VALUE,UNIT"))
    assert rejections == []
    assert values[0].value_usv_h == expected_usv_h


@pytest.mark.parametrize("unit", ["NGY/H", "mSv/h", "BQ/M3", "UR/H"])
def test_unknown_unit_is_a_rejection_naming_unit_and_line(unit):
    lines = _message(rf"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,100,{unit};",
                     r"\VN0001,2026-11-21T04:00Z,2026-11-21T05:00Z,100,nSv/h;",
                     field_list="LOCALITY_CODE,BEGIN,END,VALUE,UNIT")
    _, values, rejections = parse_eurdep(lines)
    assert [(r.line_no, r.field) for r in rejections] == [(12, "UNIT")]
    assert unit in rejections[0].reason
    assert [v.line_no for v in values] == [13]


@pytest.mark.parametrize(("record", "field"), [
    (r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,high;", "VALUE"),
    (r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,nan;", "VALUE"),
    (r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,1_000;", "VALUE"),
    (r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,-5;", "VALUE"),
    (r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,;", "VALUE"),
    (r"\VN0001,2026-11-21 03:00,2026-11-21T04:00Z,100;", "BEGIN"),
    (r"\VN0001,2026-02-30T03:00Z,2026-11-21T04:00Z,100;", "BEGIN"),
    (r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00+07:00,100;", "END"),
    (r"\VN0001,2026-11-21T04:00Z,2026-11-21T03:00Z,100;", "END"),
    (r"\VN0001,2026-11-21T03:00Z,2026-11-21T03:00Z,100;", "END"),
    (r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z;", "FIELD_LIST"),
    (r"\,2026-11-21T03:00Z,2026-11-21T04:00Z,100;", "LOCALITY_CODE"),
    (r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,100", "line"),
    (r"VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,100;", "line"),
    (r'\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,"100;', "line"),
])
def test_bad_record_is_rejected_with_its_field_and_the_next_line_still_parses(record, field):
    good = r"\VN0001,2026-11-21T05:00Z,2026-11-21T06:00Z,90;"
    _, values, rejections = parse_eurdep(_message(record, good))
    assert [(r.line_no, r.field) for r in rejections] == [(12, field)]
    assert rejections[0].text == record
    assert [(v.line_no, v.value_usv_h) for v in values] == [(13, 0.09)]


def test_validated_flag_is_kept_as_written_and_other_text_is_rejected():
    _, values, rejections = parse_eurdep(_message(
        r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,100,2;",
        r"\VN0001,2026-11-21T04:00Z,2026-11-21T05:00Z,100,-;",
        r"\VN0001,2026-11-21T05:00Z,2026-11-21T06:00Z,100,yes;",
        field_list="LOCALITY_CODE,BEGIN,END,VALUE,VALIDATED"))
    assert [v.validated for v in values] == [2, None]
    assert [(r.line_no, r.field) for r in rejections] == [(14, "VALIDATED")]


def test_value_constraint_marks_a_bound_which_is_not_taken_as_a_measurement():
    _, values, rejections = parse_eurdep(_message(
        r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,10,<;",
        r"\VN0001,2026-11-21T04:00Z,2026-11-21T05:00Z,100,;",
        field_list="LOCALITY_CODE,BEGIN,END,VALUE,VALUE_CONSTRAINT"))
    assert [v.line_no for v in values] == [13]
    assert [(r.line_no, r.field) for r in rejections] == [(12, "VALUE_CONSTRAINT")]


def test_bang_takes_the_default_and_dash_overrides_it_with_no_value():
    _, values, rejections = parse_eurdep(_message(
        r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,100,!;",
        r"\VN0001,2026-11-21T04:00Z,2026-11-21T05:00Z,100,;",
        r"\VN0001,2026-11-21T05:00Z,2026-11-21T06:00Z,100,-;",
        r"\VN0001,2026-11-21T06:00Z,2026-11-21T07:00Z,0.1,uSv/h;",
        field_list="LOCALITY_CODE,BEGIN,END,VALUE,UNIT"))
    assert [(v.line_no, v.value_usv_h) for v in values] == [(12, 0.1), (13, 0.1), (15, 0.1)]
    assert [(r.line_no, r.field) for r in rejections] == [(14, "UNIT")]


def test_hour_24_is_midnight_of_the_next_day_and_seconds_are_read():
    _, values, rejections = parse_eurdep(_message(
        r"\VN0001,2026-11-21T23:00:30Z,2026-11-21T24:00Z,100;"))
    assert rejections == []
    assert values[0].begin == dt.datetime(2026, 11, 21, 23, 0, 30, tzinfo=UTC)
    assert values[0].end == dt.datetime(2026, 11, 22, tzinfo=UTC)


def test_several_messages_in_one_file_are_all_read_and_a_repeated_locality_is_replaced():
    first = _message(r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,100;")
    second = _message(r"\VN0001,2026-11-21T04:00Z,2026-11-21T05:00Z,110;")
    second[3] = r"\VN0001,Ha Noi - Lang;"
    localities, values, rejections = parse_eurdep(first + second)
    assert rejections == []
    assert [v.value_usv_h for v in values] == [0.1, 0.11]
    assert localities["VN0001"].name == "Ha Noi - Lang"


def test_comments_and_unknown_sections_are_skipped_without_rejections():
    lines = _message(r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,100;")
    lines[-1:-1] = [r"\BEGIN_METEO;", r"\FIELD_LIST LOCALITY_CODE,BEGIN,END,METEO_TYPE,VALUE;",
                    r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,TEMPERATURE,+21.5;",
                    r"\END_METEO;", r"\BEGIN_COMMENT;", "free text, no backslash",
                    r"\END_COMMENT;"]
    _, values, rejections = parse_eurdep(lines)
    assert rejections == [] and len(values) == 1


def test_truncated_file_keeps_values_read_and_reports_the_missing_end():
    lines = _message(r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,100;")[:-2]
    _, values, rejections = parse_eurdep(lines)
    assert len(values) == 1
    assert {r.field for r in rejections} == {"END_RADIOLOGICAL", "END_EURDEP"}


def test_a_section_begun_before_the_last_ended_is_reported_and_both_are_read():
    lines = _message(r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,100;")
    del lines[4]  # \END_LOCALITY;
    _, values, rejections = parse_eurdep(lines)
    assert [v.line_no for v in values] == [11]
    assert [(r.line_no, r.field) for r in rejections] == [(5, "END_LOCALITY")]


def test_a_format_version_other_than_2_is_reported():
    lines = [r"\BEGIN_HEADER;", r"\FORMAT_VERSION 1.3;", r"\END_HEADER;"]
    _, _, rejections = parse_eurdep(lines)
    assert [(r.line_no, r.field) for r in rejections] == [(2, "FORMAT_VERSION")]


HANOI = EurdepLocality("VN0001", "Ha Noi - Lang", 21.0245, 105.8019, 12.0)
DALAT = EurdepLocality("VN0002", "Da Lat, Lam Dong", 11.9404, 108.4583, None)
HOUR = dt.timedelta(hours=1)
T0 = dt.datetime(2026, 11, 21, 3, tzinfo=UTC)
CREATED = dt.datetime(2026, 11, 21, 11, 10, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def _value(code="VN0001", value_usv_h=0.12, begin=T0, end=T0 + HOUR, validated=1):
    return EurdepValue(0, code, begin, end, value_usv_h, "T-GAMMA", validated)


def test_emit_writes_header_localities_and_values_in_nsv_h():
    lines = list(emit_eurdep(sender="VARANS / monitoring@varans.vn", created=CREATED,
                             localities=[HANOI, DALAT],
                             values=[_value(), _value("VN0002", 0.0855, validated=None)]))
    assert lines[:8] == [
        r"\BEGIN_EURDEP;", r"\BEGIN_HEADER;", r"\IMPORTANCE NORMAL;",
        r"\ORIGINATOR VARANS / monitoring@varans.vn;", r"\SENT 2026-11-21T04:10Z;",
        r"\FORMAT_VERSION 2.1;", r"\MESSAGE_ID UNGPHO_202611210410;", r"\END_HEADER;"]
    assert r"\VN0001,Ha Noi - Lang,N21.0245,E105.8019,12;" in lines
    assert r'\VN0002,"Da Lat, Lam Dong",N11.9404,E108.4583,-;' in lines
    assert r"\UNIT NSV/H;" in lines and r"\SAMPLE_TYPE A5;" in lines
    assert lines[-4:] == [r"\VN0001,2026-11-21T03:00Z,2026-11-21T04:00Z,T-GAMMA,120,1;",
                          r"\VN0002,2026-11-21T03:00Z,2026-11-21T04:00Z,T-GAMMA,85.5,-;",
                          r"\END_RADIOLOGICAL;", r"\END_EURDEP;"]


def test_emit_then_parse_gives_the_same_localities_and_values():
    values = [_value(), _value("VN0002", 0.0855, validated=None),
              _value(begin=T0 + HOUR, end=T0 + HOUR + dt.timedelta(seconds=90),
                     value_usv_h=1e-05)]
    lines = list(emit_eurdep(sender="VARANS", created=CREATED, localities=[HANOI, DALAT],
                             values=values))
    localities, parsed, rejections = parse_eurdep(lines)
    assert rejections == []
    assert localities == {"VN0001": HANOI, "VN0002": DALAT}
    assert [dataclasses.replace(v, line_no=0) for v in parsed] == values


def test_emit_is_lazy_about_values():
    def values():
        yield _value()
        raise AssertionError("read too early")

    lines = emit_eurdep(sender="VARANS", created=CREATED, localities=[HANOI], values=values())
    assert next(lines) == r"\BEGIN_EURDEP;"


@pytest.mark.parametrize(("localities", "values", "field"), [
    ([HANOI], [_value(begin=T0.replace(tzinfo=None))], "BEGIN"),
    ([HANOI], [_value(end=T0 + HOUR + dt.timedelta(microseconds=5))], "END"),
    ([HANOI], [_value(value_usv_h=-0.1)], "VALUE"),
    ([HANOI], [_value(value_usv_h=float("inf"))], "VALUE"),
    ([HANOI], [_value("VN0002")], "LOCALITY_CODE"),
    ([HANOI, HANOI], [], "LOCALITY_CODE"),
    ([dataclasses.replace(HANOI, name="Ha Noi; Lang")], [], "LOCALITY_NAME"),
    ([dataclasses.replace(HANOI, code="VN 0001")], [], "LOCALITY_CODE"),
    ([dataclasses.replace(HANOI, lat_deg=91.0)], [], "LATITUDE"),
])
def test_emit_refuses_what_eurdep_cannot_carry_naming_the_field(localities, values, field):
    with pytest.raises(ValueError, match=field):
        list(emit_eurdep(sender="VARANS", created=CREATED, localities=localities,
                         values=values))


_NAME_CHARS = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters='\\;"')


@st.composite
def _messages(draw):
    codes = draw(st.lists(st.from_regex(r"[A-Z]{2}[0-9]{4}", fullmatch=True), min_size=1,
                          max_size=4, unique=True))
    localities = [EurdepLocality(
        code, draw(st.text(_NAME_CHARS, max_size=20)),
        draw(st.none() | st.floats(-90, 90)), draw(st.none() | st.floats(-180, 180)),
        draw(st.none() | st.floats(-500, 9000))) for code in codes]
    values = []
    for _ in range(draw(st.integers(0, 6))):
        begin = draw(st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2099, 12, 1),
                                  timezones=st.just(UTC))).replace(microsecond=0)
        values.append(EurdepValue(
            0, draw(st.sampled_from(codes)), begin,
            begin + dt.timedelta(seconds=draw(st.integers(1, 7 * 86400))),
            draw(st.floats(0, 1e7)), draw(st.sampled_from(["T-GAMMA", "EXT-RAD"])),
            draw(st.none() | st.integers(-9, 99))))
    return localities, values


@given(_messages())
def test_any_emitted_message_parses_back_exactly(message):
    localities, values = message
    lines = list(emit_eurdep(sender="VARANS", created=CREATED, localities=localities,
                             values=values))
    parsed_localities, parsed_values, rejections = parse_eurdep(lines)
    assert rejections == []
    assert parsed_localities == {locality.code: locality for locality in localities}
    assert [dataclasses.replace(v, line_no=0) for v in parsed_values] == values
