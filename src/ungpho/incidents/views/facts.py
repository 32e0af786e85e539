"""Classification on the incident page from the structured facts form (or, advanced, the
facts as JSON): the rules engine suggests, the officer confirms or overrides with a written
reason (TT 12/2023/TT-BKHCN Điều 19.3, 22; Phụ lục III, VI). A refused form comes back with
every value kept and each problem next to its field."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from ungpho.core.rules.facts import FactsError
from ungpho.core.validate import SMALLINT, Invalid, json_loads
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import incident_classify
from ungpho.incidents.models import Classification
from ungpho.incidents.selectors import incidents_open
from ungpho.incidents.views.facts_form import facts_form, facts_from_form, facts_values, field_of
from ungpho.incidents.views.form_input import form_int
from ungpho.platform.forms import problems_shown

CONFIRMED = ("hazard_category", "alarm_level", "scope", "reason")


def _session_key(incident) -> str:
    return f"incident_facts:{incident.pk}"


def prefill_facts(incident) -> dict:
    """The facts to start from: the latest classification's, else those derived from the
    earliest linked report (a call's answers and its source, see incidents.reception)."""
    latest = incident.classifications.last()
    if latest is not None:
        return latest.facts
    for report in incident.reports.order_by("first_information_at", "pk"):
        facts = (report.decision or {}).get("facts")
        if isinstance(facts, dict):
            return facts
    return {}


def context(incident, request: HttpRequest) -> dict:
    """What ``incidents/_incident_facts_form.html`` needs, for ``incident_detail``'s context."""
    refused = request.session.pop(_session_key(incident), None)
    if refused:
        values, errors = refused["values"], refused["errors"]
        facts_text, mode, summary = refused["json"], refused["mode"], refused["summary"]
        confirmed = refused["confirmed"]
    else:
        facts = prefill_facts(incident)
        facts_text = json.dumps(facts, ensure_ascii=False, indent=2)
        try:
            values = facts_values(facts)
        except ValueError:  # facts the form cannot show: the JSON still has them
            values = {}
        errors, mode, summary, confirmed = {}, "form", [], {}
    return {"facts_form": facts_form(values, errors), "facts_text": facts_text,
            "facts_mode": mode, "facts_summary": summary, "facts_confirmed": confirmed,
            "facts_scopes": incident.Scope.choices}


def _posted_values(request: HttpRequest) -> dict:
    """The form's values as posted, boxes as lists, for showing the form again."""
    checks = {n.name for n in facts_form({}, {}) if n.kind == "field" and n.spec.kind == "checks"}
    return {k: v if k in checks else v[-1] for k, v in request.POST.lists()
            if k not in ("csrfmiddlewaretoken", "facts", "mode", *CONFIRMED)}


@login_required
@require_POST
def incident_facts_classify(request: HttpRequest, pk: int):
    incident = get_object_or_404(incidents_open(user=request.user), pk=pk)
    mode = "json" if request.POST.get("mode") == "json" else "form"
    confirmed = {k: request.POST[k] for k in ("hazard_category", "scope")
                 if request.POST.get(k)}
    values = _posted_values(request)
    positions: dict = {}
    errors: dict[str, str] = {}
    summary: list[str] = []
    try:
        if request.POST.get("alarm_level"):
            confirmed["alarm_level"] = form_int(request.POST["alarm_level"], "alarm_level",
                                                SMALLINT)
        if mode == "json":
            facts = json_loads(request.POST.get("facts") or "{}", field="facts")
        else:
            facts, positions = facts_from_form(request.POST)
        incident_classify(incident=incident, facts=facts, by=request.user,
                          confirmed=confirmed, reason=request.POST.get("reason", ""))
    except Invalid as error:
        summary = [problems_shown([(error.field, error.message)], Classification)]
    except FactsError as error:
        shown = {n.name for n in facts_form(values, {}) if n.kind == "field"}
        for problem in error.problems:
            name = field_of(problem.path, positions)
            if mode == "form" and name in shown:
                errors.setdefault(name, problem.message)
            summary.append(f"{name or '$'}: {problem.message}")
    except IncidentError as error:
        summary = [problems_shown([problem], Classification) for problem in error.problems]
    else:
        return redirect("incident", pk=incident.pk)
    request.session[_session_key(incident)] = {
        "values": values, "errors": errors, "summary": summary, "mode": mode,
        "json": request.POST.get("facts", ""),
        "confirmed": {k: request.POST.get(k, "") for k in CONFIRMED}}
    return redirect(reverse("incident", args=[incident.pk]) + "#classify")
