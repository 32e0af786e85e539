"""Hoàng Sa (đặc khu of Thành phố Đà Nẵng) and Trường Sa (đặc khu of Tỉnh Khánh Hòa) through
the doors that place a point: the geo API, a call on the duty desk, the station registry
(Luật Biển Việt Nam 2012 Điều 1; Nghị quyết 202/2025/QH15)."""

import datetime as dt
import io

import pytest

from ungpho.incidents.errors import IncidentError
from ungpho.incidents.reports.reception import report_receive

PHU_LAM = (16.8333, 112.3333)  # Đảo Phú Lâm, Hoàng Sa: 16°50′N 112°20′E
TRUONG_SA_LON = (8.6442, 111.9206)  # published 8°38′39″N 111°55′14″E, 1.1 km off GSHHG's shore
TRUONG_SA_LON_DRAWN = (8.6300, 111.9175)  # on the island as the data draws it
NOW = dt.datetime(2026, 11, 21, 1, 30, tzinfo=dt.UTC)
CALL = {"caller_name": "Trần Văn Hải", "caller_phone": "0258 3821 111",
        "caller_category": "citizen", "call_time": "2026-11-21 08:05",
        "incident_description": "Phao trôi dạt có ký hiệu phóng xạ trên bãi cát",
        "public_affected": "no", "call_verified": "no", "copies_to": ["command_board"]}


@pytest.mark.django_db
@pytest.mark.parametrize(("point", "code", "name_vi"), [
    (PHU_LAM, "48", "Thành phố Đà Nẵng"),
    (TRUONG_SA_LON_DRAWN, "56", "Tỉnh Khánh Hòa"),
])
def test_the_api_places_a_point_on_the_islands_in_their_province(client, point, code, name_vi):
    lat, lon = point
    response = client.get(f"/api/v1/geo/province-at?lat={lat}&lon={lon}")
    assert response.status_code == 200, response.content
    assert (response.json()["code"], response.json()["name_vi"]) == (code, name_vi)


@pytest.mark.django_db
def test_the_boundaries_every_map_draws_carry_both_archipelagos_with_their_names(client):
    geo = client.get("/api/v1/geo/provinces/boundaries").json()
    named = {a["name_vi"]: f["properties"]["code"]
             for f in geo["features"] for a in f["properties"]["archipelagos"]}
    assert named == {"Quần đảo Hoàng Sa (Việt Nam)": "48", "Quần đảo Trường Sa (Việt Nam)": "56"}
    assert len(geo["features"]) == 34


@pytest.mark.parametrize(("where", "point", "code"), [
    ("Phú Lâm, Hoàng Sa", PHU_LAM, "48"),
    ("Trường Sa Lớn, published position", TRUONG_SA_LON, "56"),
])
def test_a_call_from_an_island_goes_to_its_province(duty_officer, where, point, code):
    answers = {**CALL, "incident_location": where, "lat": str(point[0]), "lon": str(point[1])}
    report = report_receive(answers=answers, by=duty_officer, now=NOW)
    report.refresh_from_db()
    assert report.province_id == code
    assert (report.lat, report.lon) == point


def test_a_call_from_the_open_sea_between_the_archipelagos_is_still_outside_vietnam(
        duty_officer):
    answers = {**CALL, "incident_location": "Biển Đông", "lat": "12.0", "lon": "111.0"}
    with pytest.raises(IncidentError) as error:
        report_receive(answers=answers, by=duty_officer, now=NOW)
    assert [f for f, _ in error.value.problems] == ["province"]


def test_a_station_on_truong_sa_lon_is_imported_into_khanh_hoa(db):
    from ungpho.monitoring.models import Station
    from ungpho.monitoring.registry.file_import import stations_import

    lat, lon = TRUONG_SA_LON
    text = ("code,name,province,lat,lon,type,ministry,status,reporting_interval_s\n"
            f"TS-GAMMA-01,Trạm Trường Sa Lớn,,{lat},{lon},radiation,mae,active,300\n"
            f"HS-GAMMA-01,Trạm Phú Lâm,,{PHU_LAM[0]},{PHU_LAM[1]},radiation,mae,active,300\n"
            "SEA-01,Trạm giữa biển,,12.0,111.0,radiation,mae,active,300\n")
    report = stations_import(io.StringIO(text), fmt="csv")
    assert [(r["line"], r["field"]) for r in report.rejected] == [(4, "lat/lon")]
    assert dict(Station.objects.values_list("code", "province_id")) == {
        "TS-GAMMA-01": "56", "HS-GAMMA-01": "48"}
