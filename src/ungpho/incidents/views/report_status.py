"""Closing a report from the duty desk (a page that asks why and for confirmation: no
one-click close), reopening it from its page, and the list of closed reports with their
reasons (``incidents.report_status``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.reports.status import CLOSE_CHOICES, report_close, report_reopen
from ungpho.incidents.selectors import incident_list_open, incident_title, reports_visible
from ungpho.incidents.views.reception import report_detail
from ungpho.platform.forms import message_shown

#: How many closed reports the list shows, latest closed first.
CLOSED_SHOWN = 500


def _errors(error: IncidentError) -> dict[str, str]:
    shown: dict[str, str] = {}
    for field, message in error.problems:
        shown.setdefault(field, message_shown(message))
    return shown


@login_required
def report_close_page(request: HttpRequest, pk: int):
    """GET: the report, the reasons and a note; POST: close it (the confirmation)."""
    report = get_object_or_404(incident_list_open(user=request.user), pk=pk)
    errors: dict[str, str] = {}
    values = {"close_reason": "", "note": ""}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in values}
        try:
            report_close(report=report, reason=values["close_reason"], note=values["note"],
                         by=request.user)
        except IncidentError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("Report %(code)s closed.") % {"code": report.code})
            return redirect("duty-desk")
    choices = [(reason.value, reason.label) for reason in CLOSE_CHOICES]
    return render(request, "incidents/report_close.html", {
        "report": report, "title": incident_title(report), "choices": choices,
        "values": values, "errors": errors}, status=422 if errors else 200)


@login_required
@require_POST
def report_reopen_post(request: HttpRequest, pk: int):
    report = get_object_or_404(reports_visible(user=request.user), pk=pk)
    try:
        report_reopen(report=report, note=request.POST.get("note", ""), by=request.user)
    except IncidentError as error:
        return report_detail(request, pk, reopen_errors=_errors(error),
                             reopen_note=request.POST.get("note", ""))
    messages.success(request, _("Report %(code)s reopened: it is back on the duty desk.") % {
        "code": report.code})
    return redirect("report", pk=report.pk)


@login_required
def reports_closed(request: HttpRequest):
    """Closed reports, the latest closed first, each with why."""
    closed = reports_visible(user=request.user).filter(
        status=IncidentReport.Status.CLOSED).order_by("-closed_at", "-pk")[:CLOSED_SHOWN]
    reports = list(closed)
    for report in reports:
        report.title = incident_title(report)
    return render(request, "incidents/reports_closed.html", {"reports": reports,
                                                        "limit": CLOSED_SHOWN})
