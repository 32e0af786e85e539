"""The end of a response over the API: the closure report as PDF or DOCX (a draft until
closure), the final report's sections, and the commander's closure decision
(TT 12/2023 Điều 25.2, Phụ lục VII.6). Signed-in users (session, or HTTP Basic for
machines), each in their scope; a refusal answers 400 with every field at fault."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from ungpho.core.validate import POSITIVE_INTEGER, Int, Text
from ungpho.incidents.closure.decision import final_report_save, incident_closure_decide
from ungpho.incidents.closure.final_report import report_response
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.selectors import incidents_visible
from ungpho.platform.api_auth import AUTH
from ungpho.platform.api_errors import errors_response

router = Router(tags=["incidents"])


class FinalReportIn(Schema):
    version: Int(POSITIVE_INTEGER)
    recipients: Text() | None = None
    activities: Text() | None = None
    countermeasures: Text() | None = None
    consequences_people: Text() | None = None
    consequences_environment: Text() | None = None
    dose_assessment: Text() | None = None
    conclusions: Text() | None = None


class ClosureIn(Schema):
    potential_dose_msv_per_year: Text(60, numbers=True)
    dose_basis: Text()
    remediation_applied: bool
    reason: Text()
    conditions: Text() = ""
    override: bool = False
    override_reason: Text() = ""


def _download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return report_response(get_object_or_404(incidents_visible(user=request.auth), pk=pk), fmt)


@router.get("/incidents/{pk}/report.pdf", auth=AUTH,
            summary="Báo cáo kết thúc sự cố (PDF) / Closure report (PDF)")
def report_pdf(request: HttpRequest, pk: int):
    """Phụ lục VII.6, in Vietnamese; marked DỰ THẢO while the response is open."""
    return _download(request, pk, "pdf")


@router.get("/incidents/{pk}/report.docx", auth=AUTH,
            summary="Báo cáo kết thúc sự cố (DOCX) / Closure report (DOCX)")
def report_docx(request: HttpRequest, pk: int):
    """As the PDF, editable in a word processor."""
    return _download(request, pk, "docx")


@router.put("/incidents/{pk}/final-report", auth=AUTH, response={200: dict, 400: dict},
            summary="Nội dung báo cáo kết thúc / Final report sections")
def final_report_put(request: HttpRequest, pk: int, body: FinalReportIn):
    """Save the officer-written sections from ``version`` (the one read; a stale one is
    refused naming who saved meanwhile); sections left out stay as they are."""
    incident = get_object_or_404(incidents_visible(user=request.auth), pk=pk)
    texts = {k: v for k, v in body.dict(exclude={"version"}).items() if v is not None}
    try:
        report = final_report_save(incident=incident, texts=texts, version=body.version,
                                   by=request.auth)
    except IncidentError as error:
        return errors_response(400, error.problems)
    return Status(200, {"version": report.version, **{k: getattr(report, k) for k in texts}})


@router.post("/incidents/{pk}/closure", auth=AUTH, response={201: dict, 400: dict},
             summary="Quyết định kết thúc ứng phó / Close the response")
def closure_post(request: HttpRequest, pk: int, body: ClosureIn):
    """The incident commander ends the response (Điều 25.2: potential effective dose
    ≤ 10 mSv/year and restoration measures applied; otherwise ``override`` with
    ``override_reason``). Closes the incident and issues the final report."""
    incident = get_object_or_404(incidents_visible(user=request.auth), pk=pk)
    try:
        closure = incident_closure_decide(incident=incident, by=request.auth,
                                          **body.dict())
    except IncidentError as error:
        return errors_response(400, error.problems)
    return Status(201, {"incident": incident.code, "decided_at": closure.decided_at.isoformat(),
                        "criteria_met": closure.criteria_met, "overridden": closure.overridden,
                        "instrument": closure.instrument, "decision": closure.decision})
