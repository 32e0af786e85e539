"""The response card of the incident page (TT 12/2023/TT-BKHCN Phụ lục VII): the phases with
their checklists, the tasks, the activation packages and the situation reports; small
forms whose handlers redirect back to the page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ungpho.core.validate import BIGINT, POSITIVE_INTEGER, POSITIVE_SMALLINT
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import (
    ActivationPackage,
    ChecklistTick,
    IncidentTask,
    PhaseChange,
    SituationReport,
)
from ungpho.incidents.response.packages import package_apply, packages_suggest
from ungpho.incidents.response.phases import (
    checklist_tick,
    checklist_untick,
    phase_advance,
    phases_state,
)
from ungpho.incidents.response.roles import role_candidates
from ungpho.incidents.response.sitreps import sitrep_draft, sitrep_issue, sitrep_last
from ungpho.incidents.response.tasks import task_create, task_update
from ungpho.incidents.selectors import incidents_open, tasks_marked
from ungpho.incidents.views.form_input import form_int, form_time, form_user
from ungpho.platform.forms import problems_shown


def context(incident, user) -> dict:
    now = dt.datetime.now(dt.UTC)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    tasks = sorted(tasks_marked(incident.tasks.select_related("owner"), now=now),
                   key=lambda t: (t.status != IncidentTask.Status.OPEN, t.due_at or far, t.pk))
    applied = {a.package_id: a for a in incident.package_applications.all()}
    last = sitrep_last(incident)
    return {"response": {
        "phases": phases_state(incident),
        "tasks": [(t, t.overdue) for t in tasks],
        "statuses": IncidentTask.Status.choices,
        "candidates": role_candidates(incident),
        "packages": [(p, why, applied.get(p.pk)) for p, why in packages_suggest(incident)],
        "applications": list(applied.values()),
        "sitreps": list(incident.sitreps.order_by("-number")),
        "draft": sitrep_draft(incident, now=now),
        "next_sitrep_due": last.next_due_at if last else None}}


def _incident(request: HttpRequest, pk: int):
    return get_object_or_404(incidents_open(user=request.user), pk=pk)


def _back(incident, anchor: str):
    return redirect(f"{reverse('incident', args=[incident.pk])}#{anchor}")


def _refused(request: HttpRequest, error: IncidentError, model=IncidentTask) -> None:
    messages.error(request, problems_shown(error.problems, model))


@login_required
@require_POST
def incident_checklist(request: HttpRequest, pk: int):
    incident = _incident(request, pk)
    try:
        action = checklist_untick if request.POST.get("action") == "untick" else checklist_tick
        action(incident=incident,
               phase=form_int(request.POST.get("phase"), "phase", POSITIVE_SMALLINT),
               item=request.POST.get("item", ""), by=request.user)
    except IncidentError as error:
        _refused(request, error, ChecklistTick)
    return _back(incident, "phases")


@login_required
@require_POST
def incident_phase(request: HttpRequest, pk: int):
    incident = _incident(request, pk)
    try:
        phase_advance(incident=incident,
                      to=form_int(request.POST.get("to"), "phase", POSITIVE_SMALLINT),
                      seen=form_int(request.POST.get("seen"), "seen", POSITIVE_SMALLINT),
                      reason=request.POST.get("reason", ""), by=request.user)
    except IncidentError as error:
        _refused(request, error, PhaseChange)
    return _back(incident, "phases")


@login_required
@require_POST
def incident_task_create(request: HttpRequest, pk: int):
    incident = _incident(request, pk)
    try:
        task_create(incident=incident, title=request.POST.get("title", ""),
                    owner=form_user(request.POST.get("owner"), "owner"),
                    due_at=form_time(request.POST.get("due_at"), "due_at"),
                    by=request.user)
    except IncidentError as error:
        _refused(request, error)
    return _back(incident, "tasks")


@login_required
@require_POST
def incident_task_update(request: HttpRequest, pk: int, task: int):
    incident = _incident(request, pk)
    row = get_object_or_404(incident.tasks, pk=task)
    changes = {}
    if request.POST.get("status"):
        changes["status"] = request.POST["status"]
    try:
        if "owner" in request.POST:
            changes["owner"] = form_user(request.POST["owner"], "owner")
        if "due_at" in request.POST:
            changes["due_at"] = form_time(request.POST["due_at"], "due_at")
        task_update(task=row, version=form_int(request.POST.get("version"), "version",
                                               POSITIVE_INTEGER),
                    by=request.user, **changes)
    except IncidentError as error:
        _refused(request, error)
    return _back(incident, "tasks")


@login_required
@require_POST
def incident_package_apply(request: HttpRequest, pk: int, package: int):
    incident = _incident(request, pk)
    chosen = get_object_or_404(ActivationPackage, pk=package)
    try:
        _application, applied = package_apply(incident=incident, package=chosen,
                                              by=request.user)
    except IncidentError as error:
        _refused(request, error)
    else:
        if not applied:
            messages.info(request, _("Package %(code)s was already applied; nothing added.")
                          % {"code": chosen.code})
    return _back(incident, "packages")


@login_required
@require_POST
def incident_sitrep_issue(request: HttpRequest, pk: int):
    incident = _incident(request, pk)
    post = request.POST
    try:
        corrects = incident.sitreps.filter(
            pk=form_int(post["corrects"], "corrects", BIGINT)).first() \
            if post.get("corrects") else None
        sitrep_issue(incident=incident, by=request.user, situation=post.get("situation", ""),
                     actions=post.get("actions", ""), next_steps=post.get("next_steps", ""),
                     resources=post.get("resources", ""),
                     next_due_at=form_time(post.get("next_due_at"), "next_due_at"),
                     corrects=corrects)
    except IncidentError as error:
        _refused(request, error, SituationReport)
    return _back(incident, "sitreps")
