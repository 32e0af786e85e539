"""Risk registry import/export (facilities, radioactive sources, hazardous chemicals; CSV and
GeoJSON), its line-by-line validation through the services, and the ``ungpho facilities |
sources | chemicals import|export`` commands."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from tests.conftest import ungpho
from tests.monitoring import test_registry_import_export as _stations

#: A data dir of its own, migrated: the fixture of the station registry's command tests.
env = _stations.env

SITE = {"type": "Polygon", "coordinates": [[[105.84, 21.0], [105.842, 21.0], [105.842, 21.002],
                                            [105.84, 21.002], [105.84, 21.0]]]}
AREA = {"type": "Polygon", "coordinates": [[[106.66, 20.8], [106.8, 20.8], [106.8, 20.88],
                                            [106.66, 20.88], [106.66, 20.8]]]}

AREA_CELL = '"' + json.dumps(AREA).replace('"', '""') + '"'  # quoted as CSV quotes
FACILITY_HEADER = "code,name,kind,lat,lon,thermal_power_mw,licence_valid_until"
GOOD_HN = "bachmai,Bệnh viện Bạch Mai,nuclear_medicine,21.0006,105.8408,,2030-12-31"
GOOD_HP = "ndt-hp,NDT Hải Phòng,industrial_radiography,20.8449,106.6881,,"
SOURCE_HEADER = "serial,nuclide,activity,reference_date,facility,mobile,permitted_area"
GOOD_CS = "CS-1,Cs-137,370 MBq,2015-03-01,bachmai,false,"
GOOD_CO = "CO-1,Co60,1.5 TBq,2020-06-01,bachmai,,"


def _import(kind: str, text: str, fmt: str = "csv"):
    from ungpho.preparedness.registry import file_import as registry_import

    source = text if isinstance(text, dict) else io.StringIO(text)
    return getattr(registry_import, f"{kind}_import")(source, fmt=fmt)


def _export_csv(kind: str) -> str:
    from ungpho.preparedness.registry import file_export as registry_export

    out = io.StringIO()
    getattr(registry_export, f"{kind}_export_csv")(out)
    return out.getvalue()


def _export_geojson(kind: str) -> dict:
    from ungpho.preparedness.registry import file_export as registry_export

    return getattr(registry_export, f"{kind}_export_geojson")()


def _wipe() -> None:
    from ungpho.preparedness.models import Facility, HazardousChemical, RadioactiveSource

    HazardousChemical.objects.all().delete()
    RadioactiveSource.objects.all().delete()
    Facility.objects.all().delete()


def _codes() -> list[str]:
    from ungpho.preparedness.models import Facility

    return list(Facility.objects.order_by("code").values_list("code", flat=True))


def _serials() -> list[str]:
    from ungpho.preparedness.models import RadioactiveSource

    return list(RadioactiveSource.objects.order_by("serial").values_list("serial", flat=True))


def _problems(report) -> list[tuple]:
    return [(r.get("line", r.get("feature")), r["field"]) for r in report.rejected]


@pytest.fixture
def registry(db):
    """A hospital with a site boundary, zones, an override and two sources; a radiography
    company with a mobile source; a chemical store with two chemicals; a foreign plant."""
    from ungpho.preparedness.services import chemical_upsert, facility_upsert, source_register

    facility_upsert(code="bachmai", name="Bệnh viện Bạch Mai, \"Khoa Y học hạt nhân\"",
                    kind="nuclear_medicine", lat=21.0006, lon=105.8408, province_code="01",
                    licensee="Bệnh viện Bạch Mai", licence_number="GP-07",
                    licence_valid_until=dt.date(2030, 12, 31), address="78 Giải Phóng",
                    contact_24h="024 000 0115", last_inspection_on=dt.date(2026, 5, 4),
                    plan_status="approved", category_override="III",
                    override_reason="Thẩm định 2026; nhiều nguồn hở", boundary=SITE,
                    zone_radii_km={"PAZ": 0.5, "UPZ": 5.0}, sources_cited="bịa / invented")
    facility_upsert(code="ndt-hp", name="NDT Hải Phòng", kind="industrial_radiography",
                    lat=20.8449, lon=106.6881)
    facility_upsert(code="kho-dinhvu", name="Kho hóa chất Đình Vũ", kind="chemical_store",
                    lat=20.836, lon=106.752)
    facility_upsert(code="cn-fcg", name="Fangchenggang", kind="power_reactor", foreign=True,
                    country="CN", lat=21.67083, lon=108.55833, thermal_power_mw=3180.0)
    source_register(serial="CS-1", nuclide="Cs-137", activity="370 MBq",
                    reference_date=dt.date(2015, 3, 1), facility_code="bachmai",
                    device="Nguồn chuẩn, \"hộp chì\"")
    source_register(serial="MO-1", nuclide="Mo-99", activity="20 GBq",
                    reference_date=dt.date(2026, 11, 28), facility_code="bachmai",
                    sealed=False, status="in_storage")
    source_register(serial="IR-1", nuclide="Ir-192", activity="3.7 TBq",
                    reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp", mobile=True,
                    permitted_area=AREA)
    chemical_upsert(facility_code="kho-dinhvu", name="Amoniac khan (NH₃)", cas="7664-41-7",
                    max_quantity_kg=50_000, storage="Bồn áp lực 2 × 25 t")
    chemical_upsert(facility_code="kho-dinhvu", name="Clo lỏng (Cl₂)", cas="7782-50-5",
                    max_quantity_kg=12_000)


KINDS = ("facilities", "sources", "chemicals")


def test_csv_export_then_import_into_an_empty_registry_gives_the_same_registry(registry):
    exported = {kind: _export_csv(kind) for kind in KINDS}
    _wipe()
    reports = {kind: _import(kind, exported[kind]) for kind in KINDS}
    assert {k: (r.created, r.updated, r.rejected) for k, r in reports.items()} == {
        "facilities": (4, 0, []), "sources": (3, 0, []), "chemicals": (2, 0, [])}
    assert {kind: _export_csv(kind) for kind in KINDS} == exported
    row = next(csv.DictReader(io.StringIO(exported["facilities"])))
    assert (row["code"], row["province"], row["zone_radii_km"], row["category_override"],
            row["category_computed"]) == ("bachmai", "01", "PAZ=0.5; UPZ=5", "III", "IV")
    assert json.loads(row["boundary"]) == SITE
    sources = {r["serial"]: r for r in csv.DictReader(io.StringIO(exported["sources"]))}
    assert (sources["IR-1"]["activity"], sources["IR-1"]["mobile"], sources["IR-1"]["group"],
            json.loads(sources["IR-1"]["permitted_area"])) == ("3.7 TBq", "true", "2", AREA)
    assert sources["MO-1"]["status"] == "in_storage" and sources["MO-1"]["sealed"] == "false"


def test_geojson_export_then_import_into_an_empty_registry_gives_the_same_registry(
        registry, tmp_path):
    from ungpho.preparedness.registry import file_import as registry_import

    exported = {kind: _export_geojson(kind) for kind in KINDS}
    _wipe()
    for kind in KINDS:
        path = tmp_path / f"{kind}.geojson"
        path.write_text(json.dumps(exported[kind], ensure_ascii=False), encoding="utf-8")
        report = getattr(registry_import, f"{kind}_import")(path, fmt="geojson")
        assert (report.created, report.rejected) == (len(exported[kind]["features"]), [])
    assert {kind: _export_geojson(kind) for kind in KINDS} == exported
    bachmai = exported["facilities"]["features"][0]
    assert bachmai["geometry"] == {"type": "Point", "coordinates": [105.8408, 21.0006]}
    assert bachmai["properties"]["boundary"] == SITE
    assert bachmai["properties"]["zone_radii_km"] == {"PAZ": 0.5, "UPZ": 5.0}
    sources = {f["id"]: f for f in exported["sources"]["features"]}
    assert sources["IR-1"]["geometry"] == AREA and sources["IR-1"]["properties"][
        "facility"] == "ndt-hp"
    assert sources["CS-1"]["geometry"] == {"type": "Point", "coordinates": [105.8408, 21.0006]}


def test_export_gives_the_activity_decayed_to_the_day_and_the_group(registry):
    from ungpho.preparedness.registry.file_export import sources_export_csv

    out = io.StringIO()
    sources_export_csv(out, on=dt.date(2045, 3, 1))  # 30 years after: Cs-137 has halved
    row = next(r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["serial"] == "CS-1")
    assert float(row["activity_now_bq"]) == pytest.approx(370e6 / 2, rel=0.01)
    assert row["group"] == "5"


def test_read_only_columns_are_accepted_and_ignored(db):
    from ungpho.preparedness.models import Facility

    report = _import("facilities", "code,name,lat,lon,category_computed\n"
                                   "bachmai,Bạch Mai,21.0006,105.8408,I\n")
    assert (report.created, report.rejected) == (1, [])
    assert Facility.objects.get(code="bachmai").category_computed != "I"


@pytest.mark.parametrize(("cells", "field", "reason"), [
    ({"kind": "nuclear"}, "kind", "'nuclear' is not one of power_reactor"),
    ({"lat": "48.8566", "lon": "2.3522"}, "lat", "outside Vietnam"),
    ({"licence_valid_until": "2026-02-30"}, "licence_valid_until", "not a date"),
    ({"licence_valid_until": "31/12/2030"}, "licence_valid_until", "not a date YYYY-MM-DD"),
    ({"thermal_power_mw": "abc"}, "thermal_power_mw", "not a number: 'abc'"),
    ({"lat": "21,0006"}, "lat", "use a decimal point"),
    ({"name": ""}, "name", "required for a new facility"),
    ({"code": "BAD CODE"}, "code", "letters, digits, '-' and '_' only"),
])
def test_a_bad_facility_field_is_named_with_its_line_and_the_rows_around_it_are_saved(
        db, cells, field, reason):
    row = dict(zip(FACILITY_HEADER.split(","),
                   ["bad", "Cơ sở lỗi", "irradiator", "10.8", "106.7", "", ""], strict=True))
    row |= cells
    line = ",".join(f'"{v}"' if "," in v else v for v in row.values())
    report = _import("facilities", "\n".join([FACILITY_HEADER, GOOD_HN, line, GOOD_HP]))
    assert _problems(report) == [(3, field)]
    assert reason in report.rejected[0]["reason"]
    assert report.created == 2 and _codes() == ["bachmai", "ndt-hp"]


def test_every_bad_field_of_a_facility_row_is_reported_not_only_the_first(db):
    report = _import("facilities",
                     f"{FACILITY_HEADER}\nx,Cơ sở,nuclear,10.8,106.7,abc,2026-13-01\n")
    assert sorted(_problems(report)) == [(2, "kind"), (2, "licence_valid_until"),
                                         (2, "thermal_power_mw")]
    assert _codes() == []


def test_a_foreign_facility_needs_its_country_and_may_lie_outside_vietnam(db):
    report = _import("facilities", "code,name,kind,lat,lon,foreign,country\n"
                                   "cn-1,Nhà máy,power_reactor,21.67,108.56,true,CN\n"
                                   "cn-2,Nhà máy,power_reactor,21.67,108.56,true,\n"
                                   "cn-3,Nhà máy,power_reactor,21.67,108.56,maybe,CN\n")
    assert _problems(report) == [(3, "country"), (4, "foreign")]
    assert _codes() == ["cn-1"]


def test_an_empty_province_is_the_one_containing_the_point_and_a_wrong_one_is_refused(db):
    from ungpho.preparedness.models import Facility

    report = _import("facilities", "code,name,lat,lon,province\n"
                                   "hue,Cơ sở Huế,16.4637,107.5909,\n"
                                   "hn,Cơ sở Hà Nội,21.0285,105.8542,1\n"
                                   "sai,Cơ sở,21.0285,105.8542,79\n")
    assert _problems(report) == [(4, "province")]
    assert dict(Facility.objects.values_list("code", "province_id")) == {"hue": "46",
                                                                          "hn": "01"}


@pytest.mark.parametrize(("cells", "field", "reason"), [
    ("BAD,Cs-137,370,2015-03-01,bachmai,,", "activity", "has no unit"),
    ("BAD,Cs-137,370 MBq,,bachmai,,", "reference_date", "needs the date it was measured"),
    ("BAD,Xx-999,370 MBq,2015-03-01,bachmai,,", "nuclide", "unknown nuclide 'Xx-999'"),
    ("BAD,Cs-137,370 MBq,2015-03-01,nowhere,,", "facility", "no facility with code 'nowhere'"),
    (f"BAD,Cs-137,370 MBq,2015-03-01,bachmai,false,{AREA_CELL}", "permitted_area",
     "not both: set mobile"),
    ("BAD,Ir-192,3.7 TBq,2026-10-01,bachmai,true,", "permitted_area", "needs its permitted area"),
    ("BAD,Ir-192,3.7 TBq,2026-10-01,bachmai,true,{\"type\": \"Point\"}", "permitted_area",
     "must be a GeoJSON Polygon or MultiPolygon"),
    ("BAD,Cs-137,370 MBq,2015-03-01,bachmai,perhaps,", "mobile", "not true or false"),
])
def test_a_bad_source_field_is_named_with_its_line_and_the_rows_around_it_are_saved(
        db, cells, field, reason):
    _import("facilities", "\n".join([FACILITY_HEADER, GOOD_HN, GOOD_HP]))
    report = _import("sources", "\n".join([SOURCE_HEADER, GOOD_CS, cells, GOOD_CO]))
    assert _problems(report) == [(3, field)]
    assert reason in report.rejected[0]["reason"]
    assert report.created == 2 and _serials() == ["CO-1", "CS-1"]


def test_every_bad_field_of_a_source_row_is_reported_not_only_the_first(db):
    _import("facilities", "\n".join([FACILITY_HEADER, GOOD_HN]))
    report = _import("sources", f"{SOURCE_HEADER}\nX,Xx-999,370,2026-13-01,bachmai,,\n")
    assert sorted(_problems(report)) == [(2, "activity"), (2, "nuclide"),
                                         (2, "reference_date")]
    assert _serials() == []


def test_a_serial_already_at_another_facility_is_refused_and_the_source_stays_there(db):
    from ungpho.preparedness.models import RadioactiveSource

    _import("facilities", "\n".join([FACILITY_HEADER, GOOD_HN, GOOD_HP]))
    _import("sources", f"{SOURCE_HEADER}\n{GOOD_CS}\n")
    report = _import("sources", f"{SOURCE_HEADER}\n{GOOD_CO}\n"
                                "CS-1,Cs-137,370 MBq,2015-03-01,ndt-hp,,\n")
    assert _problems(report) == [(3, "facility")]
    assert "already at bachmai; transfer it there first" in report.rejected[0]["reason"]
    assert RadioactiveSource.objects.get(serial="CS-1").facility.code == "bachmai"
    assert report.created == 1


def test_a_serial_twice_in_the_file_refuses_the_later_row(db):
    _import("facilities", "\n".join([FACILITY_HEADER, GOOD_HN]))
    report = _import("sources", "\n".join([SOURCE_HEADER, GOOD_CS, GOOD_CS.replace("370",
                                                                                   "400")]))
    assert report.rejected == [{"line": 3, "field": "serial",
                                "reason": "duplicate: 'CS-1' is already on line 2"}]


def test_a_source_row_left_without_columns_keeps_the_rest_of_the_source(registry):
    from ungpho.preparedness.models import RadioactiveSource

    report = _import("sources", "serial,device\nIR-1,Máy mới\n")
    source = RadioactiveSource.objects.get(serial="IR-1")
    assert (report.updated, report.rejected) == (1, [])
    assert (source.device, source.mobile, source.permitted_area, source.facility.code,
            source.activity_bq) == ("Máy mới", True, AREA, "ndt-hp", 3.7e12)


@pytest.mark.parametrize(("cells", "field", "reason"), [
    ("kho,Amoniac,7664-41-8,50000,", "cas", "the check digit should be 7"),
    ("kho,Amoniac,7664417,50000,", "cas", "not a CAS number"),
    ("kho,Amoniac,7664-41-7,nhiều,", "max_quantity_kg", "not a number"),
    ("kho,Amoniac,7664-41-7,-5,", "max_quantity_kg", "is not a quantity in kg"),
    ("nowhere,Amoniac,7664-41-7,50000,", "facility", "no facility with code 'nowhere'"),
])
def test_a_bad_chemical_field_is_named_with_its_line_and_the_rows_around_it_are_saved(
        db, cells, field, reason):
    from ungpho.preparedness.models import HazardousChemical

    _import("facilities", "code,name,kind,lat,lon\nkho,Kho,chemical_store,20.836,106.752\n")
    report = _import("chemicals", "\n".join([
        "facility,name,cas,max_quantity_kg,storage", "kho,Clo,7782-50-5,12000,Bình 1 t",
        cells, "kho,Axit sunfuric,7664-93-9,3000,"]))
    assert _problems(report) == [(3, field)]
    assert reason in report.rejected[0]["reason"]
    assert sorted(HazardousChemical.objects.values_list("cas", flat=True)) == [
        "7664-93-9", "7782-50-5"]


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("zone_radii_km", "PAZ=3;XYZ=30", "unknown zone 'XYZ'"),
    ("zone_radii_km", "PAZ:3", "not ZONE=KM"),
    ("zone_radii_km", "PAZ=0", "must be above 0 km"),
    ("boundary", "{not json", "not GeoJSON"),
    ("boundary", '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], '
                 '[0, 0]]]}', "not a valid Polygon: Self-intersection"),
    ("plan_status", "done", "allowed: none, draft, submitted, approved"),
    ("category_override", "VI", "allowed: I, II, III, IV, V"),
])
def test_a_bad_zone_boundary_or_choice_keeps_the_whole_facility_out(db, column, value, reason):
    text = io.StringIO()
    csv.writer(text).writerows([["code", "name", "lat", "lon", column],
                                ["bachmai", "Bạch Mai", "21.0006", "105.8408", value]])
    report = _import("facilities", text.getvalue())
    assert _problems(report) == [(2, column)]
    assert reason in report.rejected[0]["reason"] and _codes() == []


def test_an_override_without_its_reason_is_refused(db):
    report = _import("facilities", "code,name,lat,lon,category_override\n"
                                   "bachmai,Bạch Mai,21.0006,105.8408,ii\n")
    assert _problems(report) == [(2, "override_reason")]


def test_a_row_failing_while_saving_is_rolled_back_whole(db, monkeypatch):
    from ungpho.preparedness import services

    def failing_refresh(*, facility, on=None):
        raise ValueError("rules: simulated failure")

    monkeypatch.setattr(services, "facility_category_refresh", failing_refresh)
    report = _import("facilities", "\n".join([FACILITY_HEADER, GOOD_HN]))
    assert report.rejected == [{"line": 2, "field": "row",
                                "reason": "not saved: rules: simulated failure"}]
    assert _codes() == []


def test_reimport_updates_and_audits_only_what_changed(registry):
    from ungpho.audit.models import AuditEntry

    exported = _export_csv("facilities")
    entries = AuditEntry.objects.count()
    again = _import("facilities", exported)
    assert (again.created, again.updated, again.rejected) == (0, 4, [])
    assert AuditEntry.objects.count() == entries


def test_header_problems_are_on_line_1(db):
    report = _import("facilities", "code,name,lat,lon,nmae\nbachmai,Bạch Mai,21.0006,105.8408,x\n")
    assert _problems(report) == [(1, "nmae")] and report.created == 1
    report = _import("chemicals", "facility,name,max_quantity_kg\nkho,Clo,1\n")
    assert report.rejected == [{"line": 1, "field": "cas",
                                "reason": "the header line has no 'cas' column"}]


def test_a_multi_line_quoted_address_does_not_shift_the_line_numbers(db):
    report = _import("facilities", 'code,name,lat,lon,address\n'
                                   'bachmai,Bạch Mai,21.0006,105.8408,"78 Giải Phóng\nHà Nội"\n'
                                   'x,Cơ sở,abc,105.8,\n')
    assert _problems(report) == [(4, "lat")]


def test_a_bad_geojson_feature_is_named_by_its_index(db):
    def feature(code, coordinates):
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coordinates},
                "properties": {"code": code, "name": code, "kind": "irradiator"}}

    doc = {"type": "FeatureCollection", "features": [
        feature("hn", [105.8542, 21.0285]), feature("paris", [2.3522, 48.8566]),
        {"type": "Feature", "geometry": None, "properties": {"code": "nowhere", "name": "x"}},
        feature("hue", [107.5909, 16.4637])]}
    report = _import("facilities", doc, fmt="geojson")
    assert _problems(report) == [(1, "lat"), (2, "geometry")]
    assert report.created == 2 and _codes() == ["hn", "hue"]


def test_a_geojson_source_with_an_area_but_not_mobile_is_refused(db):
    _import("facilities", "\n".join([FACILITY_HEADER, GOOD_HP]))

    def feature(serial, geometry, mobile):
        return {"type": "Feature", "geometry": geometry, "properties": {
            "serial": serial, "nuclide": "Ir-192", "activity": "3.7 TBq",
            "reference_date": "2026-10-01", "facility": "ndt-hp", "mobile": mobile}}

    doc = {"type": "FeatureCollection", "features": [
        feature("IR-1", AREA, True), feature("IR-2", AREA, False),
        feature("IR-3", {"type": "LineString", "coordinates": [[106.7, 20.8], [106.8, 20.9]]},
                True),
        feature("IR-4", {"type": "Point", "coordinates": [106.6881, 20.8449]}, False)]}
    report = _import("sources", doc, fmt="geojson")
    assert _problems(report) == [(1, "permitted_area"), (2, "geometry")]
    assert _serials() == ["IR-1", "IR-4"]


# -- the commands -----------------------------------------------------------------------------

def test_registry_commands_import_report_refusals_with_exit_1_and_export(env, tmp_path):
    facilities = tmp_path / "co-so.csv"
    facilities.write_text("\ufeff" + "\n".join([FACILITY_HEADER, GOOD_HN,
                                                "bad,Cơ sở,nuclear,21,105.8,,", GOOD_HP]),
                          encoding="utf-8")
    first = ungpho("facilities", "import", str(facilities), env=env, check=False)
    assert first.returncode == 1, first.stderr
    assert "dòng / line 3: kind: 'nuclear' is not one of" in first.stdout
    assert "Tạo mới / created: 2" in first.stdout
    sources = tmp_path / "nguon.csv"
    sources.write_text("\n".join([SOURCE_HEADER, GOOD_CS, "BAD,Cs-137,370,2015-03-01,,,"]),
                       encoding="utf-8")
    second = ungpho("sources", "import", str(sources), "--json", env=env, check=False)
    summary = json.loads(second.stdout)
    assert (second.returncode, summary["created"], summary["updated"]) == (1, 1, 0)
    assert summary["rejected"] == [{"line": 3, "field": "activity", "reason": summary[
        "rejected"][0]["reason"]}] and "has no unit" in summary["rejected"][0]["reason"]
    chemicals = ungpho("chemicals", "import", "-", "--json", env=env, check=False,
                       input="facility,name,cas,max_quantity_kg\nbachmai,Clo,7782-50-5,5\n")
    assert (chemicals.returncode, json.loads(chemicals.stdout)["created"]) == (0, 1)
    out = tmp_path / "nguon.geojson"
    ungpho("sources", "export", "--output", str(out), env=env)
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["id"] for f in features] == ["CS-1"]
    assert ungpho("sources", "import", str(out), env=env).returncode == 0
    exported = ungpho("facilities", "export", "--format", "csv", env=env).stdout
    assert exported.splitlines()[0] == ",".join(
        [*FACILITY_HEADER.split(",")[:3], "licensee", "licence_number", "licence_valid_until",
         "address", "province", "foreign", "country", "lat", "lon", "thermal_power_mw",
         "contact_24h", "last_inspection_on", "plan_status", "category_override",
         "override_reason", "zone_radii_km", "boundary", "sources_cited",
         "category_computed"])
    good = tmp_path / "good.csv"
    good.write_text(exported, encoding="utf-8")
    again = ungpho("facilities", "import", str(good), "--json", env=env)
    assert (json.loads(again.stdout)["updated"], again.returncode) == (2, 0)


def test_registry_import_of_a_missing_file_is_explained(env, tmp_path):
    result = ungpho("chemicals", "import", str(tmp_path / "none.csv"), env=env, check=False)
    assert result.returncode != 0 and "no such file" in result.stderr
    assert "Traceback" not in result.stderr
