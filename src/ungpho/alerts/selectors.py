from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from ungpho.accounts.roles import Role
from ungpho.alerts.models import Notification


def on_duty(province_id: str) -> Q:
    """Every national duty officer and the command board of the province."""
    return Q(groups__name=Role.NATIONAL_DUTY) | Q(groups__name=Role.PROVINCIAL_COMMAND,
                                                  scope__province_id=province_id)


def emails_of(who: Q) -> list[str]:
    """The e-mail addresses of the active users ``who`` selects, sorted, once each."""
    users = get_user_model().objects.filter(who, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def notification_problems():
    """Notifications that gave up, for the duty desk."""
    return Notification.objects.filter(status=Notification.Status.FAILED).order_by("-due_at")


def incident_notifications(incident_id: int):
    """Every message about an incident, in the order queued, with its party's contact."""
    return Notification.objects.filter(incident_id=incident_id).select_related(
        "contact", "user").order_by("created_at", "pk")


def inbox_of(user):
    """The user's in-app messages, newest first."""
    return Notification.objects.filter(user=user, channel="inapp").select_related(
        "incident").order_by("-created_at", "-pk")


def inbox_unacknowledged(user) -> int:
    return Notification.objects.filter(user=user, channel="inapp",
                                       acknowledged_at=None).count()
