"""Response roles on an incident: commander, field commander, scribe, liaison, public
information (TT 12/2023 Phụ lục VII.2: the person commanding at the scene is designated;
QĐ 1251/2023: the command board leads). An appointment relieves the holder before, in the
same transaction, so there is never a moment with two commanders."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import translation

from ungpho.accounts.roles import Role
from ungpho.alerts.selectors import on_duty
from ungpho.audit.services import Actor
from ungpho.core.validate import Message, gettext_noop
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import ERR_CLOSED
from ungpho.incidents.log import log_add
from ungpho.incidents.models import Incident, IncidentLogEntry, IncidentRole

ERR_NOT_ROLE = "{role!r} is not one of {roles}"
ERR_NO_USER = gettext_noop("choose the person to appoint")
ERR_NOT_CANDIDATE = gettext_noop("%(user)s is not among the people who may hold a role on this "
                                 "incident (the duty officers, its province's command board, "
                                 "its facility's operators)")


def role_holder(incident: Incident, role: str):
    """The user holding ``role`` on the incident now, or None."""
    current = (IncidentRole.objects.filter(incident=incident, role=role,
                                           relieved_at__isnull=True)
               .select_related("user").first())
    return current.user if current else None


def role_candidates(incident):
    """Who may hold a role: the duty officers, the province's command board and the
    operators of the incident's facility, active ones."""
    who = on_duty(incident.province_id)
    if incident.facility_id:
        who |= Q(groups__name=Role.FACILITY_OPERATOR, scope__facilities=incident.facility_id)
    return (get_user_model().objects.filter(who, is_active=True).distinct()
            .order_by("last_name", "username"))


def roles_current(incident: Incident) -> dict[str, IncidentRole]:
    """Each role held now, by role id."""
    rows = IncidentRole.objects.filter(incident=incident, relieved_at__isnull=True)
    return {row.role: row for row in rows.select_related("user")}


@transaction.atomic
def role_appoint(*, incident: Incident, role: str, user, by,
                 now: dt.datetime | None = None) -> IncidentRole:
    """Appoint ``user`` to ``role``, relieving whoever held it; logged."""
    if role not in IncidentRole.Role.values:
        raise IncidentError([("role", ERR_NOT_ROLE.format(
            role=role, roles=", ".join(IncidentRole.Role.values)))])
    now = now or dt.datetime.now(dt.UTC)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if user is None:
        raise IncidentError([("user", Message(ERR_NO_USER))])
    if not role_candidates(incident).filter(pk=user.pk).exists():
        raise IncidentError([("user", Message(ERR_NOT_CANDIDATE, user=_name(user)))])
    if incident.status != Incident.Status.OPEN:
        raise IncidentError([("incident", ERR_CLOSED.format(incident=incident.code))])
    held = IncidentRole.objects.filter(incident=incident, role=role, relieved_at__isnull=True)
    previous = held.first()
    if previous is not None and previous.user_id == user.pk:
        return previous
    held.update(relieved_at=now)
    appointment = IncidentRole.objects.create(
        incident=incident, role=role, user=user, appointed_at=now,
        appointed_by=Actor.of(by).label)
    label = IncidentRole.Role(role).label
    with translation.override("vi"):
        text_vi = f"{label}: {_name(user)}"
    with translation.override("en"):
        text_en = f"{label}: {_name(user)}"
    log_add(incident=incident, kind=IncidentLogEntry.Kind.ROLE, by=by, at=now,
            text=f"{text_vi} / {text_en}",
            data={"role": role, "user": user.pk,
                  "relieved": previous.user_id if previous else None})
    return appointment



def _name(user) -> str:
    return user.get_full_name() or user.get_username()
