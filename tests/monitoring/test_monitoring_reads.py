"""Reads of the monitoring network for people and machines, each within the caller's scope."""

import base64
import csv
import datetime as dt
import io
from urllib.parse import urlencode

import pytest

from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.core.formats.readings_json import ParsedReading
from ungpho.monitoring.models import Reading
from ungpho.monitoring.services import readings_ingest, station_upsert

pytestmark = pytest.mark.django_db

NOW = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)


def _ingest(station, parameter, values, *, end=NOW, status="00", unit=None):
    readings = [ParsedReading(i, parameter, end - dt.timedelta(minutes=5 * (len(values) - i)),
                              v, unit, status) for i, v in enumerate(values)]
    readings_ingest(station=station, readings=readings, via=Reading.Via.HTTP)


@pytest.fixture
def network(gamma_station):
    """A Hà Nội gamma station with an exceedance and a Quảng Ninh air station with PM."""
    _ingest(gamma_station.station, "GammaDR", [0.12, 0.13, 0.8, 0.9])
    air = station_upsert(code="QN-KK-01", name="Trạm không khí Hạ Long", province_code="22",
                         lat=20.95, lon=107.08, type="ambient_air")
    _ingest(air, "PM2.5", [40.0 + i % 5 for i in range(13 * 12)])
    return gamma_station.station, air


@pytest.fixture
def board_hanoi(db):
    return user_upsert(username="bch.hanoi", password="mat-khau-dai-123",
                       role=Role.PROVINCIAL_COMMAND, province_code="01")


def test_latest_gives_every_series_of_the_country_to_the_duty_officer(client, network,
                                                                      duty_officer):
    client.force_login(duty_officer)
    rows = client.get("/api/v1/monitoring/latest").json()["latest"]
    assert [(r["station"], r["parameter"]) for r in rows] == [("HN-GAMMA-01", "GammaDR"),
                                                             ("QN-KK-01", "PM2.5")]
    gamma = rows[0]
    assert gamma["value"] == 0.9 and gamma["level"] == 1 and gamma["unit"] == "µSv/h"
    assert dt.datetime.fromisoformat(gamma["time"]) == NOW - dt.timedelta(minutes=5)


def test_latest_is_limited_to_a_provincial_boards_province(client, network, board_hanoi):
    client.force_login(board_hanoi)
    rows = client.get("/api/v1/monitoring/latest").json()["latest"]
    assert {r["station"] for r in rows} == {"HN-GAMMA-01"}
    assert client.get("/api/v1/monitoring/series?station=QN-KK-01&parameter=PM2.5"
                      ).status_code == 404


def test_machines_read_with_http_basic_and_strangers_are_refused(client, network,
                                                                duty_officer):
    assert client.get("/api/v1/monitoring/latest").status_code == 401
    token = base64.b64encode(b"trucban:mat-khau-dai-123").decode()
    answer = client.get("/api/v1/monitoring/latest", HTTP_AUTHORIZATION=f"Basic {token}")
    assert answer.status_code == 200 and len(answer.json()["latest"]) == 2


def test_series_hourly_means_mark_incomplete_hours(client, network, duty_officer):
    client.force_login(duty_officer)
    query = urlencode({"station": "QN-KK-01", "parameter": "PM2.5", "period": "1h",
                       "since": (NOW - dt.timedelta(hours=3)).isoformat(),
                       "until": NOW.isoformat()})
    answer = client.get(f"/api/v1/monitoring/series?{query}").json()
    assert answer["unit"] == "µg/Nm³"
    complete = [r for r in answer["rows"] if r["complete"]]
    assert len(complete) == 3 and all(40 <= r["mean"] <= 44 for r in complete)


def test_series_rejects_an_unknown_period_and_a_backward_window(client, network,
                                                               duty_officer):
    client.force_login(duty_officer)
    base = "/api/v1/monitoring/series?station=QN-KK-01&parameter=PM2.5"
    assert client.get(base + "&period=week").status_code == 422
    bad = client.get(base + "&" + urlencode({"since": NOW.isoformat(),
                                             "until": NOW.isoformat()}))
    assert bad.status_code == 422 and "since" in bad.json()["detail"]


def test_flagged_readings_are_left_out_of_the_means(client, gamma_station, duty_officer):
    _ingest(gamma_station.station, "GammaDR", [5.0] * 12, status="01")
    client.force_login(duty_officer)
    rows = client.get("/api/v1/monitoring/series?station=HN-GAMMA-01&parameter=GammaDR"
                      "&period=raw").json()["rows"]
    assert rows == []


def test_exceedances_list_the_confirmed_level_with_its_report(client, network, duty_officer):
    client.force_login(duty_officer)
    [row] = client.get("/api/v1/monitoring/exceedances").json()["exceedances"]
    assert (row["station"], row["level"], row["limit"], row["value"]) == (
        "HN-GAMMA-01", 1, 0.5, 0.9)
    assert row["report"].startswith("SC-")


def test_the_state_layer_is_geojson_with_the_air_quality_index(client, network, duty_officer):
    from ungpho.monitoring.services import station_states_refresh

    station, _ = network
    _ingest(station, "GammaDR", [0.95], end=dt.datetime.now(dt.UTC))  # reporting now
    station_states_refresh()
    client.force_login(duty_officer)
    layer = client.get("/api/v1/monitoring/stations.geojson").json()
    features = {f["properties"]["code"]: f for f in layer["features"]}
    assert features["HN-GAMMA-01"]["properties"]["state"] == "exceeding"
    assert features["QN-KK-01"]["geometry"]["coordinates"] == [107.08, 20.95]
    aqi = features["QN-KK-01"]["properties"]["aqi"]
    assert aqi["dominant"] == "PM2.5" and 50 < aqi["aqi"] <= 100
    public = client.get("/api/v1/monitoring/public/stations.geojson")
    client.logout()
    assert client.get("/api/v1/monitoring/public/stations.geojson").status_code == 200
    assert "owner" not in public.json()["features"][0]["properties"]


def test_csv_export_streams_every_reading_with_its_flags(client, gamma_station, duty_officer):
    _ingest(gamma_station.station, "GammaDR", [0.12, -0.1])
    client.force_login(duty_officer)
    answer = client.get("/api/v1/monitoring/readings.csv?station=HN-GAMMA-01")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert [(r["value"], r["flag_names"]) for r in rows] == [("0.12", ""), ("-0.1", "NEGATIVE")]
