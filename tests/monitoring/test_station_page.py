"""The station page, the public air-quality page and the operations map's station legend,
through the Django test client; the sparkline's geometry as a pure function."""

import datetime as dt
import math

import pytest

from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.core.formats.readings_json import ParsedReading
from ungpho.core.monitoring.state import StationState
from ungpho.monitoring.models import Parameter, Reading
from ungpho.monitoring.services import (
    readings_ingest,
    station_states_refresh,
    station_upsert,
    threshold_set,
)
from ungpho.monitoring.views.station import hourly_means_last_24h, sparkline_segments

PASSWORD = "mat-khau-dai-123"


def _pm25_readings(now, *, hours=3, value_ug_m3=35.0, status="00", start_index=0):
    """Five-minute PM2.5 readings over the last ``hours`` hours, up to ``now``."""
    count = hours * 12
    return [ParsedReading(start_index + i, "PM2.5",
                          now - dt.timedelta(minutes=5 * (count - 1 - i)),
                          value_ug_m3 + 0.1 * (i % 3), "µg/Nm³", status)
            for i in range(count)]


@pytest.fixture
def air_station(db):
    """A Hà Nội ambient-air station with 3 h of PM2.5 at about 35 µg/m³ (VN_AQI 70-ish,
    QĐ 1459/QĐ-TCMT Bảng 2: 50 + 50/25 · (35.1 − 25))."""
    station = station_upsert(code="HN-AIR-01", name="Trạm không khí Hoàn Kiếm",
                             province_code="01", lat=21.03, lon=105.85, type="ambient_air",
                             owner="Sở Nông nghiệp và Môi trường Hà Nội")
    now = dt.datetime.now(dt.UTC)
    readings_ingest(station=station, readings=_pm25_readings(now), via=Reading.Via.HTTP)
    station_states_refresh()
    station.refresh_from_db()
    return station


def _signed_in(client, username, role, **scope):
    user_upsert(username=username, password=PASSWORD, role=role, **scope)
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_the_station_page_asks_an_anonymous_visitor_to_sign_in(client, air_station):
    response = client.get("/stations/HN-AIR-01/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_provincial_board_of_another_province_gets_404(client, air_station):
    _signed_in(client, "bch.qn", Role.PROVINCIAL_COMMAND, province_code="22")
    assert client.get("/stations/HN-AIR-01/").status_code == 404


@pytest.mark.django_db
def test_a_provincial_board_of_the_stations_province_sees_it(client, air_station):
    _signed_in(client, "bch.hn", Role.PROVINCIAL_COMMAND, province_code="01")
    response = client.get("/stations/HN-AIR-01/")
    assert response.status_code == 200
    assert "Trạm không khí Hoàn Kiếm" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_station_is_404(client, air_station):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    assert client.get("/stations/XX-00/").status_code == 404


@pytest.mark.django_db
def test_the_station_page_shows_registry_state_latest_value_sparkline_and_aqi(
        client, air_station):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    response = client.get("/stations/HN-AIR-01/")
    html = response.content.decode()
    assert "Sở Nông nghiệp và Môi trường Hà Nội" in html
    assert "21.0300, 105.8500" in html  # coordinates keep the decimal point in Vietnamese
    assert StationState.GOOD.name_vi in html and StationState.GOOD.colour in html
    [row] = response.context["latest"]
    assert row["parameter"] == "PM2.5" and row["unit"] == "µg/Nm³"
    assert row["value"] == pytest.approx(35.2)
    assert row["flag_names"] == []
    # 3 h of readings end now: 2 or 3 complete clock hours have a mean (9 of 12 readings).
    assert row["spark"]["hours"] in (2, 3)
    assert "<polyline points=" in html
    assert response.context["aqi"]["aqi"] == pytest.approx(70, abs=1)
    assert response.context["aqi"]["name"] == "Trung bình"


@pytest.mark.django_db
def test_qc_flags_are_named_in_the_active_language(client, air_station):
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    readings_ingest(station=air_station, readings=[
        ParsedReading(0, "PM2.5", now, 36.0, "µg/Nm³", "01")], via=Reading.Via.HTTP)
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    html = client.get("/stations/HN-AIR-01/").content.decode()
    assert "Đang hiệu chuẩn (trạng thái 01)" in html
    client.cookies["django_language"] = "en"
    html = client.get("/stations/HN-AIR-01/").content.decode()
    assert "Calibrating (status 01)" in html and "Latest values" in html


@pytest.mark.django_db
def test_recent_exceedances_are_listed(client, air_station):
    pm25 = Parameter.objects.get(code="PM2.5")
    threshold_set(station=air_station, parameter=pm25, level_1=50.0, basis="QCVN 05:2023")
    now = dt.datetime.now(dt.UTC)
    readings_ingest(station=air_station, readings=[
        ParsedReading(i, "PM2.5", now + dt.timedelta(seconds=1 + i), 80.0 + i, "µg/Nm³")
        for i in range(2)], via=Reading.Via.HTTP)
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    response = client.get("/stations/HN-AIR-01/")
    [exceedance] = response.context["exceedances"]
    assert exceedance.limit_value == 50.0 and exceedance.level == 1
    assert "QCVN 05:2023" in response.content.decode()


@pytest.mark.django_db
def test_the_public_page_needs_no_login_and_gives_the_aqi_with_its_advice(client, air_station):
    station_upsert(code="HN-GAMMA-09", name="Trạm phóng xạ", province_code="01", lat=21.1,
                   lon=105.9)
    response = client.get("/public/")
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row["station"].code == "HN-AIR-01"
    html = response.content.decode()
    assert "Trung bình" in html and "Tự do thực hiện các hoạt động ngoài trời." in html
    assert "/api/v1/monitoring/public/stations.geojson" in html


@pytest.mark.django_db
def test_the_public_page_in_english_names_the_category_and_advice_in_english(
        client, air_station):
    client.cookies["django_language"] = "en"
    html = client.get("/public/").content.decode()
    assert "Moderate" in html and "Enjoy outdoor activities freely." in html


@pytest.mark.django_db
def test_the_map_legend_lists_the_five_states_with_their_colours(client, air_station):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    response = client.get("/map/")
    assert [s["value"] for s in response.context["states"]] == [
        "good", "exceeding", "offline", "calibrating", "device_error"]
    html = response.content.decode()
    for state in StationState:
        assert state.colour in html and state.name_vi in html
    assert 'data-station-url="/stations/__code__/"' in html


@pytest.mark.django_db
def test_hourly_means_leave_hours_without_readings_empty(air_station):
    pm25 = Parameter.objects.get(code="PM2.5")
    means = hourly_means_last_24h(air_station, pm25.pk, dt.datetime.now(dt.UTC))
    assert len(means) == 24
    assert means[:20] == [None] * 20
    assert means[-1] == pytest.approx(35.1, abs=0.01)


def test_a_sparkline_spans_the_box_and_puts_the_highest_value_on_top():
    [run] = sparkline_segments([1.0, 3.0, 2.0], width_px=104, height_px=24, pad_px=2)
    assert run == [(2.0, 22.0), (52.0, 2.0), (102.0, 12.0)]


def test_a_sparkline_breaks_at_gaps_and_keeps_a_lone_hour_as_a_point():
    runs = sparkline_segments([1.0, 2.0, None, 4.0, math.nan, 1.0], width_px=14, height_px=10,
                              pad_px=2)
    assert [len(r) for r in runs] == [2, 1, 1]
    assert runs[1] == [(8.0, 2.0)]


def test_a_flat_sparkline_is_drawn_at_mid_height_and_an_empty_one_not_at_all():
    assert [y for _, y in sparkline_segments([5.0, 5.0], height_px=30, pad_px=3)[0]] == [15, 15]
    assert sparkline_segments([None, None]) == []


def test_a_sparkline_box_smaller_than_its_padding_is_refused():
    with pytest.raises(ValueError, match="width_px, height_px"):
        sparkline_segments([1.0], width_px=4, height_px=30, pad_px=3)
