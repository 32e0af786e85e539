"""QCVN 05:2023/BTNMT limits on means, judged by the worker each completed hour."""

import datetime as dt

import pytest

from ungpho.core.formats.readings_json import ParsedReading
from ungpho.incidents.models import IncidentReport
from ungpho.monitoring.models import Exceedance, Reading
from ungpho.monitoring.national import national_limits_check
from ungpho.monitoring.services import readings_ingest, station_states_refresh, station_upsert

pytestmark = pytest.mark.django_db

NOW = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def air_station(db):
    return station_upsert(code="KHI01", name="Trạm không khí Nguyễn Văn Cừ", province_code="01",
                          lat=21.0486, lon=105.8786, type="ambient_air")


def _pm25(station, value_of_hour, *, hours=24, skip=()):
    readings = []
    for i in range(hours * 12):
        at = NOW - dt.timedelta(minutes=5 * (hours * 12 - i))
        if i // 12 in skip:
            continue
        readings.append(ParsedReading(i, "PM2.5", at, value_of_hour(i // 12) + (i % 3) * 0.1,
                                      "µg/Nm³"))
    readings_ingest(station=station, readings=readings, via=Reading.Via.HTTP)


def test_a_24h_mean_above_45_opens_one_report_citing_qcvn_05(air_station):
    _pm25(air_station, lambda hour: 48.0)  # under the 1-hour column, over 45 (24 h, from 2026)
    assert national_limits_check(now=NOW) == 1
    exceedance = Exceedance.objects.get()
    assert exceedance.basis == "QCVN 05:2023/BTNMT, Bảng 1, mục 2.1 (24h)"
    assert exceedance.limit_value == 45 and exceedance.value == pytest.approx(48.1)
    report = IncidentReport.objects.get()
    assert report.decision["averaging"] == "24h" and report.station_id == air_station.pk
    station_states_refresh(now=NOW)
    air_station.refresh_from_db()
    assert air_station.state == "exceeding"


def test_the_same_hour_is_judged_once_and_a_lasting_exceedance_is_recorded_once(air_station):
    _pm25(air_station, lambda hour: 60.0)
    national_limits_check(now=NOW)
    assert national_limits_check(now=NOW) == 0
    assert national_limits_check(now=NOW + dt.timedelta(minutes=59)) == 0
    assert Exceedance.objects.count() == 1 and IncidentReport.objects.count() == 1


def test_a_compliant_day_raises_nothing(air_station):
    _pm25(air_station, lambda hour: 30.0)
    assert national_limits_check(now=NOW) == 0
    assert not IncidentReport.objects.exists()


def test_a_day_with_too_many_missing_hours_is_not_judged(air_station):
    _pm25(air_station, lambda hour: 80.0, skip=range(0, 8))  # 16 of 24 hours: below 75 %
    assert national_limits_check(now=NOW) == 0
    assert not Exceedance.objects.exists()


def test_flagged_readings_are_not_averaged(air_station):
    readings = [ParsedReading(i, "PM2.5", NOW - dt.timedelta(minutes=5 * (288 - i)), 90.0,
                              "µg/Nm³", status="01") for i in range(288)]
    readings_ingest(station=air_station, readings=readings, via=Reading.Via.HTTP)
    assert national_limits_check(now=NOW) == 0
