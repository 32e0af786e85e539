"""``/api/v1/incidents/reports``: enter a call or message as a report (the answers of the
reception form, TT 12/2023/TT-BKHCN Phụ lục VIII.I, as JSON), list the reports, read one with
its preliminary classification. Signed-in users (session, or HTTP Basic for machines), each
in their scope; errors name the field."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from ungpho.core.validate import Invalid, json_loads
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.reports.reception import report_receive
from ungpho.incidents.selectors import incident_title, reports_visible
from ungpho.platform.api_auth import AUTH
from ungpho.platform.api_errors import errors_response

router = Router(tags=["incidents"])


def _deadline_json(report: IncidentReport) -> dict | None:
    """The report's classification deadline as the worker keeps it (TT 12/2023 Phụ lục VI)."""
    clock = getattr(report, "deadline", None)
    if clock is None:
        return None
    return {"due_at": clock.due_at.isoformat(), "status": clock.status,
            "breached_at": clock.breached_at.isoformat() if clock.breached_at else None,
            "escalation_steps_sent": clock.next_step, "citation": clock.citation}


def report_json(report: IncidentReport, *, full: bool = False) -> dict:
    data = {"id": report.pk, "code": report.code, "status": report.status,
            "source": report.source, "title": incident_title(report),
            "province": report.province_id, "lat": report.lat, "lon": report.lon,
            "facility": report.facility.code if report.facility_id else None,
            "radioactive_source": report.radioactive_source.serial
            if report.radioactive_source_id else None,
            "first_information_at": report.first_information_at.isoformat(),
            "opened_at": report.opened_at.isoformat(),
            "incident": report.incident.code if report.incident_id else None,
            "received_by": report.received_by or None,
            "classification_deadline": _deadline_json(report),
            "close_reason": report.close_reason or None, "close_note": report.close_note or None,
            "closed_at": report.closed_at.isoformat() if report.closed_at else None}
    if full:
        data |= {"reception": report.reception or None, "decision": report.decision}
    return data


@router.post("/reports", auth=AUTH, response={201: dict, 400: dict, 403: dict, 422: dict},
             summary="Tiếp nhận thông tin sự cố / Enter a call or message as a report")
def reports_post(request: HttpRequest):
    """Body: the answers of the reception form by field id (``ungpho rules show``: table
    ``reception_form``) plus where the report goes, e.g. ``{"caller_name": "Nguyễn Văn A",
    "caller_phone": "0912 345 678", "call_time": "2026-11-21T08:05:00+07:00",
    "incident_location": "Bãi phế liệu, Hạ Long", "incident_description": "…",
    "call_verified": false, "province": "22", "radioactive_source": "IR-0417"}``.
    Mandatory: ``incident_location``, ``incident_description``, ``call_time``, the caller's
    name or telephone, and a ``province`` (or coordinates or a facility). 201 with the report
    and its preliminary classification; 422 lists every field at fault; 400 bad JSON."""
    try:
        body = json_loads(request.body)
    except Invalid as error:
        return errors_response(400, [(error.field, error.message)])
    if not isinstance(body, dict):
        return errors_response(400, [("body", "the answers must be a JSON object")])
    try:
        report = report_receive(answers=body, by=request.auth)
    except IncidentError as error:
        status = 403 if [f for f, _ in error.problems] == ["user"] else 422
        return errors_response(status, error.problems)
    return Status(201, report_json(report, full=True))


@router.get("/reports", auth=AUTH, response={200: dict, 422: dict},
            summary="Báo cáo sự cố / Incident reports")
def reports_get(request: HttpRequest, status: str = "open"):
    """The reports in the caller's scope, newest first; ``status``: open, closed or all."""
    if status not in (*IncidentReport.Status.values, "all"):
        return errors_response(422, [("status", f"{status!r} is not one of open, closed, all")])
    reports = reports_visible(user=request.auth)
    if status != "all":
        reports = reports.filter(status=status)
    return {"reports": [report_json(r) for r in reports[:500]]}


@router.get("/reports/{pk}", auth=AUTH, response={200: dict, 404: dict},
            summary="Một báo cáo sự cố / One incident report")
def report_get(request: HttpRequest, pk: int):
    """One report with the reception form's answers and its preliminary classification."""
    report = reports_visible(user=request.auth).filter(pk=pk).first()
    if report is None:
        return errors_response(404, [("pk", f"no report {pk} in your scope")])
    return report_json(report, full=True)
