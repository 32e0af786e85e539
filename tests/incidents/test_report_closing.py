"""Closing a report: never in one click, always with a reason from the list (and a note),
logged in its history and the audit chain, listed with that reason among the closed reports,
and reopened with why, unless another open report already covers the same station and
parameter. Bad input is refused beside its field, in Vietnamese, and changes nothing."""

import datetime as dt
import re

import pytest

from tests.factories import call_report
from ungpho.audit.models import AuditEntry
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import IncidentReport, ReportStatusChange
from ungpho.incidents.reports.status import report_close, report_reopen

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, duty_officer):
    client.force_login(duty_officer)
    return client


def _threshold_report(station):
    now = dt.datetime.now(dt.UTC)
    return IncidentReport.objects.create(
        source="threshold", province_id="01", station=station.station,
        parameter=station.parameter, lat=21.0, lon=105.8, first_information_at=now,
        opened_at=now, updated_at=now)


def _error_beside(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="e-{field}">([^<]*)</p>', html)
    return found.group(1) if found else ""


def test_the_desk_leads_to_a_page_that_asks_why_and_for_confirmation(signed_in):
    report = call_report(minutes_ago=5)
    desk = signed_in.get("/duty/").content.decode()
    assert f'href="/duty/reports/{report.pk}/close"' in desk
    assert f'formaction="/duty/reports/{report.pk}/close"' not in desk  # no one-click close
    page = signed_in.get(f"/duty/reports/{report.pk}/close").content.decode()
    for reason in ("báo động giả", "trùng với báo cáo khác", "thử nghiệm hoặc bảo trì",
                   "đã xử lý, không phải sự cố", "lý do khác"):
        assert reason in page
    assert "Xác nhận: đóng báo cáo" in page
    assert 'value="response_ended"' not in page  # the system's reason, not the officer's
    report.refresh_from_db()
    assert report.status == "open"  # the GET changed nothing


def test_a_closed_report_keeps_its_reason_in_history_audit_list_and_page(signed_in):
    report = call_report(minutes_ago=5)
    answer = signed_in.post(f"/duty/reports/{report.pk}/close",
                            {"close_reason": "false_alarm",
                             "note": "Người gọi nhầm <b>máy đo</b> khói"})
    assert answer.status_code == 302 and answer["Location"] == "/duty/"
    report.refresh_from_db()
    assert (report.status, report.close_reason) == ("closed", "false_alarm")
    assert report.closed_by == "trucban" and report.closed_at is not None
    [change] = report.status_changes.all()
    assert (change.action, change.reason, change.by) == ("closed", "false_alarm", "trucban")
    entry = AuditEntry.objects.filter(action="report.closed", object_id=str(report.pk),
                                      object_type="incidents.incidentreport").get()
    assert entry.before["status"] == "open" and entry.after["close_reason"] == "false_alarm"
    desk = signed_in.get("/duty/").content.decode()
    assert f'data-report="{report.code}"' not in desk
    assert 'href="/duty/reports/closed/"' in desk

    listed = signed_in.get("/duty/reports/closed/").content.decode()
    assert report.code in listed and "báo động giả" in listed
    assert "&lt;b&gt;máy đo&lt;/b&gt;" in listed and "<b>máy đo" not in listed
    page = signed_in.get(f"/duty/reports/{report.pk}/").content.decode()
    assert "Lý do đóng" in page and "báo động giả" in page and "Mở lại báo cáo" in page


@pytest.mark.parametrize(("posted", "field", "message"), [
    ({}, "close_reason", "chọn lý do đóng báo cáo"),
    ({"close_reason": "  "}, "close_reason", "chọn lý do đóng báo cáo"),
    ({"close_reason": "response_ended"}, "close_reason", "chọn lý do đóng báo cáo"),
    ({"close_reason": "other", "note": "   "}, "note",
     "ghi rõ lý do đóng báo cáo trong phần ghi chú"),
    ({"close_reason": "test", "note": "x" * 2001}, "note", ""),
])
def test_a_close_without_a_valid_reason_is_refused_beside_the_field_and_changes_nothing(
        signed_in, posted, field, message):
    report = call_report(minutes_ago=5)
    audit_before = AuditEntry.objects.count()
    answer = signed_in.post(f"/duty/reports/{report.pk}/close", posted)
    assert answer.status_code == 422
    shown = _error_beside(answer.content.decode(), field)
    assert shown and (message in shown if message else True)
    report.refresh_from_db()
    assert report.status == "open" and report.close_reason == ""
    assert not ReportStatusChange.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_report_is_reopened_with_why_and_is_back_on_the_desk(signed_in, duty_officer):
    report = call_report(minutes_ago=5)
    report_close(report=report, reason="duplicate", note="Trùng SC-2026-00009", by=duty_officer)
    refused = signed_in.post(f"/duty/reports/{report.pk}/reopen", {"note": " "})
    assert refused.status_code == 422
    assert _error_beside(refused.content.decode(), "reopen-note") == \
        "ghi rõ lý do mở lại báo cáo"
    report.refresh_from_db()
    assert report.status == "closed"

    answer = signed_in.post(f"/duty/reports/{report.pk}/reopen",
                            {"note": "Không trùng: hai địa điểm khác nhau"})
    assert answer.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.close_reason, report.closed_at) == ("open", "", None)
    assert [(c.action, c.reason, c.note) for c in report.status_changes.all()] == [
        ("closed", "duplicate", "Trùng SC-2026-00009"),
        ("reopened", "", "Không trùng: hai địa điểm khác nhau")]
    assert AuditEntry.objects.filter(action="report.reopened",
                                     object_id=str(report.pk)).exists()
    assert f'data-report="{report.code}"' in signed_in.get("/duty/").content.decode()
    page = signed_in.get(f"/duty/reports/{report.pk}/").content.decode()
    assert "Không trùng: hai địa điểm khác nhau" in page and "mở lại" in page


def test_a_reopen_that_would_clash_with_the_stations_open_report_is_refused_naming_it(
        signed_in, duty_officer, gamma_station):
    first = _threshold_report(gamma_station)
    report_close(report=first, reason="test", note="", by=duty_officer)
    second = _threshold_report(gamma_station)  # the station's readings opened a new one
    answer = signed_in.post(f"/duty/reports/{first.pk}/reopen", {"note": "Nhầm"})
    assert answer.status_code == 422
    assert f"báo cáo {second.code} đang mở cho cùng trạm và thông số" in \
        answer.content.decode()
    first.refresh_from_db()
    assert first.status == "closed" and first.status_changes.count() == 1
    report_close(report=second, reason="handled", note="", by=duty_officer)
    report_reopen(report=first, note="Nhầm", by=duty_officer)
    first.refresh_from_db()
    assert first.status == "open"


def test_a_report_closed_twice_or_reopened_while_open_is_refused(duty_officer):
    report = call_report(minutes_ago=5)
    with pytest.raises(IncidentError, match="report"):
        report_reopen(report=report, note="?", by=duty_officer)
    with pytest.raises(IncidentError, match="note"):  # the web refuses NUL bytes earlier
        report_close(report=report, reason="test", note="nul\x00byte", by=duty_officer)
    report_close(report=report, reason="test", note="", by=duty_officer)
    with pytest.raises(IncidentError, match="report"):
        report_close(report=report, reason="test", note="", by=duty_officer)
    assert report.status_changes.count() == 1


def test_a_closed_report_has_a_reason_in_the_database_and_its_history_is_append_only(
        duty_officer):
    from django.db import IntegrityError, transaction

    report = call_report(minutes_ago=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentReport.objects.filter(pk=report.pk).update(status="closed")
    report_close(report=report, reason="test", note="", by=duty_officer)
    with pytest.raises(PermissionError):
        ReportStatusChange.objects.all().delete()


def test_the_api_lists_closed_reports_with_their_reason(client, duty_officer):
    report = call_report(minutes_ago=5)
    report_close(report=report, reason="false_alarm", note="Khói bếp", by=duty_officer)
    client.force_login(duty_officer)
    [row] = client.get("/api/v1/incidents/reports?status=closed").json()["reports"]
    assert (row["code"], row["close_reason"], row["close_note"]) == (
        report.code, "false_alarm", "Khói bếp")
    assert row["closed_at"]
