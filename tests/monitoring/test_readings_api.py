import datetime as dt
import json

import pytest

from ungpho.alerts.models import Notification
from ungpho.incidents.models import IncidentReport
from ungpho.monitoring.models import Reading

pytestmark = pytest.mark.django_db


def _post(client, body, token):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/readings", data=data, content_type="application/json",
                       headers=headers)


def _item(minute, value):
    return {"parameter": "GammaDR", "time": f"2026-11-21T10:{minute:02d}:00+07:00",
            "value": value, "unit": "µSv/h"}


def test_a_good_batch_is_stored_and_answered_201(client, gamma_station):
    response = _post(client, {"station": "HN-GAMMA-01",
                              "readings": [_item(0, 0.12), _item(5, 0.13)]}, gamma_station.token)
    assert response.status_code == 201
    assert response.json()["stored"] == 2
    assert Reading.objects.filter(station=gamma_station.station).count() == 2


def test_a_resent_batch_changes_nothing(client, gamma_station):
    body = {"readings": [_item(0, 0.12)]}
    _post(client, body, gamma_station.token)
    response = _post(client, body, gamma_station.token)
    assert response.status_code == 200
    assert response.json()["duplicates"] == 1
    assert Reading.objects.count() == 1


def test_a_batch_with_bad_items_keeps_the_good_ones_and_names_the_fields(client, gamma_station):
    response = _post(client, {"readings": [
        _item(0, 0.12), {**_item(5, 0.1), "value": "cao"}, {**_item(10, 0.1), "unit": "mg/m3"},
        {**_item(15, 0.1), "parameter": "PM2,5"}]}, gamma_station.token)
    assert response.status_code == 207
    fields = [r["field"] for r in response.json()["rejected"]]
    assert fields == ["readings[1].value", "readings[2].unit", "readings[3].parameter"]
    assert Reading.objects.count() == 1


def test_a_batch_with_only_bad_items_is_422(client, gamma_station):
    response = _post(client, {"readings": [{"parameter": "GammaDR"}]}, gamma_station.token)
    assert response.status_code == 422
    assert response.json()["rejected"][0]["field"] == "readings[0].time"


@pytest.mark.parametrize("token, field", [("", "Authorization"), ("ung_wrong", "Authorization")])
def test_a_missing_or_bad_token_is_401_naming_the_header(client, gamma_station, token, field):
    response = _post(client, {"readings": [_item(0, 0.1)]}, token)
    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == field
    assert Reading.objects.count() == 0


def test_invalid_json_is_400_naming_the_body(client, gamma_station):
    response = _post(client, '{"readings": [', gamma_station.token)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"


def test_an_unknown_station_is_404_naming_the_station(client, gamma_station):
    response = _post(client, {"station": "XX-01", "readings": [_item(0, 0.1)]},
                     gamma_station.token)
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "station"


def test_a_single_value_above_the_level_opens_no_report(client, gamma_station, duty_officer):
    response = _post(client, {"readings": [_item(0, 0.2), _item(5, 0.8), _item(10, 0.2)]},
                     gamma_station.token)
    assert response.json()["incidents_opened"] == []
    assert not IncidentReport.objects.exists()


def test_a_confirmed_exceedance_opens_one_report_and_queues_its_emails(client, gamma_station,
                                                                      duty_officer):
    response = _post(client, {"readings": [_item(0, 0.2), _item(5, 0.8), _item(10, 0.7)]},
                     gamma_station.token)
    assert len(response.json()["incidents_opened"]) == 1
    report = IncidentReport.objects.get()
    assert report.province_id == "01" and report.peak_value == 0.8
    assert report.decision["limit"] == 0.5 and report.decision["level"] == 1
    assert report.decision["confirm_count"] == 2
    queued = Notification.objects.get()
    assert queued.recipient == "trucban@x.vn" and queued.status == Notification.Status.PENDING
    assert "SC-" in queued.subject and "vượt ngưỡng" in queued.subject


def test_further_exceedances_update_the_open_report_instead_of_opening_another(
        client, gamma_station, duty_officer):
    _post(client, {"readings": [_item(0, 0.8), _item(5, 0.85)]}, gamma_station.token)
    response = _post(client, {"readings": [_item(10, 1.3), _item(15, 0.9)]},
                     gamma_station.token)
    assert response.json()["incidents_opened"] == []
    report = IncidentReport.objects.get()
    assert report.peak_value == 1.3 and report.latest_value == 0.9
    assert [e["value"] for e in report.evidence] == [0.85, 1.3, 0.9]
    assert Notification.objects.count() == 1


def test_a_confirmed_exceedance_notifies_the_stations_province_and_not_another(
        client, gamma_station, duty_officer):
    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert

    user_upsert(username="bch.hanoi", password="mat-khau-dai-123", email="bch@hanoi.vn",
                role=Role.PROVINCIAL_COMMAND, province_code="01")
    user_upsert(username="bch.hue", password="mat-khau-dai-123", email="bch@hue.vn",
                role=Role.PROVINCIAL_COMMAND, province_code="46")
    _post(client, {"readings": [_item(0, 0.8), _item(5, 0.9)]}, gamma_station.token)
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {"trucban@x.vn", "bch@hanoi.vn"}


def test_a_reading_from_the_future_is_flagged_and_does_not_hide_later_ones(
        client, gamma_station, duty_officer):
    from ungpho.monitoring.models import Series

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    future = {"parameter": "GammaDR", "time": (now + dt.timedelta(days=300)).isoformat(),
              "value": 0.1}
    _post(client, {"readings": [future]}, gamma_station.token)
    recent = [{"parameter": "GammaDR", "time": (now - dt.timedelta(minutes=m)).isoformat(),
               "value": v} for m, v in ((10, 0.8), (5, 0.9))]
    response = _post(client, {"readings": recent}, gamma_station.token)
    assert len(response.json()["incidents_opened"]) == 1
    assert Series.objects.get().last_value == 0.9
    assert Reading.objects.get(value=0.1).flags & 128  # Flag.FUTURE
