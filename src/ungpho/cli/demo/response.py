"""The demo's response: what a duty desk and a provincial command board do in the first hour
of the Ir-192 camera incident (roles, activation package, checklist, a task, situation report
no. 1; public message no. 1 is ``public.demo``'s), and a closed drill from a call (final
report and closure, Điều 25). Demo only: ``ungpho demo`` calls it on a fresh incident."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction

from ungpho.incidents.closure.decision import final_report_save, incident_closure_decide
from ungpho.incidents.deadlines import deadline_meet
from ungpho.incidents.lifecycle import incident_classify, incident_open
from ungpho.incidents.models import ActivationPackage, Deadline, Incident, IncidentTask
from ungpho.incidents.reports.reception import report_receive
from ungpho.incidents.response.packages import package_apply, packages_suggest
from ungpho.incidents.response.phases import checklist_tick, incident_phases, phase_advance
from ungpho.incidents.response.roles import role_appoint
from ungpho.incidents.response.sitreps import sitrep_issue
from ungpho.incidents.response.tasks import task_update


def _user(username: str):
    return get_user_model().objects.get(username=username)


@transaction.atomic
def demo_response(incident: Incident) -> ActivationPackage:
    """Roles, package, checklist, a task done and sitrep no. 1; the package applied."""
    officer, board = _user("trucban"), _user("bch.haiphong")
    role_appoint(incident=incident, role="commander", user=board, by=officer)
    role_appoint(incident=incident, role="public_information", user=officer, by=board)
    role_appoint(incident=incident, role="scribe", user=officer, by=board)
    package, _why = packages_suggest(incident)[0]
    package_apply(incident=incident, package=package, by=board)
    _instrument, phases = incident_phases(incident)
    for item in phases.phases[0].checklist:
        checklist_tick(incident=incident, phase=1, item=item.id, by=officer)
    phase_advance(incident=incident, to=2, seen=1, by=board)
    task = IncidentTask.objects.filter(incident=incident).order_by("due_at", "pk").first()
    task_update(task=task, version=task.version, by=board, status="done")
    now = dt.datetime.now(dt.UTC)
    sitrep_issue(incident=incident, by=board, next_due_at=now + dt.timedelta(hours=4),
                 situation="Máy chụp ảnh phóng xạ Ir-192 rời vùng được phép tại KCN Đình Vũ; "
                           "đội ứng phó bức xạ đang dò tìm theo vị trí cuối của thiết bị "
                           "định vị.",
                 actions="Thông báo Công an, Sở KH&CN; điều xe đo suất liều.",
                 next_steps="Khoanh vùng 100 m khi tìm thấy; thu hồi nguồn vào container.")
    return package


DRILL_CALL = {
    "caller_name": "Đỗ Minh Khang", "caller_phone": "024 3869 3731",
    "caller_category": "facility_staff",
    "caller_organisation_or_address": "Khoa Y học hạt nhân, Bệnh viện Bạch Mai",
    "incident_location": "Kho nguồn, Khoa Y học hạt nhân, Bệnh viện Bạch Mai, Hà Nội",
    "incident_description": "DIỄN TẬP: nguồn chuẩn Cs-137 370 MBq không có trong kho khi "
                            "kiểm kê đầu ca",
    "facility": "bachmai-ydhn",
}

DRILL_REPORT = {
    "recipients": "Cục An toàn bức xạ và hạt nhân; Sở KH&CN Hà Nội",
    "activities": "Kiểm kê lại kho nguồn, rà soát camera, đo suất liều toàn khoa.",
    "countermeasures": "Tạm dừng ra vào kho nguồn trong 2 giờ.",
    "consequences_people": "Không có người bị chiếu xạ.",
    "consequences_environment": "Không phát hiện nhiễm bẩn.",
    "dose_assessment": "Suất liều tại kho 0,12 µSv/h, bằng phông.",
    "conclusions": "Nguồn được tìm thấy trong tủ che chắn phụ; diễn tập đạt yêu cầu.",
}


@transaction.atomic
def demo_drill(*, out: TextIO) -> Incident:
    """A drill from a call, classified, reported and closed: the final report PDF/DOCX."""
    officer = _user("trucban")
    now = dt.datetime.now(dt.UTC)
    report = report_receive(answers={**DRILL_CALL, "call_time": (
        now - dt.timedelta(minutes=12)).isoformat()}, by=officer)
    incident = incident_open(report=report, by=officer, exercise=True)
    incident_classify(incident=incident, facts={
        "hazard_category": "IV", "event": {"information_clear": True, "in_facility": True,
                                            "source_group": 4, "source_out_of_control": False,
                                            "release": False, "contamination": "none"},
        "scope": {"at_facility": True, "effects_beyond_site": False}}, by=officer)
    role_appoint(incident=incident, role="commander", user=officer, by=officer)
    for deadline in incident.deadlines.filter(status=Deadline.Status.PENDING):
        deadline_meet(deadline=deadline, by=officer)
    final_report_save(incident=incident, texts=DRILL_REPORT, version=0, by=officer)
    incident_closure_decide(incident=incident, by=officer, potential_dose_msv_per_year="0.05",
                            dose_basis="Đo suất liều tại kho nguồn", remediation_applied=True,
                            reason="Nguồn đã được tìm thấy, không có chiếu xạ")
    out.write(f"Diễn tập / drill {incident.code} đã kết thúc / closed → "
              f"/incidents/{incident.pk}/report.pdf\n")
    return incident
