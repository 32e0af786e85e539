"""Notifications in the web UI: the incident page's list of messages (who, channel, status,
acknowledgement), the acknowledgement page behind every message's link, and the in-app inbox
with its badge in the top bar (docs/incident-notifications.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ungpho.alerts.models import Notification
from ungpho.alerts.selectors import inbox_of, inbox_unacknowledged, incident_notifications
from ungpho.audit.services import Actor
from ungpho.incidents.models import Incident
from ungpho.incidents.notification.escalation import notification_acknowledge
from ungpho.incidents.notification.plans import incident_notify
from ungpho.incidents.notification.unreached import incidents_unreached
from ungpho.incidents.selectors import incidents_visible


def context(incident, user) -> dict:
    """For incident_detail: the incident's messages, and the parties its plan could not tell
    for want of a contact point."""
    return {"notifications": list(incident_notifications(incident.pk)), "me": user,
            "unreached": incidents_unreached([incident.pk]).get(incident.pk, [])}


def inbox_badge(request: HttpRequest) -> dict:
    """Context processor: how many in-app messages the signed-in user has not acknowledged."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unacknowledged": inbox_unacknowledged(user)}


def notification_ack(request: HttpRequest, token: str):
    """GET shows the message and a button; only the POST acknowledges (mail scanners and link
    previews fetch GETs). The token is the credential: no sign-in needed."""
    notification = get_object_or_404(Notification.objects.select_related("incident"),
                                     ack_token=token)
    if request.method == "POST":
        if request.user.is_authenticated:
            who = Actor.of(request.user).label
        else:
            name = request.POST.get("name", "").strip()[:100]
            who = f"{name or notification.recipient} ({_('via the link')})"
        notification_acknowledge(notification=notification, who=who,
                                 by=request.user if request.user.is_authenticated else None)
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            messages.success(request, _("Acknowledged."))
            return redirect(target)
        return redirect("notification-ack", token=token)
    notification.refresh_from_db()
    return render(request, "incidents/notification_ack.html", {"n": notification})


@login_required
@require_POST
def incident_notify_again(request: HttpRequest, pk: int):
    """Apply the plan again once contact points were added: the outbox's dedupe keys make
    sure nobody already told is told twice."""
    incident = get_object_or_404(incidents_visible(user=request.user), pk=pk,
                                 status=Incident.Status.OPEN)
    with transaction.atomic():
        count = incident_notify(incident=incident, by=request.user)
    messages.success(request, ngettext("%(n)d new message queued.",
                                       "%(n)d new messages queued.", count) % {"n": count})
    return redirect(f"{reverse('incident', args=[incident.pk])}#notifications")


@login_required
def inbox(request: HttpRequest):
    return render(request, "incidents/inbox.html", {"items": inbox_of(request.user)[:200]})
