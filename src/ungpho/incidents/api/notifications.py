"""Reads of an incident's notifications for machines and pages: each message's party,
channel, address, delivery status and acknowledgement. Signed-in users (session, or HTTP
Basic for machines), each in their scope."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from ungpho.accounts.selectors import scoped
from ungpho.alerts.selectors import incident_notifications
from ungpho.incidents.models import Incident
from ungpho.platform.api_auth import AUTH

router = Router(tags=["notifications"])


def _iso(moment):
    return moment.isoformat() if moment else None


@router.get("/incidents/{pk}/notifications", auth=AUTH,
            summary="Thông báo của sự cố / An incident's notifications")
def notifications_of_incident(request: HttpRequest, pk: int):
    """Every message queued about the incident, in order: party (TT 12/2023 Phụ lục VI,
    VIII; QĐ 1251 III.2.b), channel, address, status (pending, sending, sent, failed) with
    the last error, attempts, and when it was sent and acknowledged, by whom."""
    incident = scoped(Incident.objects.all(), request.auth, province_field="province",
                      facility_field="facility").filter(pk=pk).first()
    if incident is None:
        raise HttpError(404, f"pk: no incident {pk} in your scope")
    return {"incident": incident.code, "notifications": [
        {"id": n.pk, "party": n.party or None, "contact": n.contact.name if n.contact else None,
         "channel": n.channel, "address": n.recipient, "subject": n.subject,
         "citation": n.citation, "status": n.status, "last_error": n.last_error or None,
         "attempts": n.attempts, "created_at": _iso(n.created_at), "sent_at": _iso(n.sent_at),
         "ack_required": n.ack_required, "acknowledged_at": _iso(n.acknowledged_at),
         "acknowledged_by": n.acknowledged_by or None, "escalated_at": _iso(n.escalated_at),
         "reminder_of": n.reminder_of_id}
        for n in incident_notifications(incident.pk)]}
