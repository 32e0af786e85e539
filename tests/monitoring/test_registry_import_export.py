"""Station registry import/export (CSV, GeoJSON), its line-by-line validation, the
``ungpho stations`` command and the admin that uses it."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from tests.conftest import REPO, ungpho

HEADER = "code,name,province,lat,lon,type,ministry,status,reporting_interval_s,facility"
GOOD_HN = "HN-GAMMA-01,Trạm Hà Nội,01,21.0285,105.8542,radiation,mae,active,300,"
GOOD_HUE = "HUE-GAMMA-01,Trạm Huế,46,16.4637,107.5909,radiation,mae,active,600,"


def _import(text: str, **kwargs):
    from ungpho.monitoring.registry.file_import import stations_import

    return stations_import(io.StringIO(text), fmt="csv", **kwargs)


def _codes() -> list[str]:
    from ungpho.monitoring.models import Station

    return list(Station.objects.order_by("code").values_list("code", flat=True))


def _export_csv() -> str:
    from ungpho.monitoring.registry.file_export import stations_export_csv

    out = io.StringIO()
    stations_export_csv(out)
    return out.getvalue()


def _wipe_stations() -> None:
    from ungpho.monitoring.models import Station

    Station.objects.all().delete()
    assert _codes() == []


@pytest.fixture
def registry(db):
    """Two stations, one with a facility, a file prefix, a background, alarm levels, two
    mappings and a token."""
    from ungpho.monitoring.models import Parameter
    from ungpho.monitoring.services import (
        mapping_set,
        station_token_issue,
        station_upsert,
        threshold_set,
    )
    from ungpho.preparedness.services import facility_upsert

    facility_upsert(code="bachmai-ydhn", name="Bệnh viện Bạch Mai", province_code="01",
                    lat=21.0, lon=105.84)
    gamma, pm25 = Parameter.objects.get(code="GammaDR"), Parameter.objects.get(code="PM2.5")
    qn = station_upsert(code="QN-GAMMA-01", name="Trạm phóng xạ Hạ Long, \"cảng\"",
                        owner="Sở NN&MT Quảng Ninh", province_code="22", lat=21.45, lon=107.75,
                        ministry="province", reporting_interval_s=600, status="maintenance",
                        file_prefix="QN_HALONG_QN-GAMMA-01", background_usv_h=0.12,
                        facility_code="bachmai-ydhn")
    threshold_set(station=qn, parameter=gamma, level_1=0.3, level_3=100.0, confirm_count=3,
                  basis="TT 12/2023; Phụ lục VIII")
    mapping_set(station=qn, symbol="GDR", parameter=gamma, unit="nSv/h", scale=0.001)
    hcm = station_upsert(code="HCM-AIR-01", name="Trạm không khí Quận 1", province_code="79",
                         lat=10.7769, lon=106.7009, type="ambient_air", ministry="mae")
    mapping_set(station=hcm, symbol="PM2,5", parameter=pm25, unit="mg/m3", scale=1000.0,
                offset=-0.5)
    threshold_set(station=hcm, parameter=pm25, level_1=50.0, level_2=100.0, level_3=150.0)
    station_token_issue(station=qn)
    return qn


def test_csv_export_then_import_into_an_empty_registry_gives_the_same_stations(registry):
    exported = _export_csv()
    _wipe_stations()
    report = _import(exported)
    assert (report.created, report.updated, report.rejected) == (2, 0, [])
    assert _export_csv() == exported
    row = next(r for r in csv.DictReader(io.StringIO(exported)) if r["code"] == "QN-GAMMA-01")
    assert row["thresholds"] == "GammaDR:0.3//100*3 [TT 12/2023; Phụ lục VIII]"
    assert row["mappings"] == "GDR=GammaDR:nSv/h:0.001:0"
    assert row["province"] == "22" and row["facility"] == "bachmai-ydhn"


def test_geojson_export_then_import_into_an_empty_registry_gives_the_same_stations(
        registry, tmp_path):
    from ungpho.monitoring.registry.file_export import stations_export_geojson
    from ungpho.monitoring.registry.file_import import stations_import

    exported = stations_export_geojson()
    path = tmp_path / "stations.geojson"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    _wipe_stations()
    report = stations_import(path, fmt="geojson")
    assert (report.created, report.updated, report.rejected) == (2, 0, [])
    assert stations_export_geojson() == exported
    qn = next(f for f in exported["features"] if f["id"] == "QN-GAMMA-01")
    assert qn["geometry"] == {"type": "Point", "coordinates": [107.75, 21.45]}
    assert qn["properties"]["thresholds"] == [
        {"parameter": "GammaDR", "level_1": 0.3, "level_2": None, "level_3": 100.0,
         "confirm_count": 3, "basis": "TT 12/2023; Phụ lục VIII"}]


def test_exports_carry_state_and_last_reading_but_never_the_token(registry):
    from ungpho.monitoring.registry.file_export import stations_export_geojson

    registry.refresh_from_db()
    text = json.dumps(stations_export_geojson()) + _export_csv()
    assert registry.token_sha256 and registry.token_sha256 not in text and "token" not in text
    properties = stations_export_geojson()["features"][0]["properties"]
    assert properties["state"] == "offline" and "last_reading_at" in properties


@pytest.mark.parametrize(("column", "value", "field", "reason"), [
    ("province", "99", "province", "unknown province code '99'; allowed: 01, 04, 08"),
    ("lat", "abc", "lat", "not a number: 'abc'"),
    ("lon", "105,85", "lon", "use a decimal point"),
    ("lat", "48.8566", "lat/lon", "outside Vietnam's bounding box"),
    ("lat", "17.97", "lat/lon", "(17.97, 102.6) lies in no province"),
    ("type", "nuclear", "type", "allowed: ambient_air, surface_water, groundwater"),
    ("ministry", "monre", "ministry", "unknown value 'monre'; allowed: mae, most, mod"),
    ("status", "broken", "status", "allowed: active, maintenance, retired"),
    ("reporting_interval_s", "0", "reporting_interval_s", "not a positive integer"),
    ("reporting_interval_s", "300.5", "reporting_interval_s", "not a positive integer"),
    ("reporting_interval_s", "-60", "reporting_interval_s", "not a positive integer"),
    ("facility", "no-such-facility", "facility", "unknown facility code 'no-such-facility'"),
    ("code", "HN GAMMA", "code", "letters, digits, '-' and '_' only"),
    ("name", "", "name", "required for a new station"),
])
def test_a_bad_field_is_named_with_its_line_and_the_rows_around_it_are_saved(
        db, column, value, field, reason):
    cells = ["BAD-01", "Trạm lỗi", "01", "21.0285", "105.8542", "radiation", "mae", "active",
             "300", ""]
    bad = dict(zip(HEADER.split(","), cells, strict=True))
    bad[column] = value
    if value == "17.97":  # Vientiane: inside the box, in no province
        bad["lon"] = "102.6"
    if value == "48.8566":
        bad["lon"] = "2.3522"
    line = ",".join(f'"{v}"' if "," in v else v for v in bad.values())
    report = _import("\n".join([HEADER, GOOD_HN, line, GOOD_HUE]) + "\n")
    assert [(r["line"], r["field"]) for r in report.rejected] == [(3, field)]
    assert reason in report.rejected[0]["reason"]
    assert report.created == 2 and _codes() == ["HN-GAMMA-01", "HUE-GAMMA-01"]


def test_every_bad_field_of_a_row_is_reported_not_only_the_first(db):
    report = _import(f"{HEADER}\nX-01,Trạm,99,abc,105.8,nuclear,mae,active,0,\n")
    assert {r["field"] for r in report.rejected} == {"province", "lat", "type",
                                                     "reporting_interval_s"}
    assert {r["line"] for r in report.rejected} == {2} and _codes() == []


def test_a_code_twice_in_the_file_refuses_the_later_row(db):
    report = _import("\n".join([HEADER, GOOD_HN, GOOD_HUE, GOOD_HN.replace("Trạm", "Khác")]))
    assert report.rejected == [{"line": 4, "field": "code",
                                "reason": "duplicate: 'HN-GAMMA-01' is already on line 2"}]
    from ungpho.monitoring.models import Station

    assert Station.objects.get(code="HN-GAMMA-01").name == "Trạm Hà Nội"


def test_a_multi_line_quoted_name_does_not_shift_the_line_numbers(db):
    text = f'{HEADER}\nHN-GAMMA-01,"Trạm\nHà Nội",01,21.0285,105.8542,,,,,\nX,Y,01,abc,105.8,,,,,\n'
    report = _import(text)
    assert [(r["line"], r["field"]) for r in report.rejected] == [(4, "lat")]


def test_reimport_updates_the_stations_and_audits_only_what_changed(db):
    from ungpho.audit.models import AuditEntry
    from ungpho.monitoring.models import Station

    text = "\n".join([HEADER, GOOD_HN, GOOD_HUE])
    assert _import(text).created == 2
    entries = AuditEntry.objects.count()
    again = _import(text)
    assert (again.created, again.updated, AuditEntry.objects.count()) == (0, 2, entries)
    renamed = _import(text.replace("Trạm Huế", "Trạm Thừa Thiên Huế"))
    assert (renamed.created, renamed.updated) == (0, 2) and Station.objects.count() == 2
    assert Station.objects.get(code="HUE-GAMMA-01").name == "Trạm Thừa Thiên Huế"
    assert AuditEntry.objects.filter(action="station.upsert").count() == 3


def test_a_file_with_only_code_and_status_retires_and_keeps_the_rest(registry):
    from ungpho.monitoring.models import Station

    report = _import("code,status\nQN-GAMMA-01,retired\n")
    station = Station.objects.get(code="QN-GAMMA-01")
    assert (report.updated, report.rejected, station.status) == (1, [], "retired")
    assert (station.file_prefix, station.background_usv_h, station.facility.code,
            station.reporting_interval_s) == ("QN_HALONG_QN-GAMMA-01", 0.12, "bachmai-ydhn", 600)


def test_an_empty_province_is_the_province_containing_the_point(db):
    from ungpho.monitoring.models import Station

    assert _import("code,name,province,lat,lon\nHUE-1,Huế,,16.4637,107.5909\n").created == 1
    assert Station.objects.get(code="HUE-1").province_id == "46"


def test_a_one_digit_province_code_gets_its_leading_zero_back(db):
    from ungpho.monitoring.models import Station

    assert _import("code,name,province,lat,lon\nHN-1,Hà Nội,1,21.0285,105.8542\n").created == 1
    assert Station.objects.get(code="HN-1").province_id == "01"


def test_alarm_levels_and_mappings_in_the_csv_are_saved_with_the_station(db):
    from ungpho.monitoring.models import Station

    text = ("code,name,province,lat,lon,type,thresholds,mappings\n"
            "HN-AIR,Trạm khí,01,21.0285,105.8542,ambient_air,"
            '"PM2.5:50/100/150*1 [QCVN 05:2023/BTNMT]; PM10:100",'
            '"PM2,5=PM2.5:mg/m3:1000; pm10=PM10"\n')
    report = _import(text)
    assert (report.created, report.rejected) == (1, [])
    station = Station.objects.get(code="HN-AIR")
    levels = {t.parameter.code: (t.levels, t.confirm_count, t.basis)
              for t in station.thresholds.all()}
    assert levels == {"PM2.5": ((50.0, 100.0, 150.0), 1, "QCVN 05:2023/BTNMT"),
                      "PM10": ((100.0, None, None), 2, "")}
    mappings = {m.symbol: (m.parameter.code, m.unit, m.scale, m.offset)
                for m in station.mappings.all()}
    assert mappings == {"PM2,5": ("PM2.5", "mg/m3", 1000.0, 0.0),
                        "pm10": ("PM10", "", 1.0, 0.0)}


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("thresholds", "GammaDR:1/0.5", "level 2 (0.5) must be above the level before it"),
    ("thresholds", "Gamma:1", "unknown parameter 'Gamma'; allowed:"),
    ("thresholds", "GammaDR:0.3; GammaDR:0.5", "'GammaDR' appears twice"),
    ("thresholds", "GammaDR:0.3*0", "not a positive integer"),
    ("mappings", "GDR", "not SYMBOL=PARAM[:UNIT[:SCALE[:OFFSET]]]"),
    ("mappings", "GDR=GammaDR:nSv/h:0", "scale 0"),
])
def test_a_bad_alarm_level_or_mapping_keeps_the_whole_row_out(db, column, value, reason):
    report = _import(f'code,name,province,lat,lon,{column}\n'
                     f'HN-1,Trạm,01,21.0285,105.8542,"{value}"\n')
    assert [(r["line"], r["field"]) for r in report.rejected] == [(2, column)]
    assert reason in report.rejected[0]["reason"] and _codes() == []


def test_a_row_failing_while_saving_is_rolled_back_whole(db, monkeypatch):
    from ungpho.monitoring.registry import file_import as registry_import

    def failing_threshold_set(**kwargs):
        raise ValueError("levels: simulated failure")

    monkeypatch.setattr(registry_import, "threshold_set", failing_threshold_set)
    report = _import("code,name,province,lat,lon,mappings,thresholds\n"
                     "HN-1,Trạm,01,21.0285,105.8542,GDR=GammaDR,GammaDR:0.3\n"
                     "HN-2,Trạm,01,21.0285,105.8542,,\n")
    assert report.rejected == [{"line": 2, "field": "row",
                                "reason": "not saved: levels: simulated failure"}]
    from ungpho.monitoring.models import StationParameter

    assert _codes() == ["HN-2"] and not StationParameter.objects.exists()


def test_unknown_columns_are_reported_on_line_1_and_the_rows_still_saved(db):
    report = _import("code,name,provnce,lat,lon\nHN-1,Trạm,01,21.0285,105.8542\n")
    assert [(r["line"], r["field"]) for r in report.rejected] == [(1, "provnce")]
    assert report.created == 1


def test_a_header_without_code_saves_nothing_and_says_so(db):
    report = _import("name,lat,lon\nTrạm,21.0285,105.8542\n")
    assert report.rejected == [{"line": 1, "field": "code",
                                "reason": "the header line has no 'code' column"}]
    assert _codes() == []


def test_a_file_prefix_of_another_station_is_refused(registry):
    report = _import("code,name,lat,lon,file_prefix\n"
                     "HN-1,Trạm,21.0285,105.8542,QN_HALONG_QN-GAMMA-01\n")
    assert report.rejected[0]["field"] == "file_prefix"
    assert "used by station QN-GAMMA-01" in report.rejected[0]["reason"]


def test_a_bad_geojson_feature_is_named_by_its_index(db):
    from ungpho.monitoring.registry.file_import import stations_import

    def feature(code, coordinates):
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coordinates},
                "properties": {"code": code, "name": code, "reporting_interval_s": 60}}

    doc = {"type": "FeatureCollection", "features": [
        feature("HN-1", [105.8542, 21.0285]), feature("SWAPPED", [21.0285, 105.8542]),
        {"type": "Feature", "geometry": None, "properties": {"code": "NOWHERE", "name": "x"}},
        feature("HUE-1", [107.5909, 16.4637])]}
    report = stations_import(doc, fmt="geojson")
    assert [(r["feature"], r["field"]) for r in report.rejected] == [(1, "lat/lon"),
                                                                     (2, "geometry")]
    assert "lat and lon swapped?" in report.rejected[0]["reason"]
    assert report.created == 2 and _codes() == ["HN-1", "HUE-1"]


def test_not_a_feature_collection_is_refused_as_a_whole(db):
    from ungpho.monitoring.registry.file_import import stations_import

    report = stations_import({"type": "Feature"}, fmt="geojson")
    assert report.rejected[0]["field"] == "type" and report.created == 0


def test_parameters_export_lists_unit_and_physical_range(db):
    from ungpho.monitoring.registry.file_export import parameters_export_csv

    out = io.StringIO()
    count = parameters_export_csv(out)
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert count == len(rows) > 30
    assert (rows["GammaDR"]["unit"], rows["GammaDR"]["range_min"],
            rows["GammaDR"]["range_max"], rows["GammaDR"]["station_types"]) == (
        "µSv/h", "0", "10000", "radiation")


# -- the command ------------------------------------------------------------------------------

@pytest.fixture
def env(tmp_path):
    base = {k: v for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "MQTT_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE"}}
    env = {**base, "UNGPHO_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO / "src")}
    ungpho("migrate", env=env)
    return env


def test_stations_command_imports_reports_rejections_with_exit_1_and_exports(env, tmp_path):
    source = tmp_path / "tram.csv"
    source.write_text("\ufeff" + "\n".join([HEADER, GOOD_HN, "BAD,Trạm,99,21,105,,,,,",
                                            GOOD_HUE]), encoding="utf-8")
    first = ungpho("stations", "import", str(source), env=env, check=False)
    assert first.returncode == 1, first.stderr
    assert "dòng / line 3: province: unknown province code '99'" in first.stdout
    assert "Tạo mới / created: 2" in first.stdout
    again = ungpho("stations", "import", str(source), "--json", env=env, check=False)
    summary = json.loads(again.stdout)
    assert (again.returncode, summary["created"], summary["updated"]) == (1, 0, 2)
    out = tmp_path / "tram.geojson"
    ungpho("stations", "export", "--output", str(out), env=env)
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["id"] for f in features] == ["HN-GAMMA-01", "HUE-GAMMA-01"]
    exported = ungpho("stations", "export", "--format", "csv", env=env).stdout
    assert exported.splitlines()[0].startswith("code,name,owner,ministry,type,province")
    good = tmp_path / "good.csv"
    good.write_text(exported, encoding="utf-8")
    assert ungpho("stations", "import", str(good), env=env).returncode == 0


def test_stations_import_of_a_missing_file_is_explained(env, tmp_path):
    result = ungpho("stations", "import", str(tmp_path / "none.csv"), env=env, check=False)
    assert result.returncode != 0 and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


# -- the admin --------------------------------------------------------------------------------

def test_admin_station_list_filters_and_exports_selected_as_csv_and_geojson(
        registry, admin_client):
    from ungpho.monitoring.models import Station

    page = admin_client.get("/admin/monitoring/station/", {"type__exact": "radiation",
                                                           "state__exact": "offline"})
    assert page.status_code == 200 and "QN-GAMMA-01" in page.content.decode()
    assert "HCM-AIR-01" not in page.content.decode()
    pk = Station.objects.get(code="QN-GAMMA-01").pk
    for action, marker in (("export_csv", "QN-GAMMA-01,"), ("export_geojson", '"Point"')):
        response = admin_client.post("/admin/monitoring/station/",
                                     {"action": action, "_selected_action": [pk]})
        body = response.content.decode("utf-8-sig")
        assert response.status_code == 200 and marker in body and "HCM-AIR-01" not in body


def test_admin_station_edit_goes_through_the_audited_service(registry, admin_client):
    from ungpho.audit.models import AuditEntry

    page = admin_client.get(f"/admin/monitoring/station/{registry.pk}/change/")
    assert page.status_code == 200 and "ungpho token QN-GAMMA-01" in page.content.decode()
    before = AuditEntry.objects.filter(action="station.upsert").count()
    data = {"name": "Trạm mới", "owner": "", "ministry": "mae", "type": "radiation",
            "province": "22", "facility": "", "lat": "21.45", "lon": "107.75",
            "reporting_interval_s": "300", "status": "active", "file_prefix": "",
            "background_usv_h": "",
            "mappings-TOTAL_FORMS": "0", "mappings-INITIAL_FORMS": "0",
            "thresholds-TOTAL_FORMS": "0", "thresholds-INITIAL_FORMS": "0"}
    response = admin_client.post(f"/admin/monitoring/station/{registry.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    registry.refresh_from_db()
    assert registry.name == "Trạm mới"
    assert AuditEntry.objects.filter(action="station.upsert").count() == before + 1


def test_admin_refuses_a_point_in_no_province(registry, admin_client):
    data = {"name": "x", "ministry": "mae", "type": "radiation", "province": "22",
            "lat": "15.0", "lon": "109.4", "reporting_interval_s": "300", "status": "active",
            "mappings-TOTAL_FORMS": "0", "mappings-INITIAL_FORMS": "0",
            "thresholds-TOTAL_FORMS": "0", "thresholds-INITIAL_FORMS": "0"}
    response = admin_client.post(f"/admin/monitoring/station/{registry.pk}/change/", data)
    assert response.status_code == 200 and "lies in no province" in response.content.decode()


def test_admin_readings_can_be_viewed_filtered_by_flag_but_never_added_or_deleted(
        admin_client, registry):
    import datetime as dt

    from ungpho.monitoring.models import Parameter, Reading

    gamma, now = Parameter.objects.get(code="GammaDR"), dt.datetime.now(dt.UTC)
    for minutes, flags in ((0, 0), (5, 4 | 1), (10, 1)):
        Reading.objects.create(station=registry, parameter=gamma, value=0.1, flags=flags,
                               observed_at=now - dt.timedelta(minutes=minutes),
                               received_at=now, via="http")
    counts = {flag: admin_client.get("/admin/monitoring/reading/", {"flag": flag}).context[
        "cl"].result_count for flag in ("0", "1", "4")}
    assert counts == {"0": 1, "1": 2, "4": 1}
    reading = Reading.objects.first()
    assert admin_client.post(f"/admin/monitoring/reading/{reading.pk}/delete/",
                             {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/monitoring/reading/add/").status_code == 403
    for model in ("exceedance", "ingestfile", "rejectedline", "parameter"):
        assert admin_client.get(f"/admin/monitoring/{model}/").status_code == 200
        assert admin_client.get(f"/admin/monitoring/{model}/add/").status_code == 403


def test_admin_inlines_validate_levels_and_save_and_delete_through_the_audit(
        registry, admin_client):
    from ungpho.audit.models import AuditEntry
    from ungpho.monitoring.models import Parameter, Station

    gamma = Parameter.objects.get(code="GammaDR")
    base = {"code": "HN-NEW", "name": "Trạm mới", "owner": "", "ministry": "mae",
            "type": "radiation", "province": "01", "facility": "", "lat": "21.0285",
            "lon": "105.8542", "reporting_interval_s": "300", "status": "active",
            "file_prefix": "", "background_usv_h": "",
            "mappings-TOTAL_FORMS": "1", "mappings-INITIAL_FORMS": "0",
            "mappings-0-symbol": "GDR", "mappings-0-unit": "nSv/h",
            "mappings-0-parameter": str(gamma.pk), "mappings-0-scale": "0.001",
            "mappings-0-offset": "0",
            "thresholds-TOTAL_FORMS": "1", "thresholds-INITIAL_FORMS": "0",
            "thresholds-0-parameter": str(gamma.pk), "thresholds-0-level_1": "1",
            "thresholds-0-level_2": "0.5", "thresholds-0-level_3": "",
            "thresholds-0-confirm_count": "2", "thresholds-0-basis": ""}
    refused = admin_client.post("/admin/monitoring/station/add/", base)
    assert refused.status_code == 200 and "must be above the level before it" in (
        refused.content.decode())
    assert not Station.objects.filter(code="HN-NEW").exists()
    added = admin_client.post("/admin/monitoring/station/add/",
                              {**base, "thresholds-0-level_2": "5"})
    assert added.status_code == 302
    station = Station.objects.get(code="HN-NEW")
    threshold = station.thresholds.get()
    assert (threshold.levels, station.mappings.get().scale) == ((1.0, 5.0, None), 0.001)
    assert AuditEntry.objects.filter(action="mapping.set", object_id=str(
        station.mappings.get().pk)).exists()
    drop = {**base, "mappings-TOTAL_FORMS": "0", "thresholds-INITIAL_FORMS": "1",
            "thresholds-0-id": str(threshold.pk), "thresholds-0-level_2": "5",
            "thresholds-0-DELETE": "on"}
    del drop["code"]
    assert admin_client.post(f"/admin/monitoring/station/{station.pk}/change/",
                             drop).status_code == 302
    assert not station.thresholds.exists()
    assert AuditEntry.objects.filter(action="threshold.delete",
                                     object_id=str(threshold.pk)).exists()
