"""Sources and exercises follow the incident: a source the officer classifies as lost or
stolen is so in the registry (list, facility page, facility register) until it is reported
found; every message of an exercise says DIỄN TẬP / EXERCISE (real SMTP server) and nobody
is reminded of a closed one; the public map shows an unconfirmed radiation exceedance as
being verified until an officer classifies it or a public message is released."""

import datetime as dt
import json

import pytest

from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.alerts.models import Contact, Notification
from ungpho.alerts.services import outbox_send_due
from ungpho.cli.demo.response import DRILL_REPORT
from ungpho.core.formats.readings_json import ParsedReading
from ungpho.core.rules.loader import RULES_DIR
from ungpho.incidents.closure.decision import final_report_save, incident_closure_decide
from ungpho.incidents.deadlines import deadlines_process
from ungpho.incidents.lifecycle import incident_classify, incident_open
from ungpho.incidents.models import EscalationStep, IncidentReport
from ungpho.incidents.notification.escalation import notifications_escalate
from ungpho.incidents.response.roles import role_appoint
from ungpho.monitoring.models import Reading
from ungpho.monitoring.services import readings_ingest, station_states_refresh
from ungpho.preparedness.models import RadioactiveSource
from ungpho.preparedness.services import facility_upsert, source_register

pytestmark = pytest.mark.django_db

LOST_IR192 = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
    encoding="utf-8"))
IN_HAND = {"hazard_category": "IV", "event": {
    "information_clear": True, "in_facility": True, "source_group": 4,
    "source_out_of_control": False, "release": False, "contamination": "none"},
    "scope": {"at_facility": True, "effects_beyond_site": False}}
MARK = "DIỄN TẬP / EXERCISE"


@pytest.fixture
def source_incident(duty_officer):
    """A call naming a Hải Phòng company's Ir-192 camera, opened as an incident."""
    facility_upsert(code="ndt-hp", name="Công ty NDT Hải Phòng",
                    kind="industrial_radiography", lat=20.8470, lon=106.7420)
    source = source_register(serial="IR-HP-7", nuclide="Ir-192", activity="3.7 TBq",
                             reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp",
                             device="Máy chụp ảnh phóng xạ")
    return incident_from_call(duty_officer, province="31", lat=20.8470, lon=106.7420,
                              radioactive_source=source, facility=source.facility)


def _status(serial):
    return RadioactiveSource.objects.get(serial=serial).status


def test_a_source_classified_out_of_control_is_lost_in_the_registry_until_found(
        client, source_incident, duty_officer):
    incident_classify(incident=source_incident, facts=LOST_IR192, by=duty_officer)
    assert _status("IR-HP-7") == "lost"
    assert source_incident.log.filter(text__contains="recorded as lost").count() == 1
    # the incident is the response: no second report lands on the duty desk
    assert IncidentReport.objects.filter(incident=None).count() == 0
    client.force_login(duty_officer)
    sources = client.get("/sources/").content.decode()
    assert 'data-status="lost" class="lost"' in sources
    assert '<td class="status">bị mất' in sources
    facility = client.get("/facilities/ndt-hp/").content.decode()
    assert 'class="lost-banner"' in facility and "Ir-192 IR-HP-7</a> (bị mất)" in facility
    assert 'data-lost="1"' in client.get("/facilities/").content.decode()
    incident_classify(incident=source_incident, facts=LOST_IR192, by=duty_officer)
    assert source_incident.log.filter(text__contains="recorded as lost").count() == 1  # once
    assert 'action="/sources/IR-HP-7/found"' in sources
    answer = client.post("/sources/IR-HP-7/found", {"back": "facility"})
    assert answer.url == "/facilities/ndt-hp/#source-IR-HP-7" and _status("IR-HP-7") == "found"
    assert 'class="lost"' not in client.get("/sources/").content.decode()
    assert 'class="lost-banner"' not in client.get("/facilities/ndt-hp/").content.decode()
    assert source_incident.log.filter(
        text__endswith="source registry: Ir-192 IR-HP-7 — found").count() == 1


def test_only_people_in_scope_report_a_source_found(client, source_incident, duty_officer):
    incident_classify(incident=source_incident, facts=LOST_IR192, by=duty_officer)
    elsewhere = user_upsert(username="bch.hn", password="mat-khau-dai-123",
                            role=Role.PROVINCIAL_COMMAND, province_code="01")
    client.force_login(elsewhere)
    assert client.post("/sources/IR-HP-7/found").status_code == 404
    assert client.get("/sources/IR-HP-7/found").status_code in (404, 405)
    assert _status("IR-HP-7") == "lost"


def test_a_trafficked_source_is_stolen_and_a_source_in_hand_stays_in_use(
        source_incident, duty_officer):
    incident_classify(incident=source_incident, facts=IN_HAND, by=duty_officer)
    assert _status("IR-HP-7") == "in_use"
    trafficked = {**LOST_IR192, "hazard": {"activity": "illicit_trafficking"}}
    incident_classify(incident=source_incident, facts=trafficked, by=duty_officer)
    assert _status("IR-HP-7") == "stolen"


@pytest.fixture
def exercise(duty_officer, settings, smtp_settings):
    """A drill classified: the board told by e-mail, an administrator to escalate to."""
    settings.ACK_TIMEOUT_S = 600
    Contact.objects.filter(party="provincial_command_board").update(email="bch@hanoi.gov.vn")
    user_upsert(username="quantri", password="mat-khau-dai-123", email="qt@x.vn",
                role=Role.ADMINISTRATOR)
    incident = incident_from_call(duty_officer, exercise=True, minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)
    return incident


def test_every_email_of_an_exercise_says_so_in_its_subject_and_body(
        exercise, smtp_settings, duty_officer, settings):
    EscalationStep.objects.all().delete()
    EscalationStep.objects.create(order=1, minutes_before_due=600, target="national")
    exercise.deadlines.update(escalation=list(EscalationStep.objects.values(
        "minutes_before_due", "target", "email")), next_step=0,
        next_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    assert deadlines_process() >= 1
    outbox_send_due(worker_id="w1")
    settings.ACK_TIMEOUT_S = 0  # nobody acknowledged at once: reminders are due now
    assert notifications_escalate() >= 1
    outbox_send_due(worker_id="w1")
    kinds = {"plan": 0, "deadline": 0, "reminder": 0, "escalation": 0}
    for message in smtp_settings.messages:
        subject, body = message["Subject"], message.get_body(("plain",)).get_content()
        assert MARK in subject, subject
        assert body.startswith(MARK), body[:80]
        kinds["reminder" if "REMINDER" in subject else "escalation" if "NOT ACKNOWLEDGED"
              in subject else "deadline" if "hạn" in subject else "plan"] += 1
    assert all(kinds.values()), kinds


def test_nobody_is_reminded_of_a_closed_exercise(exercise, smtp_settings, duty_officer):
    outbox_send_due(worker_id="w1")
    sent = Notification.objects.get(recipient="bch@hanoi.gov.vn", reminder_of=None)
    role_appoint(incident=exercise, role="commander", user=duty_officer, by=duty_officer)
    final_report_save(incident=exercise, texts=DRILL_REPORT, version=0, by=duty_officer)
    incident_closure_decide(incident=exercise, by=duty_officer,
                            potential_dose_msv_per_year="0.05", dose_basis="Đo tại kho",
                            remediation_applied=True, reason="Diễn tập kết thúc")
    assert notifications_escalate(now=sent.sent_at + dt.timedelta(hours=2)) == 0
    assert not Notification.objects.filter(reminder_of__isnull=False).exists()
    assert deadlines_process(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=30)) == 0


def _exceed(station):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    readings_ingest(station=station, via=Reading.Via.HTTP, readings=[
        ParsedReading(i, "GammaDR", now - dt.timedelta(minutes=10 - 5 * i), v, "µSv/h")
        for i, v in enumerate((0.8, 0.9))])
    station_states_refresh(now=now)


def _public_state(client, code):
    layer = client.get("/api/v1/monitoring/public/stations.geojson").json()
    return next(f["properties"] for f in layer["features"] if f["properties"]["code"] == code)


def test_an_unconfirmed_radiation_exceedance_is_being_verified_on_the_public_map_only(
        client, gamma_station, duty_officer):
    _exceed(gamma_station.station)
    shown = _public_state(client, "HN-GAMMA-01")
    assert (shown["state"], shown["state_name"]) == ("verifying", "Đang xác minh")
    page = client.get("/public/").content.decode()
    assert '"verifying": {"name": "\\u0110ang x\\u00e1c minh", "colour": "#6D4C41"}' in page
    client.force_login(duty_officer)
    assert client.get("/api/v1/monitoring/stations.geojson").json()["features"][0]["properties"][
        "state"] == "exceeding"  # the officers see the alarm
    report = IncidentReport.objects.get(station=gamma_station.station)
    incident = incident_open(report=report, by=duty_officer)
    assert _public_state(client, "HN-GAMMA-01")["state"] == "verifying"  # opened, unconfirmed
    incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)
    assert _public_state(client, "HN-GAMMA-01")["state"] == "exceeding"


def test_a_released_public_message_confirms_the_exceedance_for_the_public(
        client, gamma_station, duty_officer):
    from ungpho.public.messages import message_approve, message_draft, message_release
    from ungpho.public.render import instrument_for, template_fields

    _exceed(gamma_station.station)
    incident = incident_open(report=IncidentReport.objects.get(), by=duty_officer)
    role_appoint(incident=incident, role="commander", user=duty_officer, by=duty_officer)
    message = message_draft(incident=incident, template="initial", by=duty_officer,
                            public_url="http://ungpho.test")
    fields, _flags = template_fields(instrument_for(incident), "initial")
    from ungpho.public.messages import message_edit

    message = message_edit(message=message, revision=1, by=duty_officer, changes={"values": {
        f.name: message.values.get(f.name) or "có" for f in fields}})
    message = message_approve(message=message, revision=2, by=duty_officer)
    assert _public_state(client, "HN-GAMMA-01")["state"] == "verifying"  # approved only
    message_release(message=message, by=duty_officer, public_url="http://ungpho.test")
    assert _public_state(client, "HN-GAMMA-01")["state"] == "exceeding"
