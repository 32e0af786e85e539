"""The roles card of the incident page: who commands, keeps the log, liaises and speaks to
the public (TT 12/2023 Phụ lục VII.2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from ungpho.accounts.roles import Role
from ungpho.alerts.selectors import on_duty
from ungpho.incidents.models import IncidentRole
from ungpho.incidents.response import IncidentError
from ungpho.incidents.roles import role_appoint, roles_current
from ungpho.incidents.selectors import incidents_open


def role_candidates(incident):
    """Who may hold a role: the duty officers, the province's command board and the
    operators of the incident's facility, active ones."""
    who = on_duty(incident.province_id)
    if incident.facility_id:
        who |= Q(groups__name=Role.FACILITY_OPERATOR, scope__facilities=incident.facility_id)
    return (get_user_model().objects.filter(who, is_active=True).distinct()
            .order_by("last_name", "username"))


def context(incident, user) -> dict:
    held = roles_current(incident)
    return {"roles": [(value, label, held.get(value)) for value, label
                      in IncidentRole.Role.choices],
            "role_candidates": role_candidates(incident)}


@login_required
@require_POST
def incident_role_appoint(request: HttpRequest, pk: int):
    incident = get_object_or_404(incidents_open(user=request.user), pk=pk)
    user = role_candidates(incident).filter(pk=request.POST.get("user") or None).first()
    try:
        role_appoint(incident=incident, role=request.POST.get("role", ""), user=user,
                     by=request.user)
    except IncidentError as error:
        messages.error(request, str(error))
    return redirect("incident", pk=incident.pk)
