"""The law's clock on every report (TT 12/2023 Phụ lục VI, dòng 1): a report's classification
deadline runs from its first information, is shown on the duty desk and the report's page,
is breached and escalated by the worker while no incident holds the report, and is handed
over to the incident's own once one does. A station's readings climbing to a higher alarm
band update the report and tell the people on duty once per band."""

import datetime as dt

import pytest
import time_machine

from tests.conftest import in_threads
from tests.factories import call_report
from ungpho.alerts.models import Notification
from ungpho.audit.models import AuditEntry
from ungpho.core.formats.readings_json import ParsedReading
from ungpho.incidents.lifecycle import incident_open, report_link
from ungpho.incidents.models import EscalationStep, IncidentReport, ReportDeadline
from ungpho.incidents.reports.deadlines import report_deadlines_process
from ungpho.monitoring.services import readings_ingest, threshold_set

pytestmark = pytest.mark.django_db

FIFTEEN_MINUTES = dt.timedelta(minutes=15)


def _push(station, *values_at: tuple[float, dt.datetime]):
    readings = [ParsedReading(i, "GammaDR", at, value, "µSv/h")
                for i, (value, at) in enumerate(values_at)]
    return readings_ingest(station=station, readings=readings, via="http")


@pytest.fixture
def banded_station(gamma_station):
    """The Hà Nội gamma station with three alarm bands: 0.5, 1.0 and 100 µSv/h."""
    threshold_set(station=gamma_station.station, parameter=gamma_station.parameter,
                  level_1=0.5, level_2=1.0, level_3=100.0)
    return gamma_station.station


def _alarm(station, *, minutes_ago: float = 0.0) -> IncidentReport:
    """Two readings over level 1 open the station's report, ``minutes_ago``."""
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)):
        at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        _push(station, (0.7, at - dt.timedelta(minutes=6)), (0.8, at - dt.timedelta(minutes=5)))
    return IncidentReport.objects.get(station=station, status="open")


def test_the_classification_deadline_is_15_minutes_under_tt_12_2023_and_none_before_it():
    from ungpho.incidents.deadlines import classification_due

    first = dt.datetime(2026, 12, 7, 20, 0, tzinfo=dt.UTC)
    due = classification_due(first)
    assert due["due_at"] == first + FIFTEEN_MINUTES
    assert due["citation"] == "TT 12/2023/TT-BKHCN, Phụ lục VI, dòng 1"
    assert due["text_vi"] == "Phân loại sự cố"
    # TT 25/2014 (in force before 2023-08-18) has no deadline table: no clock is invented.
    assert classification_due(dt.datetime(2020, 12, 7, 20, 0, tzinfo=dt.UTC)) is None


def test_a_station_report_runs_15_minutes_from_its_first_information(
        banded_station, duty_officer):
    report = _alarm(banded_station)
    clock = report.deadline
    assert clock.due_at - report.first_information_at == FIFTEEN_MINUTES
    assert clock.status == "pending" and clock.citation.endswith("Phụ lục VI, dòng 1")
    assert clock.next_at == clock.due_at - dt.timedelta(minutes=5)  # the plan's first step


def test_a_call_and_a_lost_source_start_their_clocks_from_their_first_information(
        duty_officer):
    from tests.incidents.test_reception import CALL, NOW
    from ungpho.incidents.reports.reception import report_receive
    from ungpho.preparedness.services import facility_upsert, source_register, source_status_set

    call = report_receive(answers=CALL, by=duty_officer, now=NOW)
    assert call.deadline.due_at == call.first_information_at + FIFTEEN_MINUTES
    facility_upsert(code="ndt-qn", name="Công ty NDT Quảng Ninh", lat=20.958, lon=107.08,
                    kind="industrial_radiography")
    source = source_register(serial="IR-0417", nuclide="Ir-192", activity="1.5 TBq",
                             reference_date=dt.date(2026, 11, 21), facility_code="ndt-qn")
    source_status_set(source=source, status="lost")
    lost = IncidentReport.objects.get(radioactive_source=source, source="source")
    assert lost.deadline.due_at == lost.first_information_at + FIFTEEN_MINUTES


def test_the_desk_and_the_report_page_show_the_countdown_from_the_server(
        client, banded_station, duty_officer):
    report = _alarm(banded_station)
    client.force_login(duty_officer)
    due = report.deadline.due_at.isoformat()
    desk = client.get("/duty/").content.decode()
    assert 'data-clock="pending"' in desk and f'data-due="{due}"' in desk
    assert "Phân loại trước" in desk
    page = client.get(f"/duty/reports/{report.pk}/").content.decode()
    assert f'data-due="{due}"' in page and "Phụ lục VI, dòng 1" in page
    assert "tính từ thông tin đầu tiên" in page


def test_the_api_gives_a_reports_deadline_as_the_worker_keeps_it(client, duty_officer):
    from tests.incidents.test_reception import _basic

    report = call_report(minutes_ago=20)
    report_deadlines_process()  # started, breached, step 1
    listed = client.get("/api/v1/incidents/reports", **_basic()).json()["reports"]
    [deadline] = [r["classification_deadline"] for r in listed if r["id"] == report.pk]
    due = report.first_information_at + FIFTEEN_MINUTES
    assert deadline == {"due_at": due.isoformat(), "status": "breached",
                        "breached_at": due.isoformat(), "escalation_steps_sent": 1,
                        "citation": "TT 12/2023/TT-BKHCN, Phụ lục VI, dòng 1"}


def test_the_worker_breaches_and_escalates_an_unopened_report_once(
        client, banded_station, duty_officer):
    report = _alarm(banded_station)
    Notification.objects.all().delete()  # the report's opening messages: not what is tested
    due = report.deadline.due_at
    assert report_deadlines_process(now=due - dt.timedelta(minutes=6)) == 0
    assert report_deadlines_process(now=due - dt.timedelta(minutes=5)) == 1  # step 1: duty
    assert report_deadlines_process(now=due - dt.timedelta(minutes=4)) == 0  # a restart
    [warning] = Notification.objects.filter(report=report)
    assert warning.recipient == duty_officer.email
    assert warning.subject.startswith("[ungpho] Sắp đến hạn: Phân loại sự cố")
    assert report_deadlines_process(now=due) == 2  # the breach and step 2 (supervisors)
    assert report_deadlines_process(now=due + dt.timedelta(minutes=1)) == 0
    clock = ReportDeadline.objects.get(report=report)
    assert (clock.status, clock.breached_at, clock.next_step) == ("breached", due, 2)
    assert report_deadlines_process(now=due + dt.timedelta(minutes=30)) == 1  # step 3: NACCET
    late = Notification.objects.filter(report=report).exclude(pk=warning.pk)
    assert [n.subject.startswith("[ungpho] QUÁ HẠN") for n in late] == [True]
    assert "Breached." in late.get().body and report.code in late.get().body
    assert set(AuditEntry.objects.filter(object_id=str(report.pk)).values_list(
        "action", flat=True)) >= {"incident.report.breach", "incident.report.escalate"}
    client.force_login(duty_officer)
    desk = client.get("/duty/").content.decode()
    assert 'data-clock="breached"' in desk and "QUÁ HẠN" in desk


@pytest.mark.django_db(transaction=True)
def test_three_workers_at_once_record_the_breach_and_fire_each_step_once(duty_officer):
    # A transactional test starts from a flushed database: the migrations' default plan
    # (5 minutes before, at the deadline, 30 minutes after) is written again.
    for order, minutes, target in [(1, 5, "duty"), (2, 0, "supervisors"), (3, -30, "national")]:
        EscalationStep.objects.get_or_create(order=order, defaults={
            "minutes_before_due": minutes, "target": target})
    report = call_report(minutes_ago=20)

    def drain(i):
        while report_deadlines_process():
            pass

    assert in_threads(3, drain) == []
    clock = ReportDeadline.objects.get(report=report)
    assert (clock.status, clock.next_step) == ("breached", 2)  # step 3 is due in 25 minutes
    done = AuditEntry.objects.filter(object_id=str(report.pk), action__in=[
        "incident.report.breach", "incident.report.escalate"])
    assert sorted(done.values_list("action", flat=True)) == [
        "incident.report.breach", "incident.report.escalate", "incident.report.escalate"]
    assert list(Notification.objects.values_list("dedupe_key", flat=True)) == [
        f"report-deadline:{clock.pk}:step:0:{duty_officer.email}"]


def test_a_report_written_without_a_clock_gets_one_on_the_next_pass(duty_officer):
    report = call_report(minutes_ago=20)
    assert not ReportDeadline.objects.filter(report=report).exists()
    assert report_deadlines_process() >= 2  # started, breached (and escalated)
    clock = ReportDeadline.objects.get(report=report)
    assert clock.status == "breached"
    assert clock.due_at == report.first_information_at + FIFTEEN_MINUTES


def test_a_closed_report_is_not_escalated(banded_station, duty_officer):
    from ungpho.incidents.reports.status import report_close

    report = _alarm(banded_station)
    report_close(report=report, reason="false_alarm", note="", by=duty_officer)
    assert report_deadlines_process(now=report.deadline.due_at + dt.timedelta(hours=1)) == 0


def test_a_higher_band_updates_the_report_and_notifies_once_per_band(
        banded_station, duty_officer):
    report = _alarm(banded_station)
    opening = set(Notification.objects.values_list("pk", flat=True))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _push(banded_station, (1.4, now - dt.timedelta(minutes=2)),
          (1.6, now - dt.timedelta(minutes=1)))
    report.refresh_from_db()
    assert report.decision["level"] == 2 and report.latest_value == 1.6
    assert [row["level"] for row in report.evidence][-1] == 2
    [told] = Notification.objects.exclude(pk__in=opening)
    assert told.recipient == duty_officer.email and told.report == report
    assert "cấp báo động 2" in told.subject and "1.6" in told.body
    assert "alarm level raised to 2" in told.body
    _push(banded_station, (1.5, now))  # the same band again: nobody told twice
    assert Notification.objects.exclude(pk__in=opening).count() == 1
    report.refresh_from_db()
    assert report.latest_value == 1.5 and report.decision["level"] == 2
    assert AuditEntry.objects.filter(action="incident.report.level",
                                     object_id=str(report.pk)).count() == 1


def test_a_higher_band_on_a_report_an_incident_holds_is_in_the_incidents_log_and_messages(
        banded_station, duty_officer):
    report = _alarm(banded_station)
    incident = incident_open(report=report, by=duty_officer)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _push(banded_station, (1.4, now - dt.timedelta(minutes=2)),
          (1.6, now - dt.timedelta(minutes=1)))
    [told] = Notification.objects.filter(dedupe_key__startswith=f"report:{report.pk}:level:2:")
    assert told.incident == incident and f"Incident: {incident.code}" in told.body
    [entry] = incident.log.filter(kind="report", data__level=2)
    assert entry.text.startswith(f"Báo cáo {report.code}: cấp báo động 2 (1.6")


def test_opening_an_incident_keeps_the_reports_start_and_hands_its_clock_over(
        banded_station, duty_officer):
    from ungpho.incidents.deadlines import deadlines_process

    report = _alarm(banded_station, minutes_ago=16)  # already late
    due = report.deadline.due_at
    report_deadlines_process()  # breached; step 1 sent
    report_deadlines_process()  # step 2 (one step a pass)
    incident = incident_open(report=report, by=duty_officer)
    assert incident.first_information_at == report.first_information_at
    classify = incident.deadlines.filter(action="classify")
    assert {d.due_at for d in classify} == {due}
    clock = ReportDeadline.objects.get(report=report)
    assert clock.status == "handed_over" and clock.breached_at == due and clock.next_at is None
    sent = Notification.objects.count()
    assert report_deadlines_process(now=due + dt.timedelta(hours=1)) == 0
    deadlines_process()  # the incident's clock records its breach but repeats no step
    assert Notification.objects.count() == sent
    assert {d.next_step for d in classify} == {2}
    assert incident.log.filter(text__contains=f"Thời hạn phân loại của báo cáo {report.code}"
                               ).exists()


def test_linking_an_earlier_report_moves_the_incidents_classification_deadline(duty_officer):
    incident = incident_open(report=call_report(minutes_ago=2), by=duty_officer)
    earlier = call_report(minutes_ago=10)
    report_deadlines_process()
    report_link(report=earlier, incident=incident, by=duty_officer)
    incident.refresh_from_db()
    assert incident.first_information_at == earlier.first_information_at
    assert {d.due_at for d in incident.deadlines.filter(action="classify")} == {
        earlier.first_information_at + FIFTEEN_MINUTES}
    assert ReportDeadline.objects.get(report=earlier).status == "handed_over"
