"""The incident and station lists and the header's search, through the Django test client on
the real database: filters, scoping, pagination, errors beside a bad filter, hostile input,
and Vietnamese names found without their diacritics (SQLite's registered function and
PostgreSQL's TRANSLATE alike)."""

import datetime as dt

import pytest

from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.core.text_fold import fold_map, folded
from ungpho.incidents.models import Incident
from ungpho.monitoring.models import Station
from ungpho.monitoring.services import station_upsert
from ungpho.platform.lists import PER_PAGE
from ungpho.preparedness.services import facility_upsert

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-dai-123"


def _signed_in(client, username, role, **scope):
    user = user_upsert(username=username, password=PASSWORD, role=role, **scope)
    client.force_login(user)
    return user


@pytest.fixture
def incidents(duty_officer):
    """Four incidents: Hà Nội (category III, level 2, open), Quảng Ninh (IV, level 1,
    closed), a Hà Nội drill, and a Quảng Ninh one opened on 05/11/2026."""
    hanoi = incident_from_call(duty_officer, province="01")
    closed = incident_from_call(duty_officer, province="22", lat=21.45, lon=107.75)
    drill = incident_from_call(duty_officer, province="01", exercise=True)
    november = incident_from_call(duty_officer, province="22", lat=21.45, lon=107.75)
    Incident.objects.filter(pk=hanoi.pk).update(hazard_category="III", alarm_level=2,
                                                title="Rò rỉ hóa chất <b>Hải Hà</b>")
    Incident.objects.filter(pk=closed.pk).update(hazard_category="IV", alarm_level=1,
                                                 status=Incident.Status.CLOSED)
    Incident.objects.filter(pk=november.pk).update(
        opened_at=dt.datetime(2026, 11, 5, 3, 0, tzinfo=dt.UTC))  # 10:00 in Vietnam
    return {name: Incident.objects.get(pk=i.pk) for name, i in
            (("hanoi", hanoi), ("closed", closed), ("drill", drill), ("november", november))}


def _listed(response) -> set[str]:
    return {i.code for i in response.context["page"].object_list}


def test_the_incident_list_filters_by_province_category_level_status_and_exercise(
        client, incidents):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    assert _listed(client.get("/incidents/")) == {i.code for i in incidents.values()}
    assert _listed(client.get("/incidents/?province=22")) == {
        incidents["closed"].code, incidents["november"].code}
    assert _listed(client.get("/incidents/?hazard_category=III")) == {incidents["hanoi"].code}
    assert _listed(client.get("/incidents/?alarm_level=1")) == {incidents["closed"].code}
    assert _listed(client.get("/incidents/?status=closed")) == {incidents["closed"].code}
    assert _listed(client.get("/incidents/?exercise=yes")) == {incidents["drill"].code}
    assert incidents["drill"].code not in _listed(client.get("/incidents/?exercise=no"))


def test_the_period_is_read_as_vietnamese_dates_and_includes_its_last_day(client, incidents):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    november = incidents["november"].code
    assert _listed(client.get("/incidents/?opened_from=05/11/2026&opened_to=05/11/2026")) \
        == {november}
    assert _listed(client.get("/incidents/?opened_from=2026-11-01&opened_to=2026-11-04")) \
        == set()
    assert november not in _listed(client.get("/incidents/?opened_from=06/11/2026"))


def test_bad_filters_are_named_in_vietnamese_beside_them_and_the_others_still_apply(
        client, incidents):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    response = client.get("/incidents/?province=99&opened_from=31/13/2026&opened_to=abc"
                          "&hazard_category=VI&status=closed")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không có tỉnh, thành phố: 99." in html
    assert html.count("Hãy viết ngày theo dạng dd/mm/yyyy.") == 2
    assert "VI không có trong danh sách lựa chọn." in html
    assert _listed(response) == {incidents["closed"].code}


def test_a_period_ending_before_it_starts_is_refused(client, incidents):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    html = client.get("/incidents/?opened_from=10/11/2026&opened_to=01/11/2026"
                      ).content.decode()
    assert "Ngày kết thúc trước ngày bắt đầu." in html


def test_a_provincial_board_lists_only_its_provinces_incidents(client, incidents):
    _signed_in(client, "bch.qn", Role.PROVINCIAL_COMMAND, province_code="22")
    assert _listed(client.get("/incidents/")) == {incidents["closed"].code,
                                                  incidents["november"].code}
    assert _listed(client.get("/incidents/?province=01")) == set()


def test_the_closed_list_leads_to_the_list_filtered_with_the_final_report(client, incidents):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    response = client.get("/incidents/closed/")
    assert response.status_code == 302 and response["Location"] == "/incidents/?status=closed"
    html = client.get(response["Location"]).content.decode()
    assert f'data-incident="{incidents["closed"].code}"' in html
    assert f'data-incident="{incidents["hanoi"].code}"' not in html


def test_html_in_a_title_is_shown_as_text(client, incidents):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    html = client.get("/incidents/").content.decode()
    assert "&lt;b&gt;Hải Hà&lt;/b&gt;" in html and "<b>Hải Hà</b>" not in html


@pytest.fixture
def many_stations(db):
    """PER_PAGE + 5 Quảng Ninh stations, one named Hải Hà, and one in Hà Nội."""
    for n in range(PER_PAGE + 5):
        station_upsert(code=f"QN-AIR-{n:03d}", name="Trạm quan trắc Hải Hà" if n == 7 else
                       f"Trạm không khí Quảng Ninh số {n}", province_code="22", lat=21.0,
                       lon=107.0, type=Station.Type.AMBIENT_AIR)
    station_upsert(code="HN-GAMMA-09", name="Trạm phóng xạ <script>x</script>",
                   province_code="01", lat=21.0, lon=105.8)
    Station.objects.filter(code="QN-AIR-003").update(state=Station.State.EXCEEDING)


def test_the_station_list_is_paginated_with_counts(client, many_stations):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    first = client.get("/stations/")
    assert len(first.context["page"].object_list) == PER_PAGE
    html = first.content.decode()
    assert f"1–{PER_PAGE} trên {PER_PAGE + 6} kết quả" in html and "?page=2" in html
    assert len(client.get("/stations/?page=2").context["page"].object_list) == 6


def test_hostile_page_numbers_give_the_first_or_last_page(client, many_stations):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    huge = client.get("/stations/?page=99999999999999999999999999")
    assert huge.status_code == 200 and huge.context["page"].number == 2
    for bad in ("-1", "abc", "1e9", "%00"):
        response = client.get(f"/stations/?page={bad}")
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert response.context["page"].number in (1, 2)


def test_the_station_list_filters_by_province_type_and_state(client, many_stations):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    assert [s.code for s in client.get("/stations/?province=01").context["page"]] == [
        "HN-GAMMA-09"]
    assert [s.code for s in client.get("/stations/?type=radiation").context["page"]] == [
        "HN-GAMMA-09"]
    assert [s.code for s in client.get("/stations/?state=exceeding").context["page"]] == [
        "QN-AIR-003"]
    html = client.get("/stations/?type=reactor&state=burning").content.decode()
    assert html.count("không có trong danh sách lựa chọn") == 2


def test_a_station_is_found_by_its_name_typed_without_diacritics(client, many_stations):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    for typed in ("hai ha", "HẢI HÀ", "Hai Hà", "qn-air-007"):
        found = [s.code for s in client.get("/stations/", {"q": typed}).context["page"]]
        assert found == ["QN-AIR-007"], typed


def test_a_provincial_board_lists_only_its_stations(client, many_stations):
    _signed_in(client, "bch.hn", Role.PROVINCIAL_COMMAND, province_code="01")
    response = client.get("/stations/")
    assert [s.code for s in response.context["page"]] == ["HN-GAMMA-09"]
    html = response.content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html


def test_the_fold_map_folds_as_python_does():
    source, target = fold_map()
    assert len(source) == len(target)
    assert all(folded(s) == t for s, t in zip(source, target, strict=True))
    assert folded("Đình Vũ, Hải Phòng") == "dinh vu, hai phong"


@pytest.fixture
def searchable(duty_officer, many_stations):
    from ungpho.incidents.models import IncidentReport

    facility_upsert(code="dinh-vu-chem", name="Công ty Hóa chất Đình Vũ", province_code="22",
                    lat=20.85, lon=106.78)
    incident = incident_from_call(duty_officer, province="22", lat=21.45, lon=107.75)
    return {"incident": incident, "report": IncidentReport.objects.get(incident=incident)}


def test_an_exact_reference_leads_straight_to_it(client, searchable):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    incident, report = searchable["incident"], searchable["report"]
    assert client.get("/search/", {"q": incident.code.lower()})["Location"] == \
        f"/incidents/{incident.pk}/"
    assert client.get("/search/", {"q": f" {report.code} "})["Location"] == \
        f"/duty/reports/{report.pk}/"
    assert client.get("/search/", {"q": "QN-AIR-007"})["Location"] == "/stations/QN-AIR-007/"
    assert client.get("/search/", {"q": "dinh-vu-chem"})["Location"] == \
        "/facilities/dinh-vu-chem/"


def test_a_reference_of_another_year_or_number_finds_nothing(client, searchable):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    incident = searchable["incident"]
    year = incident.opened_at.year
    for q in (f"UP-{year - 1}-{incident.pk:05d}", f"UP-{year}-999999999"):
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200 and response.context["groups"] == []


def test_names_give_a_results_page_grouped_by_kind(client, searchable):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    response = client.get("/search/", {"q": "dinh vu"})
    [facilities] = response.context["groups"]
    assert [h["url"] for h in facilities["hits"]] == ["/facilities/dinh-vu-chem/"]
    assert "Công ty Hóa chất Đình Vũ" in response.content.decode()
    response = client.get("/search/", {"q": "tram"})
    [stations] = response.context["groups"]
    assert len(stations["hits"]) == 20 and stations["more"]


def test_search_is_scoped(client, searchable):
    _signed_in(client, "bch.hn", Role.PROVINCIAL_COMMAND, province_code="01")
    incident = searchable["incident"]  # in Quảng Ninh
    response = client.get("/search/", {"q": incident.code})
    assert response.status_code == 200 and response.context["groups"] == []
    assert client.get("/search/", {"q": "QN-AIR-007"}).context["groups"] == []


def test_hostile_search_input_is_harmless(client, searchable):
    _signed_in(client, "tb", Role.NATIONAL_DUTY)
    for q in ("%", "_", "' OR 1=1 --", "<script>alert(1)</script>", "x" * 10_000,
              "hai\x00ha"):
        response = client.get("/search/", {"q": q})
        assert response.status_code in (200, 400), q
    html = client.get("/search/", {"q": "<i>x</i>"}).content.decode()
    assert "&lt;i&gt;x&lt;/i&gt;" in html and "<i>x</i>" not in html


def test_the_header_has_the_search_box_and_the_list_links(client, duty_officer):
    client.force_login(duty_officer)
    html = client.get("/duty/").content.decode()
    assert 'action="/search/"' in html and 'href="/incidents/"' in html
    assert 'href="/stations/"' in html
    assert 'href="/stations/?state=exceeding"' in client.get("/map/").content.decode()
