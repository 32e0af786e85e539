"""Values the database cannot hold never reach it (issue 20, findings 4, 5 and 8): a time far
outside the accepted window, a number too long for Python or a double, a body that cannot be
read or is too large are each refused at the door with the field named, and the good data
beside them is kept; a row that an older version stored anyway no longer takes its pages
down. Each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.faults.models import DeadLetter
from ungpho.incidents.models import IncidentReport, IncidentTask
from ungpho.monitoring.models import Reading, RejectedLine

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-dai-123"
GOOD_TIME = "2026-11-21T10:05:00+07:00"


def _basic(username: str = "trucban") -> dict:
    token = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _readings(client, body, token, content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/api/v1/readings", data=data, content_type=content_type,
                       headers={"Authorization": f"Bearer {token}"} if token else {})


def _item(minute: int, value="0.12", time=None) -> str:
    """One reading as JSON text, ``value`` written as given (so a 400-digit integer can be)."""
    return (f'{{"parameter": "GammaDR", "time": "{time or f"2026-11-21T10:{minute:02d}:00+07:00"}",'
            f' "value": {value}, "unit": "µSv/h"}}')


def _errors(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
def incident(duty_officer):
    return incident_from_call(duty_officer)


# -- finding 5: a batch with one bad value keeps its good readings -----------------------------

@pytest.mark.parametrize(("bad", "field", "why"), [
    (_item(5, time="9999-12-31T23:59:59-01:00"), "readings[1].time", "outside the times"),
    (_item(5, time="0001-01-01T00:00:00+07:00"), "readings[1].time", "outside the times"),
    (_item(5, value="9" * 400), "readings[1].value", "400 digits"),
    (_item(5, value="9" * 5000), "readings[1].value", "not a finite number"),
    (_item(5, value="1e999"), "readings[1].value", "not a finite number"),
], ids=["year-9999", "year-1", "400-digits", "5000-digits", "1e999"])
def test_a_batch_with_one_value_the_database_cannot_hold_stores_the_good_ones(
        client, gamma_station, bad, field, why):
    body = f'{{"station": "HN-GAMMA-01", "readings": [{_item(0)}, {bad}, {_item(10)}]}}'
    response = _readings(client, body, gamma_station.token)
    assert response.status_code == 207, response.content
    answer = response.json()
    assert answer["stored"] == 2
    assert [(r["index"], r["field"]) for r in answer["rejected"]] == [(1, field)]
    assert why in answer["rejected"][0]["message"]
    assert Reading.objects.filter(station=gamma_station.station).count() == 2
    kept = RejectedLine.objects.get()
    assert (kept.field, kept.line_no) == (field, 1)


def test_a_station_that_is_not_text_is_named_station_not_readings_none(client,
                                                                         gamma_station):
    response = _readings(client, {"station": 5, "readings": [json.loads(_item(0))]},
                         gamma_station.token)
    assert [r["field"] for r in response.json()["rejected"]] == ["station"]
    assert response.json()["stored"] == 1


# -- a body the door cannot read: 400 naming the body, kept as a dead letter ------------------

@pytest.mark.parametrize(("body", "why"), [
    (b"{\"readings\": [", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"[" * 100_000, "nested too deeply"),
], ids=["not-json", "not-utf8", "nested-100000"])
def test_a_body_the_door_cannot_read_is_400_naming_the_body_and_kept(client, gamma_station,
                                                                     body, why):
    response = _readings(client, body, gamma_station.token)
    assert response.status_code == 400
    assert why in _errors(response)["body"]
    letter = DeadLetter.objects.get()
    assert (letter.door, letter.source, letter.field) == ("http", "http:HN-GAMMA-01", "body")
    assert bytes(letter.payload) == body and why in letter.reason


def test_an_unreadable_body_without_a_valid_token_is_refused_and_not_kept(client,
                                                                          gamma_station):
    response = _readings(client, b"[" * 100_000, "not-a-token")
    assert response.status_code == 401
    assert not DeadLetter.objects.exists()


def test_a_kept_body_is_stored_when_retried_after_the_fix(client, gamma_station):
    from ungpho.faults.doors import deadletter_retry

    _readings(client, b"{", gamma_station.token)
    letter = DeadLetter.objects.get()
    DeadLetter.objects.filter(pk=letter.pk).update(  # what the operator's fix amounts to
        payload=f'{{"readings": [{_item(0)}]}}'.encode())
    letter.refresh_from_db()
    assert deadletter_retry(letter) == (True, "stored 1, duplicates 0, rejected 0")
    assert Reading.objects.count() == 1


# -- bodies over the limit: the API's JSON shape, 413, the limit named ------------------------

@pytest.mark.parametrize("url", ["/api/v1/readings", "/api/v1/incidents/reports",
                                 "/api/v1/trackers/positions"])
def test_a_body_over_the_limit_is_413_in_the_apis_shape_naming_the_limit(client, settings,
                                                                         gamma_station, url):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"readings": [json.loads(_item(0))] * 200})
    assert len(body) > 10_000
    response = client.post(url, data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {gamma_station.token}"})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "limit of 10000 bytes" in _errors(response)["body"]


def test_a_body_over_djangos_default_limit_is_413_json_not_an_html_400(client, gamma_station):
    body = b'{"readings": [' + b", ".join([_item(0).encode()] * 30_000) + b"]}"
    assert len(body) > 2_621_440
    response = _readings(client, body, gamma_station.token)
    assert response.status_code == 413
    assert "limit of 2621440 bytes" in _errors(response)["body"]


# -- finding 5: overflowing dates elsewhere -----------------------------------------------------

@pytest.mark.parametrize("call_time", ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-01:00",
                                       "0001-01-01 00:00"])
def test_a_call_time_far_outside_the_window_is_refused_naming_it(client, duty_officer,
                                                                  call_time):
    response = client.post("/api/v1/incidents/reports", data=json.dumps({
        "caller_name": "Nguyễn Văn A", "call_time": call_time,
        "incident_location": "Bãi phế liệu", "incident_description": "Thấy vật lạ",
        "province": "01"}), content_type="application/json", **_basic())
    assert response.status_code == 422, response.content
    assert "outside the times" in _errors(response)["call_time"]
    assert not IncidentReport.objects.exists()


@pytest.mark.parametrize("path", ["series?parameter=GammaDR&", "readings.csv?"])
@pytest.mark.parametrize(("name", "value"), [
    ("since", "0001-01-01T00:00:00%2B07:00"), ("until", "9999-12-31T23:59:59-01:00"),
    ("since", "-999999-01-01T00:00:00Z")])
def test_since_and_until_outside_the_window_are_refused_naming_them(client, gamma_station,
                                                                     duty_officer, path, name,
                                                                     value):
    response = client.get(f"/api/v1/monitoring/{path}station=HN-GAMMA-01&{name}={value}",
                          **_basic())
    assert response.status_code == 422, response.content
    assert response.json()["detail"].startswith(f"{name}: ")


@pytest.mark.parametrize(("lat", "lon"), [("NaN", "105"), ("inf", "105"), ("21", "-inf"),
                                          ("9" * 400, "105")])
def test_a_point_that_is_not_finite_is_refused_naming_it(client, lat, lon):
    response = client.get(f"/api/v1/geo/province-at?lat={lat}&lon={lon}")
    assert response.status_code == 422
    assert set(_errors(response)) <= {"lat", "lon"}


# -- finding 4: a BC due time is refused, and a stored one no longer breaks the incident -------

def _incident_pages(client, incident) -> list[int]:
    client.force_login(_officer())
    return [client.get(f"/incidents/{incident.pk}/").status_code,
            client.get(f"/api/v1/incidents/{incident.pk}/tasks", **_basic()).status_code,
            client.get(f"/incidents/{incident.pk}/report.pdf").status_code,
            client.get(f"/api/v1/incidents/{incident.pk}/report.pdf", **_basic()).status_code]


def _officer():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="trucban")


@pytest.mark.parametrize("due_at", ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-05:00",
                                    "2100-01-01T00:00:00+00:00"])
def test_a_task_due_far_outside_the_window_is_refused_and_the_incident_still_opens(
        client, incident, due_at):
    response = client.post(f"/api/v1/incidents/{incident.pk}/tasks", data=json.dumps(
        {"title": "Kiểm tra bãi phế liệu", "due_at": due_at}), content_type="application/json",
        **_basic())
    assert response.status_code == 422, response.content
    assert "outside the times" in _errors(response)["due_at"]
    assert not IncidentTask.objects.exists()
    assert _incident_pages(client, incident) == [200, 200, 200, 200]


def test_the_task_form_refuses_a_due_time_of_year_1_in_vietnamese(client, incident):
    client.force_login(_officer())
    page = client.post(f"/incidents/{incident.pk}/response/tasks",
                       {"title": "Đo suất liều", "due_at": "0001-01-01T00:00"}, follow=True)
    assert page.status_code == 200
    assert "Thời hạn: 0001-01-01T00:00:00+07:00 nằm ngoài khoảng thời gian hệ thống chấp nhận " \
           "(1900-01-01 … 2100-01-01)" in page.content.decode()
    assert not IncidentTask.objects.exists()


def test_a_task_due_in_1_bc_stored_before_the_fix_does_not_break_the_incident(
        client, incident, on_postgresql):
    task = IncidentTask.objects.create(incident=incident, title="Việc cũ",
                                       created_at=dt.datetime.now(dt.UTC), created_by="x")
    with on_postgresql.cursor() as cursor:  # what the earlier version let through
        cursor.execute("UPDATE incidents_incidenttask SET due_at = %s WHERE id = %s",
                       ["0001-01-01T00:00:00+07:00", task.pk])
    assert _incident_pages(client, incident) == [200, 200, 200, 200]
    listed = client.get(f"/api/v1/incidents/{incident.pk}/tasks", **_basic()).json()["tasks"]
    assert listed[0]["due_at"] == "0001-01-02T00:00:00+00:00"  # the earliest readable day
    repaired = client.patch(f"/api/v1/incidents/{incident.pk}/tasks/{task.pk}",
                            data=json.dumps({"version": 1, "due_at": "2031-01-01T08:00+07:00"}),
                            content_type="application/json", **_basic())
    assert repaired.status_code == 200 and repaired.json()["due_at"].startswith("2031-01-01")


# -- finding 8: a NUL in an address is refused before any query, in the user's language ----------

@pytest.mark.parametrize("url", ["/ack/%00", "/public/alerts/%00/", "/public/alerts/%00.xml",
                                 "/stations/x/?lang=%00"])
def test_a_nul_in_an_anonymous_address_is_400_in_the_users_language(client, url):
    vietnamese = client.get(url)
    assert vietnamese.status_code == 400
    assert "chứa ký tự \\x00" in vietnamese.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url)
    assert english.status_code == 400 and "contains \\x00" in english.content.decode()


# -- finding 8, build item 5: the engine's checks for every write --------------------------------

FACTS = {"hazard_category": "IV", "event": {"information_clear": False}}


@pytest.mark.parametrize(("choice", "field"), [
    ({"alarm_level": 99}, "alarm_level"), ({"alarm_level": -1}, "alarm_level"),
    ({"alarm_level": 0}, "alarm_level"), ({"hazard_category": "Z"}, "hazard_category"),
    ({"hazard_category": "IV", "alarm_level": 10 ** 30}, "alarm_level"),
    ({"scope": "planetary"}, "scope")])
def test_a_classification_outside_the_instruments_tables_is_refused(client, incident, choice,
                                                                      field):
    response = client.post(f"/api/v1/incidents/{incident.pk}/classification",
                           data=json.dumps({"facts": FACTS, "reason": "thử", **choice}),
                           content_type="application/json", **_basic())
    assert response.status_code == 422, response.content
    assert field in _errors(response)
    assert not incident.classifications.exists()


def test_a_level_of_the_categorys_own_scale_is_accepted(client, incident):
    response = client.post(f"/api/v1/incidents/{incident.pk}/classification",
                           data=json.dumps({"facts": FACTS, "alarm_level": 3,
                                            "reason": "nguồn bị mất"}),
                           content_type="application/json", **_basic())
    assert response.status_code == 201
    assert response.json()["alarm_level"] == 3


@pytest.fixture
def outsider(db):
    """The command board of another province (Hải Phòng): outside a Hà Nội incident."""
    return user_upsert(username="haiphong", password=PASSWORD, role=Role.PROVINCIAL_COMMAND,
                       province_code="31")


def test_a_task_cannot_be_given_to_someone_outside_the_incidents_scope(client, incident,
                                                                        outsider):
    url = f"/api/v1/incidents/{incident.pk}/tasks"
    response = client.post(url, data=json.dumps({"title": "Đo suất liều", "owner": "haiphong"}),
                           content_type="application/json", **_basic())
    assert response.status_code == 422
    assert "not among the people" in _errors(response)["owner"]
    by_id = client.post(url, data=json.dumps({"title": "Đo suất liều", "owner": outsider.pk}),
                        content_type="application/json", **_basic())
    assert by_id.status_code == 422
    client.force_login(_officer())
    client.post(f"/incidents/{incident.pk}/response/tasks",
                {"title": "Đo suất liều", "owner": outsider.pk})
    assert not IncidentTask.objects.exists()


def test_a_role_cannot_be_given_to_someone_outside_the_incidents_scope(client, incident,
                                                                        outsider):
    response = client.post(f"/api/v1/incidents/{incident.pk}/roles", data=json.dumps(
        {"role": "commander", "user": "haiphong"}), content_type="application/json",
        **_basic())
    assert response.status_code == 422
    assert "not among the people" in _errors(response)["user"]
    client.force_login(_officer())
    client.post(f"/incidents/{incident.pk}/roles", {"role": "commander", "user": outsider.pk})
    assert not incident.roles.exists()


# -- schema values: text, numbers and versions the columns can hold -----------------------------

@pytest.mark.parametrize(("body", "field"), [
    ({"title": "a\u0000b"}, "title"), ({"title": "\ud800"}, "title"),
    ({"title": "x" * 301}, "title"), ({"title": "t", "owner": "a\u0000"}, "owner")])
def test_task_text_the_database_cannot_hold_is_refused_naming_it(client, incident, body, field):
    response = client.post(f"/api/v1/incidents/{incident.pk}/tasks", data=json.dumps(body),
                           content_type="application/json", **_basic())
    assert response.status_code == 422
    assert field in _errors(response)


def test_facts_with_text_the_database_cannot_hold_are_refused_by_their_path(client, incident):
    plant = {"name": "Phòng\u0000thành", "country": "CN", "hazard_category": "I",
             "distance": "200 km"}
    response = client.post(f"/api/v1/incidents/{incident.pk}/classification",
                           data=json.dumps({"facts": {"hazard": {"foreign_facilities": [plant]}}}),
                           content_type="application/json", **_basic())
    assert response.status_code == 422
    assert "facts.hazard.foreign_facilities[0].name" in _errors(response)
    assert not incident.classifications.exists()
