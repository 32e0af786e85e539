"""The closure card of the incident page: the final report's sections (Phụ lục VII.6), the
commander's closure decision against the criteria of Điều 25.2, checked by the rules engine
before anything is written, and the report as PDF and DOCX (a draft until closure).

A refused form comes back on a page of its own with what was typed and why, never lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ungpho.core.validate import POSITIVE_INTEGER
from ungpho.incidents.closure.decision import (
    REPORT_FIELDS,
    REPORT_REQUIRED,
    closure_check,
    closure_instrument,
    final_report_save,
    incident_closure_decide,
)
from ungpho.incidents.closure.final_report import REPORT_FORMATS, report_response
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import ClosureDecision, FinalReport
from ungpho.incidents.response.roles import role_holder
from ungpho.incidents.selectors import incidents_visible
from ungpho.incidents.views.form_input import form_int
from ungpho.platform.forms import problems_shown

CLOSURE_FIELDS = ("potential_dose_msv_per_year", "dose_basis", "remediation_applied",
                  "conditions", "reason", "override", "override_reason")


def context(incident, user, *, texts: dict | None = None, form: dict | None = None,
            problems: list[str] | None = None, check=None) -> dict:
    """The card's context; ``texts``/``form``: what was typed, shown back after a refusal."""
    report = FinalReport.objects.filter(incident=incident).first() or FinalReport(
        incident=incident)
    instrument = closure_instrument(incident)
    restoration = instrument.tables.get("restoration")
    commander = role_holder(incident, "commander")
    values = texts or {}
    return {
        "closure": ClosureDecision.objects.filter(incident=incident).first(),
        "final_report": report,
        "final_report_fields": [
            (name, FinalReport._meta.get_field(name).verbose_name,
             values.get(name, getattr(report, name)), name in REPORT_REQUIRED)
            for name in REPORT_FIELDS],
        "restoration": restoration,
        "restoration_cite": instrument.cite(restoration.cite) if restoration else "",
        "commander": commander,
        "may_close": commander is not None and commander.pk == user.pk,
        "closure_form": form or {},
        "closure_problems": problems or [],
        "closure_verdict": check,
        "report_formats": list(REPORT_FORMATS),
    }


def _incident(request: HttpRequest, pk: int):
    return get_object_or_404(incidents_visible(user=request.user), pk=pk)


def _refused(request, incident, error: IncidentError, **typed) -> HttpResponse:
    problems = [problems_shown([problem], (FinalReport, ClosureDecision))
                for problem in error.problems]
    status = 409 if any(field == "version" for field, _m in error.problems) else 400
    return render(request, "incidents/incident_closure_page.html", {
        "incident": incident, **context(incident, request.user, problems=problems, **typed)},
        status=status)


@login_required
@require_POST
def incident_final_report_save(request: HttpRequest, pk: int):
    incident = _incident(request, pk)
    texts = {name: request.POST[name] for name in REPORT_FIELDS if name in request.POST}
    try:
        version = form_int(request.POST.get("version"), "version", POSITIVE_INTEGER)
        final_report_save(incident=incident, texts=texts, version=version, by=request.user)
    except IncidentError as error:
        return _refused(request, incident, error, texts=texts)
    messages.success(request, _("Final report saved."))
    return redirect(reverse("incident", args=[incident.pk]) + "#closure")


def _closure_form(post) -> dict:
    return {name: post.get(name, "") for name in CLOSURE_FIELDS}


def _remediation(form: dict) -> bool | None:
    return {"yes": True, "no": False}.get(form["remediation_applied"])


@login_required
@require_POST
def incident_closure_post(request: HttpRequest, pk: int):
    """``action=check``: the rules engine's verdict on the figures, nothing written;
    ``action=close``: the commander's decision."""
    incident = _incident(request, pk)
    form = _closure_form(request.POST)
    try:
        if request.POST.get("action") == "check":
            return _check(request, incident, form)
        incident_closure_decide(
            incident=incident, by=request.user,
            potential_dose_msv_per_year=form["potential_dose_msv_per_year"],
            dose_basis=form["dose_basis"], remediation_applied=_remediation(form),
            reason=form["reason"], conditions=form["conditions"],
            override=form["override"] == "on", override_reason=form["override_reason"])
    except IncidentError as error:
        return _refused(request, incident, error, form=form)
    messages.success(request, _("The response is closed; the final report is issued."))
    return redirect(reverse("incident", args=[incident.pk]) + "#closure")


def _check(request, incident, form: dict) -> HttpResponse:
    check = closure_check(incident, potential_dose_msv_per_year=form[
        "potential_dose_msv_per_year"], remediation_applied=_remediation(form))
    return render(request, "incidents/incident_closure_page.html", {
        "incident": incident, **context(incident, request.user, form=form, check=check)})


@login_required
@require_GET
def incident_report_download(request: HttpRequest, pk: int, fmt: str):
    if fmt not in REPORT_FORMATS:
        raise Http404(fmt)
    return report_response(_incident(request, pk), fmt)
