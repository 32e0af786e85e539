"""The map card of the incident page: the incident's point, its reports, its mobile source's
track, its facility's zones and the area of the public message in force, in the page's JSON."""

import datetime as dt
import json
import re

import pytest

from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.incidents.lifecycle import incident_open, report_link
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.response.roles import role_appoint
from ungpho.preparedness.services import facility_upsert, source_register
from ungpho.preparedness.trackers import positions_ingest, tracker_enable
from ungpho.public.messages import (
    message_approve,
    message_cancel_draft,
    message_draft,
    message_edit,
    message_release,
)
from ungpho.public.render import instrument_for, template_fields

pytestmark = pytest.mark.django_db
AREA = {"type": "Polygon", "coordinates": [[[106.66, 20.80], [106.80, 20.80], [106.80, 20.88],
                                            [106.66, 20.88], [106.66, 20.80]]]}
URL = "http://ungpho.test"
POLYGON = [[20.9, 106.7], [21.0, 106.7], [21.0, 106.8], [20.9, 106.7]]


@pytest.fixture
def incident(duty_officer):
    """An incident opened from the tracker report of a mobile Ir-192 source that left its
    area, with a call about the same event linked to it."""
    facility_upsert(code="ndt-hp", name="NDT Hải Phòng", kind="industrial_radiography",
                    lat=20.8449, lon=106.6881)
    source = source_register(serial="IR-1", nuclide="Ir-192", activity="3.7 TBq",
                             reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp",
                             mobile=True, permitted_area=AREA)
    tracker_enable(source=source, interval_s=300)
    now = dt.datetime.now(dt.UTC)
    path = [(20.84, 106.70), (20.86, 106.71), (20.95, 106.72)]
    positions_ingest(source=source, via="http", body={"positions": [
        {"time": (now - dt.timedelta(minutes=5 * (2 - i))).isoformat(), "lat": lat, "lon": lon}
        for i, (lat, lon) in enumerate(path)]})
    tracker = IncidentReport.objects.get(source="tracker")
    incident = incident_open(report=tracker, by=duty_officer)
    call = IncidentReport.objects.create(source="call", province_id=tracker.province_id,
                                         lat=20.96, lon=106.73, first_information_at=now,
                                         opened_at=now, updated_at=now)
    report_link(report=call, incident=incident, by=duty_officer)
    return incident


def _released(incident, commander, **changes):
    message = message_draft(incident=incident, template="initial", by=commander,
                            public_url=URL)
    fields, _flags = template_fields(instrument_for(incident), message.template)
    values = {f.name: message.values.get(f.name) or {"vi": f.name, "en": f.name}
              for f in fields}
    message = message_edit(message=message, revision=message.revision, by=commander,
                           changes={"values": values, **changes})
    message = message_approve(message=message, revision=message.revision, by=commander)
    return message_release(message=message, by=commander, public_url=URL)


def _map(client, user, incident) -> dict:
    client.force_login(user)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    blob = re.search(r'<script id="incident-map-data" type="application/json">(.*?)</script>',
                     page, re.S)
    return json.loads(blob.group(1))


def test_the_map_json_holds_the_incident_its_reports_the_track_and_the_message_area(
        client, duty_officer, incident):
    commander = user_upsert(username="chihuy", password="mat-khau-dai-123",
                            email="chihuy@x.vn", role=Role.NATIONAL_DUTY)
    role_appoint(incident=incident, role="commander", user=commander, by=duty_officer)
    _released(incident, commander, polygon=POLYGON, circle_lat=20.95, circle_lon=106.72,
              circle_radius_km=2.5)
    data = _map(client, duty_officer, incident)
    assert data["incident"] == {"code": incident.code, "lat": pytest.approx(20.95),
                                "lon": pytest.approx(106.72)}
    assert [(r["lat"], r["lon"]) for r in data["reports"]] == [(20.95, 106.72), (20.96, 106.73)]
    assert [r["code"] for r in data["reports"]] == [
        r.code for r in incident.reports.order_by("pk")]
    assert data["source"] == "IR-1"
    assert [(p["lat"], p["lon"]) for p in data["track"]] == [
        (20.84, 106.70), (20.86, 106.71), (20.95, 106.72)]
    assert data["message"]["number"] == 1
    assert data["message"]["circle"] == {"lat": 20.95, "lon": 106.72, "radius_m": 2500.0}
    assert data["message"]["polygon"] == POLYGON
    assert data["zones_url"] == "/api/v1/preparedness/facilities/ndt-hp/zones.geojson"
    assert data["boundaries_url"] == "/api/v1/geo/provinces/boundaries"


def test_a_draft_or_a_cancelled_message_puts_no_area_on_the_map(
        client, duty_officer, incident):
    commander = user_upsert(username="chihuy", password="mat-khau-dai-123",
                            email="chihuy@x.vn", role=Role.NATIONAL_DUTY)
    role_appoint(incident=incident, role="commander", user=commander, by=duty_officer)
    message_draft(incident=incident, template="initial", by=commander, public_url=URL)
    assert _map(client, duty_officer, incident)["message"] is None
    _released(incident, commander, polygon=POLYGON)
    assert _map(client, duty_officer, incident)["message"]["polygon"] == POLYGON
    assert "swatch message-area" in client.get(f"/incidents/{incident.pk}/").content.decode()
    cancel = message_cancel_draft(incident=incident, by=commander, text_vi="Hủy bỏ bản tin.",
                                  text_en="The message is cancelled.")
    cancel = message_approve(message=cancel, revision=cancel.revision, by=commander)
    message_release(message=cancel, by=commander, public_url=URL)
    data = _map(client, duty_officer, incident)
    assert data["message"] is None
    assert "swatch message-area" not in client.get(f"/incidents/{incident.pk}/").content.decode()
