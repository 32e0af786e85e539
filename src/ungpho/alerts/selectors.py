from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from ungpho.accounts.roles import Role
from ungpho.alerts.models import Notification
from ungpho.incidents.models import IncidentReport


def incident_recipients(incident: IncidentReport) -> list[str]:
    """E-mail addresses to tell of a new report: every national duty officer, the command
    board of its province and the operators of its facility (QĐ 1251 Điều 1.I: the locality
    reports at once and notifies NACCET)."""
    who = Q(groups__name=Role.NATIONAL_DUTY) | Q(
        groups__name=Role.PROVINCIAL_COMMAND, scope__province_id=incident.province_id)
    if incident.facility_id:
        who |= Q(groups__name=Role.FACILITY_OPERATOR, scope__facilities=incident.facility_id)
    users = get_user_model().objects.filter(who, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def notification_problems():
    """Notifications that gave up, for the duty desk."""
    return Notification.objects.filter(status=Notification.Status.FAILED).order_by("-due_at")
