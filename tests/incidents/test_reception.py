"""Calls on the duty desk (TT 12/2023/TT-BKHCN Phụ lục VIII.I): the answers checked field by
field, a report of its own with every answer, who received it and an audit entry, a
preliminary classification by the rules engine, the call form and the report API."""

import base64
import datetime as dt
import json

import pytest

from ungpho.alerts.models import Notification
from ungpho.audit.models import AuditEntry
from ungpho.core.rules.loader import rules_in_force
from ungpho.core.rules.reception import ReceptionError, reception_parse
from ungpho.core.vietnam_time import VIETNAM
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.reports.reception import report_receive
from ungpho.preparedness.services import facility_upsert, source_register, source_status_set

FORM = rules_in_force(dt.date(2026, 11, 21)).tables["reception_form"]
NOW = dt.datetime(2026, 11, 21, 1, 30, tzinfo=dt.UTC)  # 08:30 in Vietnam
CALL = {"caller_name": "Nguyễn Văn Bình", "caller_phone": "0912 345 678",
        "caller_category": "citizen", "call_time": "2026-11-21 08:05",
        "incident_location": "Bãi phế liệu phường Hồng Gai, Hạ Long",
        "incident_description": "Người thu mua phế liệu thấy vật kim loại lạ có ký hiệu phóng xạ",
        "public_affected": "yes", "call_verified": "no", "copies_to": ["dost", "command_board"],
        "province": "22"}


def _problems(call: dict) -> dict[str, str]:
    with pytest.raises(ReceptionError) as error:
        reception_parse(FORM, call, now=NOW)
    return dict(error.value.problems)


def test_every_missing_mandatory_field_is_named():
    problems = _problems({})
    assert set(problems) == {"incident_location", "incident_description", "call_time",
                             "caller_name", "province"}
    assert "telephone" in problems["caller_name"]


def test_a_caller_phone_alone_is_enough_to_know_who_called():
    call = {k: v for k, v in CALL.items() if k != "caller_name"}
    assert reception_parse(FORM, call, now=NOW)["caller_phone"] == "0912 345 678"


@pytest.mark.parametrize(("field", "value"), [
    ("call_time", "21/11/2026 8h"), ("call_time", "2026-11-21 09:00"),  # 09:00 is ahead
    ("caller_phone", "gọi lại sau"), ("caller_category", "journalist"),
    ("public_affected", "maybe"), ("copies_to", ["dost", "press"]), ("lat", "21,5"),
    ("occurred_at", "2026-11-21 08:10"),  # after the call
])
def test_a_bad_value_is_named_with_its_field(field, value):
    problems = _problems({**CALL, field: value, **({"lon": "107.1"} if field == "lat" else {})})
    assert list(problems) == [field]


def test_the_good_answers_are_read_as_vietnam_time_booleans_and_choices():
    answers = reception_parse(FORM, {**CALL, "copies_to": ["dost", "command_board"]}, now=NOW)
    assert answers["call_time"] == "2026-11-21T08:05:00+07:00"
    assert (answers["public_affected"], answers["call_verified"]) == (True, False)
    assert answers["copies_to"] == ["command_board", "dost"]  # the form's order
    assert "help_details" not in answers and answers["lat"] is None


def test_a_time_of_day_alone_is_today_in_vietnam():
    answers = reception_parse(FORM, {**CALL, "call_time": "08:05"}, now=NOW)
    assert answers["call_time"] == "2026-11-21T08:05:00+07:00"


def test_an_unknown_key_is_refused_by_name():
    assert list(_problems({**CALL, "caller_email": "a@b.vn"})) == ["caller_email"]


@pytest.fixture
def lost_ir192(db):
    facility_upsert(code="ndt-qn", name="Công ty NDT Quảng Ninh", kind="industrial_radiography",
                    lat=20.958, lon=107.08)
    source = source_register(serial="IR-0417", nuclide="Ir-192", activity="1.5 TBq",
                             reference_date=dt.date(2026, 11, 21), facility_code="ndt-qn")
    assert source.group == 2  # A/D = 1.5 / 0.08 = 18.75 (QCVN 6:2010 group 2)
    return source_status_set(source=source, status="lost")


@pytest.mark.django_db
def test_a_call_becomes_a_report_with_its_answers_receiver_and_audit_entry(duty_officer):
    report = report_receive(answers=CALL, by=duty_officer, now=NOW)
    report.refresh_from_db()
    assert (report.source, report.province_id, report.received_by) == ("call", "22", "trucban")
    assert report.first_information_at == dt.datetime(2026, 11, 21, 8, 5, tzinfo=VIETNAM)
    assert (report.lat, report.lon) == (20.958, 107.08)  # Quảng Ninh's centre
    assert report.reception["answers"]["caller_name"] == "Nguyễn Văn Bình"
    assert report.reception["form"] == "TT 12/2023/TT-BKHCN, Phụ lục VIII, mục I"
    entry = AuditEntry.objects.get(action="incident.report.receive")
    assert entry.object_id == str(report.pk) and entry.actor == "trucban"
    assert Notification.objects.filter(report=report).exists()


@pytest.mark.django_db
def test_a_refused_call_names_the_unknown_province_and_stores_nothing(duty_officer):
    with pytest.raises(IncidentError) as error:
        report_receive(answers={**CALL, "province": "99", "facility": "nowhere"},
                       by=duty_officer, now=NOW)
    assert dict(error.value.problems).keys() == {"province", "facility"}
    assert not IncidentReport.objects.exists() and not AuditEntry.objects.filter(
        action="incident.report.receive").exists()


@pytest.mark.django_db
def test_coordinates_in_another_province_are_named(duty_officer):
    with pytest.raises(IncidentError) as error:
        report_receive(answers={**CALL, "lat": "21.0285", "lon": "105.8542"},  # Hà Nội
                       by=duty_officer, now=NOW)
    assert [f for f, _ in error.value.problems] == ["lat"]


def test_a_call_about_a_lost_group_2_ir192_source_is_suggested_category_iv_level_2(
        duty_officer, lost_ir192):
    source_report = IncidentReport.objects.get(source="source")
    report = report_receive(answers={**CALL, "radioactive_source": "IR-0417"},
                            by=duty_officer, now=NOW)
    assert source_report.pk != report.pk  # the call is a report of its own
    suggestion = report.decision["suggestion"]
    assert suggestion["hazard_category"] == "IV"
    assert suggestion["decisions"]["source_group"]["result"] == 2
    level = suggestion["decisions"]["alarm_level"]
    assert level["result"]["rank"] == 2
    assert {c["id"] for c in level["matched"]} == {"cap2_information_unclear",
                                                   "cap2_group_1_2_out_of_control"}
    assert all(c["citation"].startswith("TT 12/2023/TT-BKHCN, Phụ lục III")
               for c in level["matched"])
    assert suggestion["decisions"]["incident_scope"]["result"]["scope"] == "provincial"
    # Found, then lost again: the register adds to the source's own report, not the call's.
    source_status_set(source=lost_ir192, status="found")
    source_status_set(source=lost_ir192, status="lost")
    assert len(IncidentReport.objects.get(pk=source_report.pk).evidence) == 2
    assert IncidentReport.objects.get(pk=report.pk).evidence == []


def test_the_report_page_shows_the_suggestion_with_its_citations(client, duty_officer,
                                                                 lost_ir192):
    report = report_receive(answers={**CALL, "radioactive_source": "IR-0417"},
                            by=duty_officer, now=NOW)
    client.force_login(duty_officer)
    page = client.get(f"/duty/reports/{report.pk}/").content.decode()
    assert "Phụ lục III, mục 2, Cấp 2" in page and "Nguyễn Văn Bình" in page
    assert 'data-suggested="hazard_category">IV<' in page
    desk = client.get("/duty/").content.decode()
    assert f'href="/duty/reports/{report.pk}/"' in desk and "Cấp 2" in desk


@pytest.mark.django_db
def test_the_call_form_renders_every_field_of_the_table_with_its_citation(client,
                                                                          duty_officer):
    client.force_login(duty_officer)
    page = client.get("/duty/reports/new").content.decode()
    for section in FORM.sections:
        for field in section.fields:
            assert f'name="{field.id}"' in page, field.id
    assert page.count("Phụ lục VIII, mục I.B") >= 14
    assert 'id="f-caller_name" name="caller_name" value="" autofocus' in page
    assert 'name="receiver_name" value="trucban"' in page


@pytest.mark.django_db
def test_the_call_form_names_what_is_missing_and_keeps_what_was_typed(client, duty_officer):
    client.force_login(duty_officer)
    response = client.post("/duty/reports/new", {
        "caller_name": "Trần Thị C", "caller_phone": "abc", "incident_location": "Cảng Cái Lân",
        "call_time": "2026-11-21 08:05", "copies_to": ["dost"], "public_affected": "yes"})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'href="#f-incident_description"' in page and 'href="#f-province"' in page
    assert 'id="e-caller_phone"' in page and 'href="#f-caller_phone"' in page
    assert 'value="Trần Thị C"' in page and 'value="Cảng Cái Lân"' in page
    assert 'value="dost" checked' in page and '<option value="yes" selected>' in page
    assert 'id="f-caller_phone" name="caller_phone" value="abc" type="tel" autocomplete="off"' \
           ' autofocus' in page
    assert not IncidentReport.objects.exists()


@pytest.mark.django_db
def test_the_call_form_saves_and_shows_the_report(client, duty_officer):
    client.force_login(duty_officer)
    response = client.post("/duty/reports/new", CALL)
    report = IncidentReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/duty/reports/{report.pk}/"


def _basic(user="trucban", password="mat-khau-dai-123"):  # noqa: S107 - the fixture's
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(
        f"{user}:{password}".encode()).decode()}


def _post(client, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/incidents/reports", data, content_type="application/json",
                       **headers)


def test_the_api_enters_lists_and_shows_a_call(client, duty_officer, lost_ir192):
    call = {**CALL, "call_time": "2026-11-21T01:05:00Z", "public_affected": True,
            "call_verified": False, "radioactive_source": "IR-0417"}
    response = _post(client, call, **_basic())
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["code"].startswith("SC-") and created["source"] == "call"
    assert created["first_information_at"] == "2026-11-21T01:05:00+00:00"
    assert created["decision"]["suggestion"]["hazard_category"] == "IV"
    listed = client.get("/api/v1/incidents/reports?status=open", **_basic()).json()["reports"]
    assert created["id"] in [r["id"] for r in listed]
    assert {r["source"] for r in listed} == {"call", "source"}
    one = client.get(f"/api/v1/incidents/reports/{created['id']}", **_basic()).json()
    assert one["reception"]["answers"]["caller_phone"] == "0912 345 678"
    assert client.get("/api/v1/incidents/reports?status=closed", **_basic()).json() == {
        "reports": []}


@pytest.mark.django_db
def test_the_api_names_every_field_at_fault(client, duty_officer):
    response = _post(client, {"caller_phone": "x", "call_time": "soon"}, **_basic())
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["caller_phone", "call_time", "incident_location",
                      "incident_description", "province"]
    assert _post(client, "{not json", **_basic()).status_code == 400
    assert _post(client, [CALL], **_basic()).status_code == 400
    assert client.get("/api/v1/incidents/reports?status=maybe", **_basic()).status_code == 422
    assert client.get("/api/v1/incidents/reports/999", **_basic()).status_code == 404
    assert _post(client, CALL).status_code == 401
    assert not IncidentReport.objects.exists()


@pytest.mark.django_db
def test_a_station_account_may_not_enter_reports(client):
    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert

    user_upsert(username="tram", password="mat-khau-dai-123", email="t@x.vn", role=Role.STATION)
    response = _post(client, CALL, **_basic("tram"))
    assert response.status_code == 403 and response.json()["errors"][0]["field"] == "user"


@pytest.mark.django_db
def test_a_provincial_board_enters_calls_of_its_own_province_only():
    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert

    board = user_upsert(username="bch.qn", password="mat-khau-dai-123", email="q@x.vn",
                        role=Role.PROVINCIAL_COMMAND, province_code="22")
    assert report_receive(answers=CALL, by=board, now=NOW).province_id == "22"
    with pytest.raises(IncidentError) as error:
        report_receive(answers={**CALL, "province": "01"}, by=board, now=NOW)
    assert [f for f, _ in error.value.problems] == ["province"]


def test_a_call_time_written_day_first_is_read_as_vietnam_time():
    answers = reception_parse(FORM, {**CALL, "call_time": "21/11/2026 08:05"}, now=NOW)
    assert answers["call_time"] == "2026-11-21T08:05:00+07:00"


@pytest.mark.django_db
def test_a_bad_call_time_is_refused_in_vietnamese_beside_its_field(client, duty_officer):
    client.force_login(duty_officer)
    answer = client.post("/duty/reports/new", {**CALL, "call_time": "31/12/2026 25:00"})
    assert answer.status_code == 422 and IncidentReport.objects.count() == 0
    page = answer.content.decode()
    assert "không phải ngày giờ: hãy viết dd/mm/yyyy HH:MM" in page
    assert "is not a" not in page
