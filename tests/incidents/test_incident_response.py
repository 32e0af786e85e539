"""Incidents apart from their reports: opened from a report, further reports linked to them,
duplicates suggested, classified by the rules engine with the officer's confirmation or
override, and an append-only log that is also in the audit chain."""

import datetime as dt
import json

import pytest
from django.db import connection

from tests.factories import call_report
from ungpho.audit.guards import unguard_sql
from ungpho.audit.models import AuditEntry
from ungpho.audit.services import snapshot
from ungpho.core.rules.facts import FactsError
from ungpho.core.rules.loader import RULES_DIR
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import (
    incident_classify,
    incident_note,
    incident_open,
    report_link,
)
from ungpho.incidents.models import Incident, IncidentLogEntry
from ungpho.incidents.selectors import incident_duplicates, incidents_open

pytestmark = pytest.mark.django_db

LOST_IR192 = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
    encoding="utf-8"))




def test_an_incident_opened_from_a_report_takes_its_place_and_first_information(
        duty_officer):
    report = call_report(minutes_ago=5)
    incident = incident_open(report=report, by=duty_officer)
    assert incident.code.startswith("UP-")
    assert (incident.province_id, incident.first_information_at) == (
        "01", report.first_information_at)
    report.refresh_from_db()
    assert report.incident == incident
    assert [e.kind for e in incident.log.all()] == ["opened", "deadline", "deadline"]


def test_a_report_linked_once_cannot_be_linked_again(duty_officer):
    report = call_report(minutes_ago=5)
    incident_open(report=report, by=duty_officer)
    with pytest.raises(IncidentError) as error:
        incident_open(report=report, by=duty_officer)
    assert error.value.problems[0][0] == "report"
    assert Incident.objects.count() == 1


def test_an_earlier_report_linked_later_moves_the_first_information_back(duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    earlier = call_report(minutes_ago=40)
    report_link(report=earlier, incident=incident, by=duty_officer)
    incident.refresh_from_db()
    assert incident.first_information_at == earlier.first_information_at
    assert [e.kind for e in incident.log.all()][-1] == "report"


def test_a_nearby_call_within_hours_is_suggested_as_the_same_event(duty_officer):
    incident = incident_open(report=call_report(minutes_ago=30), by=duty_officer)
    near = call_report(minutes_ago=0, lat=21.05, lon=105.85)  # ~7 km away
    far = call_report(minutes_ago=0, lat=21.5, lon=105.8)  # ~55 km away
    suggested = incident_duplicates([near, far], list(incidents_open(user=duty_officer)))
    assert [i for i, _ in suggested[near.pk]] == [incident]
    assert "km" in suggested[near.pk][0][1]
    assert suggested[far.pk] == []


def test_the_rules_engine_suggests_and_the_officer_confirms_with_every_criterion_kept(
        duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    record = incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)
    incident.refresh_from_db()
    assert (incident.hazard_category, incident.alarm_level, incident.scope) == (
        "IV", 2, "provincial")
    assert incident.lead == "Ban chỉ huy ứng phó sự cố cấp tỉnh"
    assert record.instrument == "12/2023/TT-BKHCN"
    matched = record.suggestion["decisions"]["alarm_level"]["matched"]
    assert matched and all("TT 12/2023/TT-BKHCN" in m["citation"] for m in matched)
    assert not record.overridden


def test_an_override_needs_its_reason_and_keeps_the_suggestion_beside_it(duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    with pytest.raises(IncidentError) as error:
        incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer,
                          confirmed={"alarm_level": 3})
    assert error.value.problems[0][0] == "reason"
    record = incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer,
                               confirmed={"alarm_level": 3},
                               reason="Nguồn ở gần trường học, nâng cấp thận trọng")
    assert record.overridden and record.alarm_level == 3
    assert record.suggestion["decisions"]["alarm_level"]["result"]["rank"] == 2


def test_reclassification_keeps_the_history(duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)
    worse = {**LOST_IR192, "scope": {**LOST_IR192["scope"], "provinces_affected": 2}}
    incident_classify(incident=incident, facts=worse, by=duty_officer)
    incident.refresh_from_db()
    assert [c.scope for c in incident.classifications.all()] == ["provincial", incident.scope]
    assert incident.scope == "national"  # two provinces: QĐ 1251 Điều 1.I
    assert "Phân loại lại" in incident.log.filter(kind="classified").last().text


def test_an_incident_is_judged_by_the_instrument_in_force_on_its_date(duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    old = {**LOST_IR192, "first_information_at": "2022-05-10T08:00:00+07:00"}
    record = incident_classify(incident=incident, facts=old, by=duty_officer)
    assert record.instrument == "25/2014/TT-BKHCN"


def test_bad_facts_are_refused_naming_the_path_and_nothing_is_recorded(duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    with pytest.raises(FactsError) as error:
        incident_classify(incident=incident, facts={"event": {"dose_rate": "fast"}},
                          by=duty_officer)
    assert "$.event.dose_rate" in str(error.value)
    assert not incident.classifications.exists()


def test_the_log_is_append_only_a_correction_is_a_new_entry_and_both_are_audited(
        duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    note = incident_note(incident=incident, text="Gọi 113 lúc 08:20", by=duty_officer)
    with pytest.raises(PermissionError):
        note.save()
    with pytest.raises(PermissionError):
        IncidentLogEntry.objects.filter(pk=note.pk).update(text="x")
    correction = incident_note(incident=incident, text="Gọi 113 lúc 08:25", by=duty_officer,
                               corrects=note)
    assert correction.kind == "correction" and correction.corrects == note
    note.refresh_from_db()
    assert note.text == "Gọi 113 lúc 08:20"
    logged = AuditEntry.objects.filter(action__startswith="incident.log.",
                                       object_type="incidents.incidentlogentry")
    assert [e.after for e in logged] == [snapshot(e) for e in incident.log.all()]


def test_from_the_duty_desk_a_report_becomes_an_incident_that_is_classified_on_its_page(
        client, duty_officer):
    report = call_report(minutes_ago=5)
    client.force_login(duty_officer)
    answer = client.post(f"/duty/reports/{report.pk}/incident")
    incident = Incident.objects.get()
    assert answer["Location"] == f"/incidents/{incident.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert "Phụ lục VI" in page  # not classified yet: the 15-minute rule is shown
    answer = client.post(f"/incidents/{incident.pk}/classify", {
        "mode": "json", "facts": json.dumps(LOST_IR192)})
    assert answer.status_code == 302
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "TT 12/2023/TT-BKHCN" in page and "Ban chỉ huy ứng phó sự cố cấp tỉnh" in page
    desk = client.get("/duty/reports").content.decode()
    assert incident.code in desk


def test_the_duty_desk_offers_the_nearby_incident_for_a_new_call(client, duty_officer):
    incident = incident_open(report=call_report(minutes_ago=30), by=duty_officer)
    near = call_report(minutes_ago=0, lat=21.05, lon=105.85)
    client.force_login(duty_officer)
    desk = client.get("/duty/reports").content.decode()
    assert f"{incident.code}" in desk and "km" in desk
    client.post(f"/duty/reports/{near.pk}/link", {"incident": incident.pk})
    near.refresh_from_db()
    assert near.incident == incident


def test_bad_facts_on_the_incident_page_are_shown_with_their_path(client, duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    client.force_login(duty_officer)
    page = client.post(f"/incidents/{incident.pk}/classify", {
        "mode": "json", "facts": '{"event": {"dose_rate": "fast"}}'}, follow=True).content.decode()
    assert "event.dose_rate" in page and "error-summary" in page


def test_opening_an_incident_starts_the_15_minute_classification_deadline(duty_officer):
    report = call_report(minutes_ago=5)
    incident = incident_open(report=report, by=duty_officer)
    deadlines = list(incident.deadlines.all())
    assert {(d.action, d.level) for d in deadlines} == {("classify", "facility"),
                                                        ("classify", "locality")}
    assert all(d.due_at == report.first_information_at + dt.timedelta(minutes=15)
               and d.status == "pending" and "Phụ lục VI" in d.citation for d in deadlines)


def test_classifying_in_time_meets_the_deadline_and_sets_the_next_ones(duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)
    classify = incident.deadlines.filter(action="classify")
    assert {(d.status, d.met_by) for d in classify} == {("met", "trucban")}
    activate = incident.deadlines.get(action="activate_response")
    assert activate.status == "pending"
    assert activate.due_at == incident.first_information_at + dt.timedelta(hours=2)


def test_the_worker_escalates_before_the_deadline_once_and_records_the_breach(duty_officer):
    from ungpho.alerts.models import Notification
    from ungpho.incidents.deadlines import deadlines_process

    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    due = incident.deadlines.first().due_at
    assert deadlines_process(now=due - dt.timedelta(minutes=6)) == 0
    assert deadlines_process(now=due - dt.timedelta(minutes=5)) == 2  # step 1, both levels
    assert deadlines_process(now=due - dt.timedelta(minutes=4)) == 0  # a restart repeats none
    sent = Notification.objects.filter(dedupe_key__startswith="deadline:")
    assert {n.recipient for n in sent} == {duty_officer.email}
    assert "Sắp đến hạn: Phân loại sự cố" in sent.first().subject
    assert deadlines_process(now=due) == 4  # both breach, and step 2 (supervisors) fires
    assert set(incident.deadlines.values_list("status", flat=True)) == {"breached"}
    assert incident.log.filter(text__startswith="QUÁ HẠN").count() == 2


def test_acknowledging_stops_the_escalation_but_not_the_deadline(duty_officer):
    from ungpho.incidents.deadlines import deadline_acknowledge, deadlines_process

    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    for deadline in incident.deadlines.all():
        deadline_acknowledge(deadline=deadline, by=duty_officer)
    due = incident.deadlines.first().due_at
    assert deadlines_process(now=due + dt.timedelta(hours=1)) == 2  # the breaches only
    assert not incident.log.filter(text__startswith="Nhắc hạn").exists()


def test_classifying_after_the_deadline_records_it_done_late(duty_officer):
    # 15 minutes have passed
    incident = incident_open(report=call_report(minutes_ago=20), by=duty_officer)
    incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)
    classify = incident.deadlines.filter(action="classify")
    assert {d.status for d in classify} == {"breached"}
    assert all(d.met_at > d.due_at == d.breached_at for d in classify)


def test_the_incident_page_counts_down_and_records_who_did_it(client, duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    client.force_login(duty_officer)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    # Each running deadline counts down twice: in the status strip and in its table.
    assert page.count("data-due=") == 2 * 2 and "Phụ lục VI, dòng 1" in page
    deadline = incident.deadlines.first()
    client.post(f"/incidents/{incident.pk}/", {"action": "ack", "deadline": deadline.pk})
    client.post(f"/incidents/{incident.pk}/", {"action": "meet", "deadline": deadline.pk})
    deadline.refresh_from_db()
    assert (deadline.status, deadline.met_by, deadline.acknowledged_by) == (
        "met", "trucban", "trucban")
    desk = client.get("/duty/reports").content.decode()
    assert "data-due=" in desk  # the other classification deadline still runs


def test_the_printable_log_shows_each_entry_sealed_and_flags_one_edited_behind_its_back(
        client, duty_officer):
    incident = incident_open(report=call_report(minutes_ago=5), by=duty_officer)
    note = incident_note(incident=incident, text="Đội ứng phó đã đến hiện trường",
                         by=duty_officer)
    client.force_login(duty_officer)
    page = client.get(f"/incidents/{incident.pk}/log").content.decode()
    assert "NHẬT KÝ ỨNG PHÓ SỰ CỐ" in page and "Đội ứng phó đã đến hiện trường" in page
    assert "does not match" not in page and "không khớp" not in page
    # An edit that goes around the application (its append-only guard dropped first):
    with connection.cursor() as cursor:
        for sql in unguard_sql(connection.vendor, IncidentLogEntry._meta.db_table):
            cursor.execute(sql)
        cursor.execute(f"UPDATE {IncidentLogEntry._meta.db_table} SET text = %s WHERE id = %s",
                       ["Không có gì xảy ra", note.pk])
    page = client.get(f"/incidents/{incident.pk}/log").content.decode()
    row = page[page.index(f'<tr data-entry="{note.pk}"'):]
    row = row[:row.index("</tr>")]
    assert 'class="deadline-breached"' in row and "Không có gì xảy ra" in row
    assert page.count('class="deadline-breached"') == 1
