"""Ending a response: the commander's closure decision against TT 12/2023 Điều 25.2, the
deadlines settled and the closure logged, and the final report (Phụ lục VII.6) in
Vietnamese as PDF and DOCX, a draft until closure; a closed incident stays readable."""

import base64
import datetime as dt
import io
import json

import docx
import pytest
from pypdf import PdfReader

from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.audit.verify import audit_verify
from ungpho.core.rules.loader import RULES_DIR
from ungpho.incidents.closure.decision import final_report_save, incident_closure_decide
from ungpho.incidents.closure.final_report import (
    DOCX_TYPE,
    final_report_content,
    final_report_render,
)
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import incident_classify, incident_open
from ungpho.incidents.models import Deadline, Incident, IncidentReport
from ungpho.incidents.response.roles import role_appoint

pytestmark = pytest.mark.django_db

LOST_IR192 = {k: v for k, v in json.loads(
    (RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(encoding="utf-8")
).items() if k != "first_information_at"}
PASSWORD = "mat-khau-dai-123"
TEXTS = {"recipients": "Bộ Khoa học và Công nghệ; UBND tỉnh",
         "activities": "Khoanh vùng 30 m, tìm kiếm nguồn bằng máy đo suất liều.",
         "countermeasures": "Thu hồi nguồn Ir-192 vào container chì.",
         "consequences_people": "Không có người bị chiếu xạ quá liều.",
         "consequences_environment": "Không có nhiễm bẩn phóng xạ.",
         "dose_assessment": "Liều cao nhất của nhân viên ứng phó 0,4 mSv.",
         "conclusions": "Kiến nghị tăng cường kiểm soát nguồn di động."}


@pytest.fixture
def commander(db):
    return user_upsert(username="chihuy", password=PASSWORD, email="chihuy@x.vn",
                       role=Role.PROVINCIAL_COMMAND, province_code="01",
                       full_name="Nguyễn Văn Hùng")


@pytest.fixture
def incident(duty_officer):
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    report = IncidentReport.objects.create(source="call", province_id="01", lat=21.0,
                                           lon=105.8, first_information_at=at, opened_at=at,
                                           updated_at=at)
    incident = incident_open(report=report, by=duty_officer, exercise=True)
    incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)
    return incident


@pytest.fixture
def ready(incident, duty_officer, commander):
    """A classified incident with its commander and its final report written."""
    role_appoint(incident=incident, role="commander", user=commander, by=duty_officer)
    final_report_save(incident=incident, texts=TEXTS, version=0, by=duty_officer)
    return incident


def _close(incident, by, **overrides):
    fields = {"potential_dose_msv_per_year": "0.5", "dose_basis": "Đo suất liều tại chỗ",
              "remediation_applied": True, "reason": "Đã thu hồi nguồn, hiện trường an toàn"}
    return incident_closure_decide(incident=incident, by=by, **{**fields, **overrides})


def _fields(error) -> list[str]:
    return [field for field, _message in error.value.problems]


def test_closure_without_a_commander_is_refused_naming_the_role(incident, duty_officer):
    final_report_save(incident=incident, texts=TEXTS, version=0, by=duty_officer)
    with pytest.raises(IncidentError) as error:
        _close(incident, duty_officer)
    assert _fields(error) == ["commander"]
    assert "commander" in error.value.problems[0][1]
    incident.refresh_from_db()
    assert incident.status == "open"


def test_only_the_current_commander_may_close(ready, duty_officer, commander):
    with pytest.raises(IncidentError) as error:
        _close(ready, duty_officer)
    assert _fields(error) == ["by"] and "Nguyễn Văn Hùng" in error.value.problems[0][1]


def test_unmet_criteria_are_refused_unless_overridden_with_a_reason(ready, commander):
    with pytest.raises(IncidentError) as error:
        _close(ready, commander, potential_dose_msv_per_year="12")
    assert _fields(error) == ["criteria"] and "Điều 25.2" in error.value.problems[0][1]
    with pytest.raises(IncidentError) as error:
        _close(ready, commander, remediation_applied=False, override=True)
    assert _fields(error) == ["override_reason"]
    closure = _close(ready, commander, remediation_applied=False, override=True,
                     override_reason="Không có nhiễm bẩn, không cần phục hồi")
    assert (closure.criteria_met, closure.overridden) == (False, True)
    text = _pdf_text(ready)
    assert "Không đạt, vẫn kết thúc" in text and "Không có nhiễm bẩn, không cần phục hồi" in text


def test_the_boundary_of_10_msv_a_year_closes_without_override(ready, commander):
    closure = _close(ready, commander, potential_dose_msv_per_year="10")
    assert closure.criteria_met and not closure.overridden
    assert closure.decision["matched"][0]["citation"] == "TT 12/2023/TT-BKHCN, Điều 25.2"


def test_every_missing_field_and_report_section_is_named(incident, duty_officer, commander):
    role_appoint(incident=incident, role="commander", user=commander, by=duty_officer)
    final_report_save(incident=incident, texts={"recipients": "Bộ KH&CN"}, version=0,
                      by=duty_officer)
    with pytest.raises(IncidentError) as error:
        _close(incident, commander, potential_dose_msv_per_year="1,5", dose_basis=" ",
               remediation_applied=None, reason="")
    assert _fields(error) == [
        "potential_dose_msv_per_year", "dose_basis", "remediation_applied", "reason",
        "final_report.countermeasures", "final_report.consequences_people",
        "final_report.consequences_environment", "final_report.dose_assessment",
        "final_report.conclusions"]


def test_closure_settles_the_deadlines_stops_escalation_and_is_logged(ready, commander):
    now = dt.datetime.now(dt.UTC)
    later = ready.deadlines.get(status="pending")
    Deadline.objects.filter(pk=later.pk).update(due_at=now + dt.timedelta(hours=2))
    # One the worker has not breached yet although it is past due, still escalating.
    overdue = Deadline.objects.create(
        incident=ready, action="report_most", level="provincial", text_vi="Báo cáo Bộ",
        text_en="Report to MOST", citation="Phụ lục VI", due_at=now - dt.timedelta(minutes=1),
        next_at=now)
    _close(ready, commander)
    ready.refresh_from_db()
    assert ready.status == Incident.Status.CLOSED
    overdue.refresh_from_db()
    later.refresh_from_db()
    assert (overdue.status, overdue.breached_at) == ("breached", now - dt.timedelta(minutes=1))
    assert later.status == "unmet"
    assert not ready.deadlines.filter(status="pending").exists()
    assert not ready.deadlines.exclude(next_at=None).exists()
    last = ready.log.last()
    assert last.kind == "closed" and "Điều 25.2" in last.text
    assert "Chưa thực hiện khi kết thúc ứng phó" in " ".join(e.text for e in ready.log.all())
    assert audit_verify(deep=True).findings == []


def test_closure_takes_the_incidents_reports_off_the_duty_desk(ready, commander):
    assert ready.reports.filter(status="open").exists()
    _close(ready, commander)
    assert not ready.reports.filter(status="open").exists()
    assert ready.log.last().data["reports_closed"]


def test_a_closed_incident_refuses_closure_notes_roles_and_report_edits(
        ready, commander, duty_officer):
    from ungpho.incidents.lifecycle import incident_note

    _close(ready, commander)
    with pytest.raises(IncidentError) as error:
        _close(ready, commander)
    assert _fields(error) == ["incident"] and "closed" in error.value.problems[0][1]
    for write in (lambda: incident_note(incident=ready, text="x", by=duty_officer),
                  lambda: role_appoint(incident=ready, role="scribe", user=duty_officer,
                                       by=duty_officer),
                  lambda: final_report_save(incident=ready, texts={"conclusions": "y"},
                                            version=1, by=duty_officer)):
        with pytest.raises(IncidentError) as error:
            write()
        assert _fields(error) == ["incident"]


def test_a_report_save_from_an_older_version_is_refused_not_lost(client, ready, duty_officer):
    client.force_login(duty_officer)
    answer = client.post(f"/incidents/{ready.pk}/final-report",
                         {"version": "0", "conclusions": "Kết luận của tôi"})
    assert answer.status_code == 409
    page = answer.content.decode()
    assert "Kết luận của tôi" in page and "saved by trucban meanwhile" in page
    ready.final_report.refresh_from_db()
    assert ready.final_report.conclusions == TEXTS["conclusions"]
    answer = client.post(f"/incidents/{ready.pk}/final-report",
                         {"version": "1", "conclusions": "Kết luận mới"})
    assert answer.status_code == 302
    ready.final_report.refresh_from_db()
    assert (ready.final_report.conclusions, ready.final_report.version) == ("Kết luận mới", 2)


SECTION_TITLES = ["Thông tin chung về sự cố", "Hoạt động ứng phó sự cố",
                  "Các biện pháp khắc phục sự cố đã được tiến hành", "Hậu quả với con người",
                  "Hậu quả với môi trường", "Đánh giá liều bức xạ",
                  "Tuân thủ thời hạn theo quy định", "Quyết định kết thúc ứng phó",
                  "Kết luận và kiến nghị"]


def _pdf_text(incident) -> str:
    content, content_type, _name = final_report_render(incident, "pdf")
    assert content_type == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())  # a table cell wraps its lines


def _docx_text(incident) -> str:
    content, content_type, _name = final_report_render(incident, "docx")
    assert content_type == DOCX_TYPE
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    header = [p.text for p in document.sections[0].header.paragraphs]
    return " ".join(" ".join([*header, *(p.text for p in document.paragraphs), *cells]).split())


@pytest.mark.parametrize("extract", [_pdf_text, _docx_text], ids=["pdf", "docx"])
def test_the_report_is_in_vietnamese_with_its_sections_and_deadline_table(
        extract, ready, commander):
    draft = extract(ready)
    assert "DỰ THẢO" in draft and "DIỄN TẬP" in draft
    _close(ready, commander)
    final = extract(ready)
    for text in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "BÁO CÁO KẾT THÚC SỰ CỐ", *SECTION_TITLES, TEXTS["countermeasures"],
                 "Phân loại sự cố", "Chênh lệch (phút)", "Đúng hạn", "Nguyễn Văn Hùng",
                 "0.5 mSv/năm"]:
        assert text in final, text
    assert "DỰ THẢO" not in final and "DIỄN TẬP" in final


def test_the_report_structure_lists_each_deadline_with_its_margin(ready, commander):
    _close(ready, commander)
    report = final_report_content(ready)
    deadlines = next(s for s in report.sections if s.id == "deadlines")
    table = deadlines.blocks[0]
    assert len(table.rows) == ready.deadlines.count()
    classify = next(r for r in table.rows if r[0].startswith("Phân loại"))
    assert classify[3].startswith("Đúng hạn") and classify[4].startswith("+")
    assert not report.draft and report.exercise


def test_the_closed_incident_page_is_readable_with_its_report_and_refuses_writes(
        client, ready, commander, duty_officer):
    _close(ready, commander)
    client.force_login(duty_officer)
    page = client.get(f"/incidents/{ready.pk}/").content.decode()
    assert 'value="classify"' not in page and 'value="note"' not in page
    assert f"/incidents/{ready.pk}/report.pdf" in page and 'data-closure="' in page
    assert TEXTS["conclusions"] in page
    entries = ready.log.count()
    answer = client.post(f"/incidents/{ready.pk}/", {"action": "note", "text": "muộn"})
    assert answer.status_code == 302 and ready.log.count() == entries


def test_the_commander_closes_from_the_page_after_checking_the_criteria(
        client, ready, commander):
    client.force_login(commander)
    form = {"potential_dose_msv_per_year": "11", "remediation_applied": "yes",
            "dose_basis": "Mô hình", "reason": "Hết nguy cơ"}
    checked = client.post(f"/incidents/{ready.pk}/closure", {**form, "action": "check"})
    assert checked.status_code == 200 and 'data-verdict="not-met"' in checked.content.decode()
    refused = client.post(f"/incidents/{ready.pk}/closure", {**form, "action": "close"})
    assert refused.status_code == 400 and "Hết nguy cơ" in refused.content.decode()
    closed = client.post(f"/incidents/{ready.pk}/closure",
                         {**form, "potential_dose_msv_per_year": "9", "action": "close"})
    assert closed.status_code == 302
    ready.refresh_from_db()
    assert ready.status == "closed"


def test_downloads_answer_pdf_and_docx_on_the_web_and_the_api(client, ready, duty_officer):
    client.force_login(duty_officer)
    pdf = client.get(f"/incidents/{ready.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "du-thao" in pdf["Content-Disposition"]
    word = client.get(f"/api/v1/incidents/{ready.pk}/report.docx")
    assert word["Content-Type"] == DOCX_TYPE and word.content.startswith(b"PK")
    assert client.get(f"/incidents/{ready.pk}/report.txt").status_code == 404


def test_the_api_closes_for_the_commander_and_names_the_fields_it_refuses(
        client, ready, commander):
    basic = "Basic " + base64.b64encode(f"chihuy:{PASSWORD}".encode()).decode()
    url = f"/api/v1/incidents/{ready.pk}/closure"
    body = {"potential_dose_msv_per_year": 20, "dose_basis": "Đo", "remediation_applied": True,
            "reason": "Xong"}
    refused = client.post(url, body, content_type="application/json",
                          HTTP_AUTHORIZATION=basic)
    assert refused.status_code == 400
    assert [p["field"] for p in refused.json()["errors"]] == ["criteria"]
    closed = client.post(url, {**body, "potential_dose_msv_per_year": 3},
                         content_type="application/json", HTTP_AUTHORIZATION=basic)
    assert closed.status_code == 201 and closed.json()["criteria_met"] is True


def test_someone_out_of_scope_cannot_see_or_download_the_report(client, ready):
    user_upsert(username="tinhkhac", password=PASSWORD, email="k@x.vn",
                role=Role.PROVINCIAL_COMMAND, province_code="79")
    client.login(username="tinhkhac", password=PASSWORD)
    assert client.get(f"/incidents/{ready.pk}/report.pdf").status_code == 404
    assert client.get(f"/api/v1/incidents/{ready.pk}/report.pdf").status_code == 404


def test_the_command_line_writes_the_report(ready, tmp_path):
    from ungpho.cli import main

    out = tmp_path / "bao-cao.docx"
    assert main(["incidents", "report", ready.code, "--format", "docx", "--out",
                 str(out)]) == 0
    assert any("Kết luận và kiến nghị" in p.text for p in docx.Document(out).paragraphs)


def test_the_closed_incidents_page_lists_an_ended_response_with_its_final_report(
        client, ready, commander, duty_officer):
    client.force_login(duty_officer)
    assert ready.code not in client.get("/incidents/closed/", follow=True).content.decode()
    _close(ready, commander)
    page = client.get("/incidents/closed/", follow=True).content.decode()
    assert f'data-incident="{ready.code}"' in page and "DIỄN TẬP" in page
    assert f"/incidents/{ready.pk}/report.pdf" in page
    assert "/incidents/closed/" in client.get("/duty/").content.decode()
