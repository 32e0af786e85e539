"""Incident pages: open an incident from a report or link the report to one (duty desk),
and the incident page: its reports, classification with every criterion and its history,
and the log (TT 12/2023/TT-BKHCN Điều 19.3, 22; Phụ lục VI)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ungpho.core.rules.facts import FactsError
from ungpho.incidents.deadlines import deadline_acknowledge, deadline_meet
from ungpho.incidents.response import (
    IncidentError,
    incident_classify,
    incident_note,
    incident_open,
    report_link,
)
from ungpho.incidents.selectors import incident_list_open, incidents_open
from ungpho.web import incident_notifications


def _problems(error: IncidentError | FactsError) -> list[str]:
    if isinstance(error, IncidentError):
        return [f"{field}: {message}" for field, message in error.problems]
    return [f"{problem.path}: {problem.message}" for problem in error.problems]


@login_required
@require_POST
def report_incident_open(request: HttpRequest, pk: int):
    report = get_object_or_404(incident_list_open(user=request.user), pk=pk)
    try:
        incident = incident_open(report=report, by=request.user,
                                 exercise=request.POST.get("exercise") == "on")
    except IncidentError as error:
        messages.error(request, "; ".join(_problems(error)))
        return redirect("duty-desk")
    return redirect("incident", pk=incident.pk)


@login_required
@require_POST
def report_incident_link(request: HttpRequest, pk: int):
    report = get_object_or_404(incident_list_open(user=request.user), pk=pk)
    incident = get_object_or_404(incidents_open(user=request.user),
                                 pk=request.POST.get("incident"))
    try:
        report_link(report=report, incident=incident, by=request.user)
    except IncidentError as error:
        messages.error(request, "; ".join(_problems(error)))
        return redirect("duty-desk")
    messages.success(request, _("Report %(report)s linked to %(incident)s.") % {
        "report": report.code, "incident": incident.code})
    return redirect("duty-desk")


def _latest_facts(incident) -> str:
    latest = incident.classifications.last()
    return json.dumps(latest.facts if latest else {}, ensure_ascii=False, indent=2)


@login_required
def incident_detail(request: HttpRequest, pk: int):
    incident = get_object_or_404(incidents_open(user=request.user), pk=pk)
    problems: list[str] = []
    facts_text = _latest_facts(incident)
    if request.method == "POST" and request.POST.get("action") == "classify":
        facts_text = request.POST.get("facts", "")
        confirmed = {k: request.POST[k] for k in ("hazard_category", "scope")
                     if request.POST.get(k)}
        if request.POST.get("alarm_level", "").isdigit():
            confirmed["alarm_level"] = int(request.POST["alarm_level"])
        try:
            facts = json.loads(facts_text or "{}")
            incident_classify(incident=incident, facts=facts, by=request.user,
                              confirmed=confirmed, reason=request.POST.get("reason", ""))
        except json.JSONDecodeError as error:
            problems = [_("facts: not valid JSON (%(error)s)") % {"error": error}]
        except (IncidentError, FactsError) as error:
            problems = _problems(error)
        else:
            return redirect("incident", pk=incident.pk)
    elif request.method == "POST" and request.POST.get("action") in ("meet", "ack"):
        deadline = get_object_or_404(incident.deadlines, pk=request.POST.get("deadline"))
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
            problems = _problems(error)
        else:
            return redirect("incident", pk=incident.pk)
    classifications = list(incident.classifications.all())
    return render(request, "web/incident.html", {
        "incident": incident, "reports": incident.reports.all(),
        "latest": classifications[-1] if classifications else None,
        "history": classifications[::-1], "log": incident.log.all(),
        "facts_text": facts_text, "problems": problems, "scopes": incident.Scope.choices,
        "deadlines": incident.deadlines.all(),
        **incident_notifications.context(incident, request.user)})
