"""The duty desk's call form (TT 12/2023/TT-BKHCN Phụ lục VIII.I), rendered from the form
table of the instrument in force, and a report's page with its answers and the preliminary
classification by the rules engine, matched criteria and citations shown."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ungpho.core.rules.reception import CALLER, MANDATORY, PLACEMENT, form_fields
from ungpho.core.vietnam_time import VIETNAM
from ungpho.geo.selectors import province_list
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.reports.reception import reception_form_in_force, report_receive
from ungpho.incidents.selectors import (
    incident_duplicates,
    incident_title,
    incidents_open,
    reports_visible,
)
from ungpho.platform.forms import message_shown
from ungpho.platform.i18n import localized
from ungpho.preparedness.selectors import facility_list, source_list

#: The caller's part first (what the officer writes while on the phone), the receiving
#: desk's part (prefilled) after it.
SECTION_ORDER = ("incoming", "general")


def _reported(user) -> dict:
    """Who entered the report, prefilled on the form (Phụ lục VIII.I.A, I.B)."""
    name = user.get_full_name() or user.get_username()
    return {"receiver_name": name, "receiver_signature": name}


def _now_local() -> str:
    return dt.datetime.now(VIETNAM).strftime("%Y-%m-%d %H:%M")


def _sections(form, values: dict, errors: dict, cite) -> list[dict]:
    order = {sid: i for i, sid in enumerate(SECTION_ORDER)}
    sections = []
    for section in sorted(form.sections, key=lambda s: order.get(s.id, len(order))):
        fields = []
        for field in section.fields:
            value = values.get(field.id, [] if field.type == "multi_choice" else "")
            fields.append({
                "id": field.id, "type": field.type, "cite": cite(field.cite or section.cite),
                "label": localized(field.label.vi, field.label.en),
                "hint": localized(field.hint.vi, field.hint.en) if field.hint else "",
                "options": [(o.id, localized(o.vi, o.en)) for o in field.options],
                "value": value, "error": errors.get(field.id, ""),
                "required": field.id in MANDATORY,
                "either": field.id in CALLER})
        sections.append({"id": section.id, "name": localized(section.name.vi, section.name.en),
                         "cite": cite(section.cite), "fields": fields})
    return sections


def _posted(request: HttpRequest, form) -> dict:
    types = {name: f.type for name, f in form_fields(form).items()}
    answers: dict = {name: request.POST.getlist(name) if kind == "multi_choice"
                     else request.POST.get(name, "") for name, kind in types.items()}
    return answers | {name: request.POST.get(name, "") for name in PLACEMENT}


@login_required
def report_new(request: HttpRequest):
    """``/duty/reports/new``: one call, keyboard only (Ctrl+Enter submits)."""
    instrument, form = reception_form_in_force(dt.date.today())
    errors: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        values = _posted(request, form)
        try:
            report = report_receive(answers=values, by=request.user)
        except IncidentError as error:
            problems = error.problems
            for field, message in problems:
                errors.setdefault(field, message_shown(message))
        else:
            return redirect("report", pk=report.pk)
    else:
        values = {**_reported(request.user), "call_time": _now_local()}
    sections = _sections(form, values, errors, instrument.cite)
    focus = problems[0][0] if problems else sections[0]["fields"][0]["id"]
    labels = {f.id: localized(f.label.vi, f.label.en) for f in form_fields(form).values()}
    labels |= {"province": _("Province"), "lat": _("Latitude"), "lon": _("Longitude"),
               "facility": _("Facility"), "radioactive_source": _("Radioactive source"),
               "occurred_at": _("Time of the event"), "user": _("User")}
    return render(request, "incidents/reception.html", {
        "title": localized(form.title.vi, form.title.en), "cite": instrument.cite(form.cite),
        "sections": sections, "values": values, "errors": errors, "focus": focus,
        "summary": [(field, labels.get(field, field), message_shown(message))
                    for field, message in problems],
        "provinces": province_list(), "facilities": facility_list(user=request.user),
        "sources": source_list(user=request.user)}, status=422 if problems else 200)


def _answers(report: IncidentReport) -> list[dict]:
    """The report's answers by section of the form, in the form's words."""
    if not report.reception:
        return []
    try:  # the form the answers were checked against: in force when the report was entered
        _instrument, form = reception_form_in_force(report.opened_at.date())
    except IncidentError:
        return []
    given = report.reception.get("answers", {})
    rows = []
    for section in form.sections:
        items = []
        for field in section.fields:
            if field.id not in given:
                continue
            value = given[field.id]
            names = {o.id: localized(o.vi, o.en) for o in field.options}
            if isinstance(value, bool):
                value = _("yes") if value else _("no")
            elif isinstance(value, list):
                value = ", ".join(names.get(v, v) for v in value)
            elif field.type == "datetime":
                value = dt.datetime.fromisoformat(value).astimezone(VIETNAM).strftime(
                    "%Y-%m-%d %H:%M")
            items.append((localized(field.label.vi, field.label.en), names.get(value, value)))
        rows.append({"name": localized(section.name.vi, section.name.en), "items": items})
    return rows


@login_required
def report_detail(request: HttpRequest, pk: int, *, reopen_errors: dict | None = None,
                  reopen_note: str = ""):
    """A report: what was said, where it is placed, the preliminary classification and the
    incidents it may belong to; its status, why it was closed, and its history."""
    report = get_object_or_404(reports_visible(user=request.user), pk=pk)
    same_event = [] if report.incident_id else incident_duplicates(
        [report], list(incidents_open(user=request.user)))[report.pk]
    return render(request, "incidents/report.html", {
        "report": report, "title": incident_title(report), "answers": _answers(report),
        "suggestion": report.decision.get("suggestion") if report.reception else None,
        "same_event": same_event, "changes": report.status_changes.all(),
        "reopen_errors": reopen_errors or {}, "reopen_note": reopen_note},
        status=422 if reopen_errors else 200)
