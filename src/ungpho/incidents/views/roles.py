"""The roles card of the incident page: who commands, keeps the log, liaises and speaks to
the public (TT 12/2023 Phụ lục VII.2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import IncidentRole
from ungpho.incidents.response.roles import role_appoint, role_candidates, roles_current
from ungpho.incidents.selectors import incidents_open
from ungpho.incidents.views.form_input import form_user
from ungpho.platform.forms import problems_shown


def context(incident, user) -> dict:
    held = roles_current(incident)
    return {"roles": [(value, label, held.get(value)) for value, label
                      in IncidentRole.Role.choices],
            "role_candidates": role_candidates(incident)}


@login_required
@require_POST
def incident_role_appoint(request: HttpRequest, pk: int):
    incident = get_object_or_404(incidents_open(user=request.user), pk=pk)
    try:
        role_appoint(incident=incident, role=request.POST.get("role", ""),
                     user=form_user(request.POST.get("user"), "user"), by=request.user)
    except IncidentError as error:
        messages.error(request, problems_shown(error.problems, IncidentRole))
    return redirect("incident", pk=incident.pk)
