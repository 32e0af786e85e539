"""Mobile-source trackers: positions over HTTP (a real server) and MQTT (a real broker), and
their alerts on the duty desk."""

import datetime as dt
import json
import urllib.request

import pytest

from tests.conftest import mqtt_publish, wait_until
from ungpho.incidents.models import IncidentReport
from ungpho.preparedness.models import RadioactiveSource, TrackerPosition
from ungpho.preparedness.services import RegistryError, facility_upsert, source_register
from ungpho.preparedness.trackers import tracker_enable, trackers_silence_check

AREA = {"type": "Polygon", "coordinates": [[[106.66, 20.80], [106.80, 20.80], [106.80, 20.88],
                                            [106.66, 20.88], [106.66, 20.80]]]}
ICT = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def tracked(db):
    """A mobile Ir-192 source of a Hải Phòng radiography company with a tracker."""
    facility_upsert(code="ndt-hp", name="NDT Hải Phòng", kind="industrial_radiography",
                    lat=20.8449, lon=106.6881)
    source = source_register(serial="IR-1", nuclide="Ir-192", activity="3.7 TBq",
                             reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp",
                             mobile=True, permitted_area=AREA)
    token = tracker_enable(source=source, interval_s=300, working_hours="07:00-17:30")
    return RadioactiveSource.objects.get(pk=source.pk), token


def _position(hour, minute, lat=20.84, lon=106.70):
    return {"time": dt.datetime(2026, 11, 21, hour, minute, tzinfo=ICT).isoformat(),
            "lat": lat, "lon": lon}


def _post(base_url, token, body):
    request = urllib.request.Request(
        f"{base_url}/api/v1/trackers/positions", data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.mark.django_db(transaction=True)
def test_a_source_leaving_its_area_opens_one_report_on_the_duty_desk(live_server, tracked):
    _, token = tracked
    status, answer = _post(live_server.url, token, {"positions": [_position(9, 0)]})
    assert (status, answer["alerts"]) == (201, [])
    status, answer = _post(live_server.url, token, {"positions": [
        _position(9, 5, lat=20.95), _position(9, 10, lat=20.97)]})
    assert (status, answer["alerts"]) == (201, ["outside_area"])
    report = IncidentReport.objects.get()
    assert (report.source, report.decision["alert"]) == ("tracker", "outside_area")
    assert report.lat == pytest.approx(20.97)
    _post(live_server.url, token, {"positions": [_position(9, 15, lat=20.98)]})
    assert IncidentReport.objects.count() == 1  # still astray: the same alert, no new one


@pytest.mark.django_db(transaction=True)
def test_a_resent_batch_changes_nothing_and_bad_positions_are_named(live_server, tracked):
    _, token = tracked
    body = {"positions": [_position(9, 0), {"time": "yesterday", "lat": 20.8, "lon": 106.7},
                          {"time": _position(9, 1)["time"], "lat": 95, "lon": 106.7}]}
    status, answer = _post(live_server.url, token, body)
    assert status == 207
    assert [(r["index"], r["field"]) for r in answer["rejected"]] == [(1, "time"), (2, "lat")]
    status, answer = _post(live_server.url, token, body)
    assert (answer["stored"], answer["duplicates"]) == (0, 1)
    assert TrackerPosition.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_forged_token_is_refused(live_server, tracked):
    status, answer = _post(live_server.url, "ung_forged", {"positions": [_position(9, 0)]})
    assert status == 401
    assert answer["errors"][0]["field"] == "Authorization"


@pytest.mark.django_db
def test_a_move_outside_working_hours_raises_its_alert(tracked):
    from ungpho.preparedness.trackers import positions_ingest

    source, _ = tracked
    result = positions_ingest(source=source, body={"positions": [_position(21, 30)]},
                              via="http")
    assert result.alerts == ["outside_hours"]
    assert IncidentReport.objects.get().decision["alert"] == "outside_hours"


@pytest.mark.django_db
def test_a_silent_tracker_raises_one_alert_and_a_new_report_clears_it(tracked):
    from ungpho.preparedness.trackers import positions_ingest

    source, _ = tracked
    positions_ingest(source=source, body={"positions": [_position(9, 0)]}, via="http")
    last = dt.datetime(2026, 11, 21, 9, 0, tzinfo=ICT)
    assert trackers_silence_check(now=last + dt.timedelta(minutes=19)) == 0
    assert trackers_silence_check(now=last + dt.timedelta(minutes=21)) == 1
    assert trackers_silence_check(now=last + dt.timedelta(minutes=40)) == 0  # raised once
    report = IncidentReport.objects.get()
    assert report.decision["alert"] == "silent"
    positions_ingest(source=source, body={"positions": [_position(10, 0)]}, via="http")
    source.refresh_from_db()
    assert source.tracker_alerts == []


@pytest.mark.django_db
def test_only_a_mobile_source_gets_a_tracker(tracked):
    fixed = source_register(serial="CS-1", nuclide="Cs-137", activity="10 GBq",
                            reference_date=dt.date(2020, 1, 1), facility_code="ndt-hp")
    with pytest.raises(RegistryError) as error:
        tracker_enable(source=fixed, interval_s=0, working_hours="7-17")
    assert {f for f, _ in error.value.problems} == {"mobile", "interval_s", "working_hours"}


@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_positions_published_over_mqtt_are_stored_and_judged(mqtt_ingest, tracked):
    _, token = tracked
    _, config = mqtt_ingest
    mqtt_publish(config, "ungpho/trackers/IR-1/positions",
                 {"token": token, "positions": [_position(9, 0, lat=21.2)]})
    wait_until(lambda: IncidentReport.objects.exists(), timeout_s=10, what="the alert")
    assert TrackerPosition.objects.get().lat == 21.2
    assert IncidentReport.objects.get().decision["alert"] == "outside_area"


@pytest.mark.django_db
def test_the_tracker_alert_is_listed_on_the_duty_desk(tracked, client, duty_officer):
    from ungpho.preparedness.trackers import positions_ingest

    source, _ = tracked
    positions_ingest(source=source, body={"positions": [_position(9, 0, lat=21.0)]},
                     via="http")
    client.force_login(duty_officer)
    client.cookies["django_language"] = "en"
    page = client.get("/duty/reports").content.decode()
    assert "Mobile source Ir-192 IR-1: left its permitted area" in page
