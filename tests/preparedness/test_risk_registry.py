"""The risk registry's writes: categories from the rules engine, sources checked field by
field, a lost source on the duty desk, zones with their provinces and category V."""

import datetime as dt

import pytest

from ungpho.alerts.models import Notification
from ungpho.incidents.models import IncidentReport
from ungpho.preparedness.models import Facility, RadioactiveSource
from ungpho.preparedness.services import (
    RegistryError,
    cas_problem,
    chemical_upsert,
    facility_upsert,
    source_register,
    source_status_set,
)
from ungpho.preparedness.zones import category_v_areas, facility_zones

pytestmark = pytest.mark.django_db

DALAT = dict(code="lpu-dalat", name="Lò phản ứng hạt nhân Đà Lạt", kind="research_reactor",
             lat=11.9516, lon=108.4435, thermal_power_mw=0.5)
FANGCHENGGANG = dict(code="cn-fcg", name="Fangchenggang", kind="power_reactor", foreign=True,
                     country="CN", lat=21.67083, lon=108.55833, thermal_power_mw=3180)
RADIOGRAPHY = dict(code="ndt-hp", name="NDT Hải Phòng", kind="industrial_radiography",
                   lat=20.8449, lon=106.6881)
AREA = {"type": "Polygon", "coordinates": [[[106.66, 20.80], [106.80, 20.80], [106.80, 20.88],
                                            [106.66, 20.88], [106.66, 20.80]]]}


def _fields(error: RegistryError) -> set[str]:
    return {field for field, _ in error.problems}


def test_a_research_reactor_of_500_kw_is_category_iii_by_the_reactor_criterion():
    facility = facility_upsert(**DALAT)
    assert facility.province_id == "68"  # Lâm Đồng, from the coordinates
    assert facility.category == "III"
    matched = facility.category_decision["matched"]
    assert matched[0]["id"] == "reactor_2_mw_or_less"
    assert "TT 12/2023/TT-BKHCN, Phụ lục I" in matched[0]["citation"]


def test_a_foreign_power_plant_of_3180_mw_is_category_i_and_has_no_province():
    facility = facility_upsert(**FANGCHENGGANG)
    assert facility.province_id is None
    assert facility.category == "I"


def test_a_domestic_facility_outside_vietnam_is_refused_naming_the_field():
    with pytest.raises(RegistryError) as error:
        facility_upsert(**{**DALAT, "lat": 22.8, "lon": 108.3})  # Nanning, China
    assert _fields(error.value) == {"lat"}
    assert not Facility.objects.exists()


def test_a_foreign_facility_without_its_country_is_refused():
    with pytest.raises(RegistryError) as error:
        facility_upsert(**{**FANGCHENGGANG, "country": "VN"})
    assert _fields(error.value) == {"country"}


def test_an_override_of_the_category_needs_its_written_reason():
    with pytest.raises(RegistryError) as error:
        facility_upsert(**DALAT, category_override="II")
    assert _fields(error.value) == {"override_reason"}
    facility = facility_upsert(**DALAT, category_override="II",
                               override_reason="Kế hoạch tỉnh xếp nhóm II (thận trọng)")
    assert (facility.category, facility.category_computed) == ("II", "III")


def test_a_source_gets_its_a_over_d_and_group_and_raises_its_facility_to_category_iv():
    facility = facility_upsert(**RADIOGRAPHY)
    assert facility.category == ""
    source = source_register(serial="IR-1", nuclide="ir192", activity="3.7 TBq",
                             reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp")
    assert source.nuclide == "Ir-192"
    assert source.a_over_d == pytest.approx(3.7e12 / 0.08e12)  # D(Ir-192) = 0.08 TBq
    assert source.group == 2  # 10 ≤ A/D < 1000, QCVN 6:2010
    facility.refresh_from_db()
    assert facility.category == "IV"


@pytest.mark.parametrize(("changes", "fields"), [
    ({"activity": "3.7"}, {"activity"}),
    ({"reference_date": None}, {"reference_date"}),
    ({"nuclide": "Xx-999"}, {"nuclide"}),
    ({"permitted_area": AREA}, {"permitted_area"}),  # at a facility and in an area: not mobile
    ({"mobile": True}, {"permitted_area"}),
    ({"activity": "37 mSv", "nuclide": "Zz-1"}, {"activity", "nuclide"}),
])
def test_a_bad_source_is_refused_naming_every_field_at_fault_and_nothing_is_saved(changes,
                                                                                  fields):
    facility_upsert(**RADIOGRAPHY)
    good = dict(serial="IR-1", nuclide="Ir-192", activity="3.7 TBq",
                reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp")
    with pytest.raises(RegistryError) as error:
        source_register(**{**good, **changes})
    assert _fields(error.value) == fields
    assert not RadioactiveSource.objects.exists()


def test_a_source_already_at_another_facility_is_refused():
    facility_upsert(**RADIOGRAPHY)
    facility_upsert(**DALAT)
    source_register(serial="CO-1", nuclide="Co-60", activity="1 TBq",
                    reference_date=dt.date(2020, 1, 1), facility_code="lpu-dalat")
    with pytest.raises(RegistryError) as error:
        source_register(serial="CO-1", nuclide="Co-60", activity="1 TBq",
                        reference_date=dt.date(2020, 1, 1), facility_code="ndt-hp")
    assert _fields(error.value) == {"facility"}
    assert RadioactiveSource.objects.get().facility.code == "lpu-dalat"


def test_a_lost_source_opens_one_report_on_the_duty_desk_with_its_notifications(
        duty_officer):
    facility_upsert(**RADIOGRAPHY)
    source = source_register(serial="IR-1", nuclide="Ir-192", activity="3.7 TBq",
                             reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp",
                             mobile=True, permitted_area=AREA)
    source_status_set(source=source, status="lost", note="Mất khi vận chuyển")
    source_status_set(source=source, status="stolen")  # the same event: no second report
    report = IncidentReport.objects.get()
    assert (report.source, report.radioactive_source_id) == ("source", source.pk)
    assert report.province_id == "31"
    assert report.decision["category"] == "IV"
    assert 0 < report.decision["activity_bq"] < 3.7e12  # decayed since 2026-10-01
    assert Notification.objects.filter(report=report,
                                       recipient=duty_officer.email).exists()


def test_a_source_found_again_and_lost_again_opens_a_new_report_once_the_first_is_closed():
    facility_upsert(**RADIOGRAPHY)
    source = source_register(serial="IR-1", nuclide="Ir-192", activity="3.7 TBq",
                             reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp")
    source_status_set(source=source, status="lost")
    IncidentReport.objects.update(status="closed", close_reason="handled")
    source_status_set(source=source, status="found")
    source_status_set(source=source, status="lost")
    assert IncidentReport.objects.filter(status="open").count() == 1


def test_cas_numbers_are_checked_by_their_check_digit():
    assert cas_problem("7664-41-7") is None  # ammonia
    assert "check digit should be 7" in cas_problem("7664-41-1")
    assert "not a CAS number" in cas_problem("7664417")
    facility_upsert(**RADIOGRAPHY)
    with pytest.raises(RegistryError) as error:
        chemical_upsert(facility_code="ndt-hp", name="Amoniac", cas="7664-41-1",
                        max_quantity_kg=-1)
    assert _fields(error.value) == {"cas", "max_quantity_kg"}


def test_a_category_iii_reactor_has_no_zones_of_phu_luc_iv():
    zones, decision = facility_zones(facility_upsert(**DALAT))
    assert zones == []
    assert decision.result is None


def test_a_foreign_plant_without_published_radii_gets_phu_luc_iv_outer_radii():
    zones, _ = facility_zones(facility_upsert(**FANGCHENGGANG))
    assert [(z.zone, z.radius_km, z.basis) for z in zones] == [
        ("PAZ", 5.0, "reference"), ("UPZ", 30.0, "reference"), ("EPD", 100.0, "reference"),
        ("ICPD", 300.0, "reference")]
    assert zones[0].population.provinces == ()  # 54 km from the border
    epd = {p.code for p in zones[2].population.provinces}
    assert epd == {"22"}  # Quảng Ninh


def test_radii_chosen_by_the_plan_replace_the_reference_values():
    facility = facility_upsert(**FANGCHENGGANG, zone_radii_km={"UPZ": 20, "EPD": 80})
    zones = {z.zone: z for z in facility_zones(facility)[0]}
    assert (zones["UPZ"].radius_km, zones["UPZ"].basis) == (20, "plan")
    assert (zones["ICPD"].radius_km, zones["ICPD"].basis) == (300.0, "reference")


def test_category_v_lists_each_province_with_the_innermost_zone_that_reaches_it():
    facility_upsert(**FANGCHENGGANG)
    facility_upsert(**DALAT)  # domestic: never a reason for category V
    rows = {row.province_code: row for row in category_v_areas()}
    assert rows["22"].zone == "EPD"
    assert rows["01"].zone == "ICPD"  # Hà Nội lies within 300 km
    assert all(row.facility.code == "cn-fcg" for row in rows.values())
    assert rows["22"].people_inside > 0


def test_category_v_command_prints_the_provinces_as_json(capsys):
    import json

    from ungpho.cli import main

    facility_upsert(**FANGCHENGGANG)
    assert main(["facilities", "category-v", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    quang_ninh = next(r for r in rows if r["province"] == "22")
    assert (quang_ninh["facility"], quang_ninh["zone"], quang_ninh["basis"]) == (
        "cn-fcg", "EPD", "reference")
    assert quang_ninh["country"] == "CN"


def test_trackers_enable_command_prints_a_token_that_the_tracker_door_accepts(capsys):
    from ungpho.cli import main
    from ungpho.preparedness.trackers import source_by_tracker_token

    facility_upsert(**RADIOGRAPHY)
    source_register(serial="IR-1", nuclide="Ir-192", activity="3.7 TBq",
                    reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp", mobile=True,
                    permitted_area=AREA)
    assert main(["trackers", "enable", "IR-1", "--interval-s", "300"]) == 0
    token = capsys.readouterr().out.strip()
    assert source_by_tracker_token(token).serial == "IR-1"
    with pytest.raises(SystemExit, match="working_hours"):
        main(["trackers", "enable", "IR-1", "--interval-s", "300", "--working-hours", "7-17"])


def test_an_administrator_reports_a_source_lost_from_the_admin_and_it_reaches_the_desk(
        client, duty_officer):
    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert

    facility_upsert(**RADIOGRAPHY)
    source = source_register(serial="IR-1", nuclide="Ir-192", activity="3.7 TBq",
                             reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp")
    admin = user_upsert(username="quantri", password="mat-khau-dai-123",
                        role=Role.ADMINISTRATOR)
    client.force_login(admin)
    answer = client.post("/admin/preparedness/radioactivesource/",
                         {"action": "mark_lost", "_selected_action": [source.pk]})
    assert answer.status_code == 302
    source.refresh_from_db()
    assert source.status == "lost"
    client.force_login(duty_officer)
    desk = client.get("/duty/reports").content.decode()
    assert "IR-1" in desk
