"""Incident pages: open an incident from a report or link the report to one (duty desk),
and the incident page: its reports, classification with every criterion and its history,
and the log (TT 12/2023/TT-BKHCN Điều 19.3, 22; Phụ lục VI)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ungpho.incidents.deadlines import deadline_acknowledge, deadline_meet
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import (
    incident_note,
    incident_open,
    report_link,
)
from ungpho.incidents.models import IncidentLogEntry
from ungpho.incidents.page_cards import cards_context
from ungpho.incidents.selectors import (
    deadlines_marked,
    incident_list_open,
    incident_log_sealed,
    incidents_open,
    incidents_visible,
)
from ungpho.incidents.views import (
    closure,
    facts,
    incident_map,
    notifications,
    response,
    roles,
    strip,
)
from ungpho.platform.forms import object_or_404, problems_shown


@login_required
@require_POST
def report_incident_open(request: HttpRequest, pk: int):
    report = get_object_or_404(incident_list_open(user=request.user), pk=pk)
    try:
        incident = incident_open(report=report, by=request.user,
                                 exercise=request.POST.get("exercise") == "on")
    except IncidentError as error:
        messages.error(request, str(error))
        return redirect("duty-desk")
    return redirect("incident", pk=incident.pk)


@login_required
@require_POST
def report_incident_link(request: HttpRequest, pk: int):
    report = get_object_or_404(incident_list_open(user=request.user), pk=pk)
    incident = object_or_404(incidents_open(user=request.user), request.POST.get("incident"))
    try:
        report_link(report=report, incident=incident, by=request.user)
    except IncidentError as error:
        messages.error(request, str(error))
        return redirect("duty-desk")
    messages.success(request, _("Report %(report)s linked to %(incident)s.") % {
        "report": report.code, "incident": incident.code})
    return redirect("duty-desk")


@login_required
def incident_detail(request: HttpRequest, pk: int):
    incident = get_object_or_404(incidents_visible(user=request.user), pk=pk)
    if request.method == "POST" and incident.status != incident.Status.OPEN:
        messages.error(request, _("%(incident)s is closed: its record is read-only.") % {
            "incident": incident.code})
        return redirect("incident", pk=incident.pk)
    if request.method == "POST" and request.POST.get("action") in ("meet", "ack"):
        deadline = object_or_404(incident.deadlines, request.POST.get("deadline"))
        if request.POST["action"] == "meet":
            with transaction.atomic():
                deadline_meet(deadline=deadline, by=request.user)
        else:
            deadline_acknowledge(deadline=deadline, by=request.user)
        return redirect("incident", pk=incident.pk)
    elif request.method == "POST" and request.POST.get("action") == "note":
        try:
            incident_note(incident=incident, text=request.POST.get("text", ""),
                          by=request.user)
        except IncidentError as error:
            messages.error(request, problems_shown(error.problems, IncidentLogEntry))
        return redirect("incident", pk=incident.pk)
    classifications = list(incident.classifications.all())
    page = {
        "incident": incident, "reports": incident.reports.all(),
        "latest": classifications[-1] if classifications else None,
        "history": classifications[::-1], "log": incident.log.all(),
        "deadlines": list(deadlines_marked(incident.deadlines.all(),
                                           now=dt.datetime.now(dt.UTC))),
        **roles.context(incident, request.user),
        **incident_map.context(incident, request.user),
        **cards_context(incident, request.user),
        **closure.context(incident, request.user),
        **facts.context(incident, request),
        **response.context(incident, request.user),
        **notifications.context(incident, request.user)}
    return render(request, "incidents/incident.html", {**page, **strip.context(page)})


@login_required
def incident_log(request: HttpRequest, pk: int):
    """The log on its own, for print (TT 12/2023 Phụ lục VII: nhật ký ứng phó), each entry
    beside its audit record."""
    incident = get_object_or_404(incidents_visible(user=request.user), pk=pk)
    return render(request, "incidents/incident_log.html", {
        "incident": incident, "entries": incident_log_sealed(incident)})
