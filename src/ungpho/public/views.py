"""Public information on the incident page (TT 12/2023 Phụ lục VIII.II): the incident's
messages, a new draft from a template, a cancellation; and the page of one message, where it
is edited with its vi/en preview and unfilled placeholders, approved by the incident
commander and released."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ungpho.alerts.links import public_url
from ungpho.alerts.models import PublicMessage
from ungpho.core.validate import POSITIVE_INTEGER
from ungpho.core.vietnam_time import VIETNAM
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.response.roles import role_holder
from ungpho.incidents.selectors import incidents_open, message_current
from ungpho.incidents.views.form_input import form_int, form_time
from ungpho.platform.forms import message_shown, problems_shown
from ungpho.platform.i18n import localized
from ungpho.public.area import AREA_FIELDS, area_check, incident_location
from ungpho.public.cap import message_url
from ungpho.public.messages import (
    message_approve,
    message_cancel_draft,
    message_draft,
    message_edit,
    message_release,
)
from ungpho.public.render import (
    instrument_for,
    safety_items,
    template_fields,
    templates,
)


def context(incident, user) -> dict:
    """The public information card of the incident page."""
    try:
        choices = [(t.id, t.title) for t in templates(instrument_for(incident))]
    except IncidentError:
        choices = []
    titles = {id_: localized(title.vi, title.en) for id_, title in choices}
    rows = [(m, titles.get(m.template, m.template)) for m in
            incident.public_messages.order_by("-pk")]
    return {"public_messages": rows, "message_templates": choices,
            "message_current": message_current(incident) is not None}


@login_required
@require_POST
def message_new(request: HttpRequest, pk: int):
    incident = get_object_or_404(incidents_open(user=request.user), pk=pk)
    try:
        message = message_draft(incident=incident, template=request.POST.get("template", ""),
                                by=request.user, public_url=public_url(request))
    except IncidentError as error:
        flash.error(request, problems_shown(error.problems, PublicMessage))
        return redirect("incident", pk=incident.pk)
    return redirect("incident-message", pk=incident.pk, mid=message.pk)


@login_required
@require_POST
def message_cancel(request: HttpRequest, pk: int):
    incident = get_object_or_404(incidents_open(user=request.user), pk=pk)
    try:
        message = message_cancel_draft(incident=incident, by=request.user,
                                       text_vi=request.POST.get("text_vi", ""),
                                       text_en=request.POST.get("text_en", ""))
    except IncidentError as error:
        flash.error(request, problems_shown(error.problems, PublicMessage))
        return redirect("incident", pk=incident.pk)
    return redirect("incident-message", pk=incident.pk, mid=message.pk)


def _number(post, name: str, problems: list) -> float | None:
    text = post.get(name, "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        problems.append((name, _("%(value)r is not a number") % {"value": text}))
        return None


def polygon_parse(text: str) -> list[list[float]]:
    """CAP 1.2 §3.2.4 polygon text, ``lat,lon lat,lon …`` (the first point repeated last)."""
    points = []
    for i, pair in enumerate(text.split()):
        try:
            lat, lon = (float(v) for v in pair.split(","))
        except ValueError:
            raise ValueError(_("point %(n)d %(pair)r is not lat,lon") % {
                "n": i + 1, "pair": pair}) from None
        points.append([lat, lon])
    return points


def _changes(message: PublicMessage, post, instrument) -> tuple[dict, list]:
    problems: list[tuple[str, str]] = []
    changes: dict = {"basis": post.get("basis", message.basis)}
    if message.kind == PublicMessage.Kind.MESSAGE:
        placeholders, flags = template_fields(instrument, message.template)
        changes["values"] = {f.name: {"vi": post.get(f"v_{f.name}_vi", ""),
                                      "en": post.get(f"v_{f.name}_en", "")}
                             for f in placeholders}
        changes["flags"] = {f.name: post.get(f"f_{f.name}") == "on" for f in flags}
        changes["guidance"] = [int(n) for n in post.getlist("guidance")
                               if n.isdigit() and len(n) < 10]  # item numbers: 1, 2, …
        try:
            changes["next_update_at"] = form_time(post.get("next_update_at"), "next_update_at")
        except IncidentError as error:
            problems += error.problems
    else:
        changes |= {"text_vi": post.get("text_vi", ""), "text_en": post.get("text_en", "")}
    changes |= {"area_desc_vi": post.get("area_desc_vi", "").strip(),
                "area_desc_en": post.get("area_desc_en", "").strip()}
    for name in ("circle_lat", "circle_lon", "circle_radius_km"):
        changes[name] = _number(post, name, problems)
    try:
        changes["polygon"] = polygon_parse(post.get("polygon", ""))
    except ValueError as error:
        problems.append(("polygon", str(error)))
    return changes, problems


def _act(request: HttpRequest, message: PublicMessage, instrument) -> list[str]:
    action = request.POST.get("action")
    try:
        revision = form_int(request.POST["revision"], "revision", POSITIVE_INTEGER) \
            if request.POST.get("revision") else None
        if action == "save":
            changes, problems = _changes(message, request.POST, instrument)
            if problems:
                raise IncidentError(problems)
            message_edit(message=message, revision=revision, by=request.user, changes=changes)
        elif action == "approve":
            message_approve(message=message, revision=revision, by=request.user)
        elif action == "release":
            released = message_release(message=message, by=request.user,
                                       public_url=public_url(request))
            flash.success(request, _("Message no. %(number)s released: %(url)s") % {
                "number": released.number, "url": message_url(released, public_url(request))})
    except IncidentError as error:
        labels = {} if message.kind == PublicMessage.Kind.CANCEL else \
            _labels(template_fields(instrument, message.template)[0])
        return [_shown(problem, labels) for problem in error.problems]
    return []


def _shown(problem: tuple[str, str], labels: dict[str, str]) -> str:
    """A refusal as the page shows it: the area's checks name the area, a placeholder's its
    label, not a column or a key."""
    field, message = problem
    if field in ("area", "circle"):
        return f"{_('Area')}: {message_shown(message)}"
    if field.startswith("values.") and field[7:] in labels:
        return f"{labels[field[7:]]}: {message_shown(message)}"
    return problems_shown([problem], PublicMessage)


def _labels(fields) -> dict[str, str]:
    """The placeholders' labels in the active language, by name."""
    return {f.name: localized(f.label_vi, f.label_en) for f in fields}


def _location(message: PublicMessage) -> dict:
    """The incident's location in the active language, and whether the area misses it."""
    location = incident_location(message.incident)
    outside = message.kind == PublicMessage.Kind.MESSAGE and any(
        field == "area" for field, _m in area_check(
            {name: getattr(message, name) for name in AREA_FIELDS}, location))
    return {"text": localized(location.vi, location.en), "outside": outside}


@login_required
def message_page(request: HttpRequest, pk: int, mid: int):
    incident = get_object_or_404(incidents_open(user=request.user), pk=pk)
    message = get_object_or_404(incident.public_messages, pk=mid)
    instrument = instrument_for(incident)
    problems: list[str] = []
    if request.method == "POST":
        problems = _act(request, message, instrument)
        if not problems:
            return redirect("incident-message", pk=incident.pk, mid=message.pk)
        message.refresh_from_db()
    placeholders, flags = ([], []) if message.kind == PublicMessage.Kind.CANCEL else \
        template_fields(instrument, message.template)
    commander = role_holder(incident, "commander")
    speaker = role_holder(incident, "public_information")
    return render(request, "public/incident_message.html", {
        "incident": incident, "message": message, "problems": problems,
        "editable": message.status in PublicMessage.EDITABLE,
        "placeholders": [(f, message.values.get(f.name, {})) for f in placeholders],
        "unfilled": [label for name, label in _labels(placeholders).items()
                     if name in message.unfilled],
        "flags": [(f, message.flags.get(f.name, False)) for f in flags],
        "guidance": [(item, item.number in message.guidance) for item in
                     safety_items(instrument)],
        "next_update_local": message.next_update_at.astimezone(VIETNAM).strftime("%Y-%m-%dT%H:%M")
        if message.next_update_at else "",
        "polygon_text": " ".join(f"{lat:g},{lon:g}" for lat, lon in message.polygon),
        "commander": commander, "may_approve": commander is not None and
        commander.pk == request.user.pk,
        "may_release": request.user.pk in {getattr(commander, "pk", None),
                                           getattr(speaker, "pk", None)},
        "public_link": message_url(message, public_url(request)) if message.identifier else "",
        "area_fields": AREA_FIELDS, "location": _location(message)})
