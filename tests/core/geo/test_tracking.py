import datetime as dt

import pytest
from shapely.geometry import shape

from ungpho.core.geo.tracking import (
    OUTSIDE_AREA,
    OUTSIDE_HOURS,
    is_silent,
    position_alerts,
    working_hours_parse,
)

AREA = shape({"type": "Polygon", "coordinates": [[[106.66, 20.80], [106.80, 20.80],
                                                  [106.80, 20.88], [106.66, 20.88],
                                                  [106.66, 20.80]]]})
ICT = dt.timezone(dt.timedelta(hours=7))
NOON = dt.datetime(2026, 11, 21, 12, 0, tzinfo=ICT)
HOURS = working_hours_parse("07:00-17:30")


def test_a_position_inside_the_area_in_working_hours_raises_nothing():
    assert position_alerts(lat_deg=20.84, lon_deg=106.70, observed_at=NOON, area=AREA,
                           hours=HOURS) == set()


def test_a_position_20_m_outside_the_edge_is_gnss_error_not_an_alert():
    just_out = 20.88 + 20 / 111_195  # 20 m north of the northern edge
    assert position_alerts(lat_deg=just_out, lon_deg=106.70, observed_at=NOON, area=AREA,
                           hours=None) == set()


def test_a_position_a_km_outside_the_area_raises_outside_area():
    assert position_alerts(lat_deg=20.89, lon_deg=106.70, observed_at=NOON, area=AREA,
                           hours=None) == {OUTSIDE_AREA}


def test_working_hours_are_vietnam_local_time():
    evening_utc = dt.datetime(2026, 11, 21, 11, 0, tzinfo=dt.UTC)  # 18:00 in Vietnam
    assert position_alerts(lat_deg=20.84, lon_deg=106.70, observed_at=evening_utc, area=None,
                           hours=HOURS) == {OUTSIDE_HOURS}
    assert HOURS.contains(dt.datetime(2026, 11, 21, 0, 30, tzinfo=dt.UTC))  # 07:30


def test_night_shift_hours_wrap_midnight():
    night = working_hours_parse("22:00-06:00")
    assert night.contains(NOON.replace(hour=23))
    assert night.contains(NOON.replace(hour=5))
    assert not night.contains(NOON)


def test_hours_until_24_00_include_the_evening():
    assert working_hours_parse("06:00-24:00").contains(NOON.replace(hour=23, minute=59))


@pytest.mark.parametrize("text", ["7:00-17:00", "07:00-25:00", "07:00", "08:00-08:00",
                                  "07:00-24:30"])
def test_bad_working_hours_are_refused_naming_the_field(text):
    with pytest.raises(ValueError, match="working_hours"):
        working_hours_parse(text)


def test_a_tracker_is_silent_after_its_interval_plus_15_minutes():
    last = NOON
    assert not is_silent(last_report_at=last, since=last, interval_s=600,
                         now=last + dt.timedelta(minutes=25))
    assert is_silent(last_report_at=last, since=last, interval_s=600,
                     now=last + dt.timedelta(minutes=25, seconds=1))


def test_a_tracker_that_never_reported_is_silent_counting_from_when_tracking_began():
    assert is_silent(last_report_at=None, since=NOON, interval_s=60,
                     now=NOON + dt.timedelta(minutes=17))
