import datetime as dt

from ungpho.core.formats.readings_json import parse_batch


def test_a_good_item_is_parsed_to_utc():
    station, readings, rejections = parse_batch({"station": "S1", "readings": [
        {"parameter": "GammaDR", "time": "2026-11-21T10:05:00+07:00", "value": 0.12}]})
    assert station == "S1" and rejections == []
    assert readings[0].observed_at == dt.datetime(2026, 11, 21, 3, 5, tzinfo=dt.UTC)


def test_bad_items_name_index_and_field_and_keep_the_good_ones():
    _, readings, rejections = parse_batch({"readings": [
        {"parameter": "GammaDR", "time": "2026-11-21T10:05:00+07:00", "value": 0.1},
        {"parameter": "GammaDR", "time": "2026-11-21T10:10:00", "value": 0.1},
        {"parameter": "GammaDR", "time": "2026-11-21T10:15:00+07:00", "value": "high"},
        {"time": "2026-11-21T10:20:00+07:00", "value": 0.1},
        {"parameter": "GammaDR", "time": "2026-11-21T10:25:00+07:00", "value": True},
        "not an object",
    ]})
    assert [r.index for r in readings] == [0]
    assert [r.field for r in rejections] == [
        "readings[1].time", "readings[2].value", "readings[3].parameter", "readings[4].value",
        "readings[5]"]
    assert "UTC offset" in rejections[0].message


def test_a_body_without_readings_names_the_field():
    _, readings, rejections = parse_batch({"station": "S1"})
    assert readings == [] and rejections[0].field == "readings"


def test_a_body_that_is_not_an_object_names_the_body():
    assert parse_batch([1, 2])[2][0].field == "body"
