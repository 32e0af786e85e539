"""The risk-registry pages (facility register, facility page, source register) and their
read API (facility layer, zones, category V), through the Django test client on a real
database."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings

from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.preparedness.models import RadioactiveSource
from ungpho.preparedness.services import facility_upsert, source_register, source_status_set
from ungpho.preparedness.zones import facility_zones

PASSWORD = "mat-khau-dai-123"
#: Ir-192's half-life, LNE-LNHB/DDEP recommended data (core/science/data/half_lives.yaml).
IR192_HALF_LIFE_D = 73.827
IR192_REFERENCE = dt.date(2026, 1, 10)
#: One half-life after the reference date (taken at 00:00 UTC): 3.7 TBq has become 1.85 TBq.
ONE_HALF_LIFE_LATER = dt.datetime.combine(IR192_REFERENCE, dt.time(), dt.UTC) \
    + dt.timedelta(days=IR192_HALF_LIFE_D)


@pytest.fixture
def registry(db):
    """A Hà Nội hospital (Cs-137, category IV), a Quảng Ninh radiography company (Ir-192,
    expired licence), a Hà Nội irradiator set by hand to II, and Fangchenggang (CN, 3180 MW,
    category I, whose zones reach northern Vietnam)."""
    facility_upsert(code="hn-hospital", name="Bệnh viện Thử nghiệm Hà Nội",
                    kind="nuclear_medicine", lat=21.0006, lon=105.8408,
                    licensee="Bệnh viện Thử nghiệm", licence_number="GP-YHHN-07",
                    licence_valid_until=dt.date(2030, 1, 1), contact_24h="024 3869 3731",
                    contacts=[{"name": "Nguyễn Văn B", "role": "Phụ trách an toàn",
                               "phone": "0912 345 678", "email": "b@bv.example"}],
                    plan_status="approved")
    facility_upsert(code="qn-ndt", name="Công ty Chụp ảnh phóng xạ Quảng Ninh",
                    kind="industrial_radiography", lat=20.95, lon=107.08,
                    licensee="Công ty NDT Hạ Long", licence_number="GP-CBCN-22",
                    licence_valid_until=dt.date(2020, 6, 30))
    facility_upsert(code="hn-irradiator", name="Trung tâm Chiếu xạ Hà Nội", kind="irradiator",
                    lat=21.05, lon=105.80, category_override="II",
                    override_reason="Biên bản thẩm định an toàn số 12/2026: suất liều cao")
    facility_upsert(code="cn-fangchenggang", name="Nhà máy điện hạt nhân Phòng Thành Cảng",
                    kind="power_reactor", foreign=True, country="CN", lat=21.67083,
                    lon=108.55833, thermal_power_mw=3180)
    source_register(serial="CS137-0021", nuclide="Cs-137", activity="370 MBq",
                    reference_date=dt.date(2015, 3, 1), facility_code="hn-hospital")
    source_register(serial="IR192-0417", nuclide="Ir-192", activity="3.7 TBq",
                    reference_date=IR192_REFERENCE, facility_code="qn-ndt")




def _signed_in(client, username, role, **scope):
    user_upsert(username=username, password=PASSWORD, role=role, **scope)
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def national(client, registry):
    return _signed_in(client, "trucban", Role.NATIONAL_DUTY)


def _codes(response) -> set[str]:
    return set(re.findall(r'<tr data-facility="([^"]+)"', response.content.decode()))


def _row(html: str, attribute: str, value: str) -> str:
    match = re.search(rf'<tr[^>]*{attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', html,
                      flags=re.S)
    assert match, f"no row {attribute}={value}"
    return match.group(0)


def _section(html: str, zone: str) -> str:
    match = re.search(rf'<section class="zone" data-zone="{zone}">(.*?)</section>', html,
                      flags=re.S)
    assert match, f"no zone section {zone}"
    return match.group(1)


# --------------------------------------------------------------------- register


@pytest.mark.django_db
def test_the_register_asks_an_anonymous_visitor_to_sign_in(client, registry):
    for url in ("/facilities/", "/facilities/hn-hospital/", "/sources/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_national_duty_officer_sees_every_facility(national):
    response = national.get("/facilities/")
    assert response.status_code == 200
    assert _codes(response) == {"hn-hospital", "qn-ndt", "hn-irradiator", "cn-fangchenggang"}
    html = response.content.decode()
    assert re.search(r'<input[^>]* name="q"[^>]* autofocus', html)  # the page's search field


@pytest.mark.django_db
@pytest.mark.parametrize("query, expected", [
    ("category=I", {"cn-fangchenggang"}),
    ("category=II", {"hn-irradiator"}),
    ("category=IV", {"hn-hospital", "qn-ndt"}),
    ("province=22", {"qn-ndt"}),
    ("kind=industrial_radiography", {"qn-ndt"}),
    ("foreign=yes", {"cn-fangchenggang"}),
    ("foreign=no", {"hn-hospital", "qn-ndt", "hn-irradiator"}),
    ("q=GP-CBCN", {"qn-ndt"}),  # licence number
    ("q=Bệnh viện Thử", {"hn-hospital"}),  # licensee / name
    ("q=fangcheng", {"cn-fangchenggang"}),  # code
    ("province=01&category=IV", {"hn-hospital"}),
])
def test_register_filters_are_get_parameters(national, query, expected):
    assert _codes(national.get(f"/facilities/?{query}")) == expected


@pytest.mark.django_db
def test_htmx_gets_the_table_alone(national):
    response = national.get("/facilities/?category=I", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and _codes(response) == {"cn-fangchenggang"}


@pytest.mark.django_db
def test_register_rows_mark_the_override_and_the_expired_licence(national):
    html = national.get("/facilities/").content.decode()
    irradiator = _row(html, "data-facility", "hn-irradiator")
    assert 'data-category="II"' in irradiator and "xác định thủ công" in irradiator
    assert "xác định thủ công" not in _row(html, "data-facility", "hn-hospital")
    expired = _row(html, "data-facility", "qn-ndt")
    assert 'class="expired"' in expired and "2020-06-30" in expired
    assert 'class="expired"' not in _row(html, "data-facility", "hn-hospital")
    assert '<a href="/facilities/hn-hospital/">' in html


@pytest.mark.django_db
def test_a_provincial_board_sees_its_province_and_every_foreign_facility(client, registry):
    _signed_in(client, "bch.hn", Role.PROVINCIAL_COMMAND, province_code="01")
    assert _codes(client.get("/facilities/")) == {"hn-hospital", "hn-irradiator",
                                                  "cn-fangchenggang"}
    assert client.get("/facilities/qn-ndt/").status_code == 404
    assert client.get("/facilities/cn-fangchenggang/").status_code == 200
    sources = client.get("/sources/").content.decode()
    assert "CS137-0021" in sources and "IR192-0417" not in sources
    layer = client.get("/api/v1/preparedness/facilities.geojson").json()
    assert {f["properties"]["code"] for f in layer["features"]} == {
        "hn-hospital", "hn-irradiator", "cn-fangchenggang"}
    assert client.get("/api/v1/preparedness/facilities/qn-ndt/zones.geojson").status_code \
        == 404


@pytest.mark.django_db
def test_a_facility_operator_sees_its_own_facility_only(client, registry):
    _signed_in(client, "coso.hn", Role.FACILITY_OPERATOR, facility_codes=("hn-hospital",))
    assert _codes(client.get("/facilities/")) == {"hn-hospital"}
    assert client.get("/facilities/cn-fangchenggang/").status_code == 404
    assert client.get("/api/v1/preparedness/category-v").json() == {"areas": []}


# --------------------------------------------------------------------- facility page


@pytest.mark.django_db
def test_the_facility_page_shows_its_summary_with_a_tel_link(national):
    html = national.get("/facilities/hn-hospital/").content.decode()
    for expected in ("Bệnh viện Thử nghiệm", "GP-YHHN-07", "2030-01-01",
                     '<a class="tel" href="tel:02438693731">024 3869 3731</a>',
                     "Nguyễn Văn B", 'href="tel:0912345678"', "mailto:b@bv.example",
                     "đã phê duyệt"):
        assert expected in html


@pytest.mark.django_db
def test_the_facility_page_cites_the_criterion_of_its_category(national):
    html = national.get("/facilities/cn-fangchenggang/").content.decode()
    assert "nhóm nguy cơ I" in html
    assert "TT 12/2023/TT-BKHCN, Phụ lục I, Nhóm nguy cơ I" in html
    assert "Lò phản ứng với công suất ≥ 100 MW (th)" in html
    national.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = national.get("/facilities/cn-fangchenggang/").content.decode()
    assert "Reactor of ≥ 100 MW(th)" in html and "category I" in html
    assert "TT 12/2023/TT-BKHCN, Phụ lục I, Nhóm nguy cơ I" in html  # the law's own words


@pytest.mark.django_db
def test_the_facility_page_lists_missing_facts_and_the_override_with_its_reason(national):
    html = national.get("/facilities/hn-hospital/").content.decode()
    assert "Cơ sở › Khả năng phát tán" in html  # a fact the register lacks, by its label
    assert "hazard.facility.release_potential" not in html  # never its key
    html = national.get("/facilities/hn-irradiator/").content.decode()
    assert "Xác định thủ công là II" in html
    assert "Biên bản thẩm định an toàn số 12/2026: suất liều cao" in html


@pytest.mark.django_db
def test_the_zone_tables_list_the_provinces_and_people_inside(national, registry):
    from ungpho.preparedness.models import Facility

    html = national.get("/facilities/cn-fangchenggang/").content.decode()
    zones, _ = facility_zones(Facility.objects.get(code="cn-fangchenggang"))
    assert [z.zone for z in zones] == ["PAZ", "UPZ", "EPD", "ICPD"]
    for zone in zones:
        section = _section(html, zone.zone)
        assert f"{zone.radius_km:g} km" in section
        assert "giá trị tham khảo của Phụ lục IV" in section  # no plan: the reference value
        assert "Mật độ đều theo diện tích" in section  # the population method
        for province in zone.population.provinces:
            row = _row(section, "data-province", province.code)
            assert province.name_vi in row and f'data-people="{province.people}"' in row
        if zone.population.provinces:
            assert f'data-people="{zone.population.people_total}"' in section
        else:  # PAZ and UPZ lie in China and the sea
            assert "không bao trùm tỉnh, thành phố nào của Việt Nam" in section
    icpd = _section(html, "ICPD")
    assert "Thành phố Hà Nội" in icpd
    assert zones[-1].population.people_total == sum(
        p.people for p in zones[-1].population.provinces) > 1_000_000
    # Category V: Quảng Ninh lies in the EPD (100 km), Hà Nội in the ICPD only.
    category_v = html.split('id="category-v"')[1].split("</table>")[0]
    assert "EPD (100 km)" in _row(category_v, "data-province", "22")
    assert "ICPD (300 km)" in _row(category_v, "data-province", "01")


@pytest.mark.django_db
def test_a_category_iv_facility_has_no_zones(national):
    html = national.get("/facilities/hn-hospital/").content.decode()
    assert '<section class="zone"' not in html
    assert "Phụ lục IV chỉ quy định các vùng cho nhóm nguy cơ I và II" in html


@pytest.mark.django_db
def test_the_activity_shown_is_decay_corrected_to_today(national):
    with time_machine.travel(ONE_HALF_LIFE_LATER, tick=False):
        html = national.get("/facilities/qn-ndt/").content.decode()
        listed = national.get("/sources/").content.decode()
    row = _row(html, "data-source", "IR192-0417")
    assert 'id="source-IR192-0417"' in row
    assert "1,85 TBq" in row  # today, one half-life on
    assert "3,7 TBq" in row and "2026-01-10" in row  # the reference value and date
    assert "1,85 TBq" in _row(listed, "data-source", "IR192-0417")


@pytest.mark.django_db
def test_a_lost_source_is_marked_in_both_registers(national):
    source_status_set(source=RadioactiveSource.objects.get(serial="IR192-0417"),
                      status="lost")
    row = _row(national.get("/facilities/qn-ndt/").content.decode(), "data-source",
               "IR192-0417")
    assert 'class="lost"' in row and "bị mất" in row
    assert 'class="lost"' in _row(national.get("/sources/").content.decode(), "data-source",
                                  "IR192-0417")


# --------------------------------------------------------------------- source register


@pytest.mark.django_db
@pytest.mark.parametrize("query, expected", [
    ("", {"CS137-0021", "IR192-0417"}),
    ("nuclide=Ir-192", {"IR192-0417"}),
    ("facility=hn-hospital", {"CS137-0021"}),
    ("status=in_use", {"CS137-0021", "IR192-0417"}),
    ("status=lost", set()),
    ("group=2", {"IR192-0417"}),  # 3.7 TBq / D 0.08 TBq ≈ 46 (QCVN 6:2010: group 2)
])
def test_the_source_register_filters(national, query, expected):
    with time_machine.travel(dt.datetime(2026, 1, 20, tzinfo=dt.UTC), tick=False):
        html = national.get(f"/sources/?{query}").content.decode()
    assert set(re.findall(r'data-source="([^"]+)"', html)) == expected


@pytest.mark.django_db
def test_a_source_links_to_its_place_on_the_facility_page(national):
    html = national.get("/sources/").content.decode()
    assert 'href="/facilities/qn-ndt/#source-IR192-0417"' in html


# --------------------------------------------------------------------- API


@pytest.mark.django_db
def test_the_facility_layer_is_geojson_with_category_and_url(national):
    layer = national.get("/api/v1/preparedness/facilities.geojson").json()
    by_code = {f["properties"]["code"]: f for f in layer["features"]}
    plant = by_code["cn-fangchenggang"]
    assert plant["geometry"] == {"type": "Point", "coordinates": [108.55833, 21.67083]}
    assert plant["properties"].items() >= {
        "name": "Nhà máy điện hạt nhân Phòng Thành Cảng", "kind": "power_reactor",
        "category": "I", "foreign": True, "country": "CN",
        "url": "/facilities/cn-fangchenggang/"}.items()
    assert by_code["hn-irradiator"]["properties"]["category"] == "II"
    assert by_code["hn-irradiator"]["properties"]["category_set_by_hand"] is True


@pytest.mark.django_db
def test_the_api_needs_a_login_and_accepts_http_basic(client, registry):
    url = "/api/v1/preparedness/facilities.geojson"
    assert client.get(url).status_code == 401
    user_upsert(username="may", password=PASSWORD, role=Role.NATIONAL_DUTY)
    token = base64.b64encode(f"may:{PASSWORD}".encode()).decode()
    response = client.get(url, HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 200 and len(response.json()["features"]) == 4


@pytest.mark.django_db
def test_the_zones_endpoint_gives_the_four_circles_innermost_first(national):
    zones = national.get(
        "/api/v1/preparedness/facilities/cn-fangchenggang/zones.geojson").json()
    properties = [f["properties"] for f in zones["features"]]
    assert [(p["zone"], p["radius_km"], p["basis"]) for p in properties] == [
        ("PAZ", 5.0, "reference"), ("UPZ", 30.0, "reference"),
        ("EPD", 100.0, "reference"), ("ICPD", 300.0, "reference")]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in zones["features"])
    assert properties[3]["people"] == sum(p["people"] for p in properties[3]["provinces"])
    assert national.get("/api/v1/preparedness/facilities/hn-hospital/zones.geojson").json() \
        == {"type": "FeatureCollection", "features": []}
    assert national.get("/api/v1/preparedness/facilities/nowhere/zones.geojson").status_code \
        == 404


@pytest.mark.django_db
def test_the_foreign_zones_layer_holds_the_zones_of_foreign_category_i_plants(national):
    layer = national.get("/api/v1/preparedness/foreign-zones.geojson").json()
    assert [(f["properties"]["facility"], f["properties"]["zone"])
            for f in layer["features"]] == [("cn-fangchenggang", z)
                                            for z in ("PAZ", "UPZ", "EPD", "ICPD")]


@pytest.mark.django_db
def test_category_v_lists_the_provinces_the_foreign_zones_reach(national):
    areas = national.get("/api/v1/preparedness/category-v").json()["areas"]
    by_province = {a["province"]: a for a in areas}
    assert by_province["22"].items() >= {"facility": "cn-fangchenggang", "zone": "EPD",
                                         "radius_km": 100.0, "facility_category": "I",
                                         "country": "CN"}.items()
    assert by_province["01"]["zone"] == "ICPD" and by_province["01"]["people_inside"] > 0
    assert [a["province"] for a in areas] == sorted(a["province"] for a in areas)
