"""The notification outbox: enqueue in the event's transaction, send from the worker.

Delivery is at-least-once with a narrow window: a send is claimed with a conditional UPDATE
(works on SQLite and PostgreSQL, several workers at once), the SMTP conversation runs outside
any transaction, and the row is marked sent as soon as the server accepts the message. A
worker killed mid-conversation leaves the row ``sending``; the server has accepted nothing,
and once the lease (``UNGPHO_OUTBOX_LEASE_S``) runs out another pass sends it. Only a crash
in the instant between the server's acceptance and the UPDATE can repeat a message, and then
with the same Message-ID, which mail clients use to drop duplicates.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import translation

from ungpho.alerts.models import Notification
from ungpho.alerts.selectors import incident_recipients
from ungpho.audit.services import audit_record
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.selectors import incident_title

log = logging.getLogger(__name__)


def retry_delay_s(attempts: int) -> float:
    """Back-off after a failed attempt: 30 s, 1 min, 2 min … capped at 30 min."""
    return min(30.0 * 2 ** max(attempts - 1, 0), 1800.0)


def _render_incident(incident: IncidentReport, template: str) -> str:
    with translation.override("vi"):
        vi = render_to_string(template, {"incident": incident, "title": incident_title(incident)})
    with translation.override("en"):
        en = render_to_string(template, {"incident": incident, "title": incident_title(incident)})
    return f"{vi.strip()}\n\n---- English ----\n\n{en.strip()}\n"


def notification_enqueue(*, recipient: str, subject: str, body: str, dedupe_key: str,
                         now: dt.datetime, incident: IncidentReport | None = None) -> bool:
    """Queue one e-mail unless its ``dedupe_key`` was queued before; True if new. Runs in the
    caller's transaction, so the message exists exactly when the event that caused it does."""
    _, new = Notification.objects.get_or_create(
        dedupe_key=dedupe_key[:200], defaults={
            "recipient": recipient, "subject": subject[:250], "body": body,
            "incident": incident, "created_at": now, "due_at": now})
    return new


def notifications_enqueue_for_incident(*, incident_id: int) -> int:
    """Queue one e-mail per recipient of a newly opened report; returns how many were new.

    Vietnamese first, English below (the message is public-service text, DESIGN.md).
    """
    incident = IncidentReport.objects.select_related("station", "parameter", "province").get(
        pk=incident_id)
    now = dt.datetime.now(dt.UTC)
    with translation.override("vi"):
        subject = f"[ungpho] {incident.code}: {incident_title(incident)}"
    body = _render_incident(incident, "alerts/incident_opened.txt")
    created = 0
    for recipient in incident_recipients(incident):
        created += notification_enqueue(
            recipient=recipient, subject=subject, body=body, incident=incident, now=now,
            dedupe_key=f"incident:{incident.pk}:opened:{recipient}")
    return created


def outbox_claim_next(*, worker_id: str, now: dt.datetime | None = None) -> Notification | None:
    """Claim the oldest due row, or a row whose sender died (lease expired)."""
    now = now or dt.datetime.now(dt.UTC)
    stale_before = now - dt.timedelta(seconds=settings.OUTBOX_LEASE_S)
    due = Q(status=Notification.Status.PENDING, due_at__lte=now) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=stale_before)
    for row in Notification.objects.filter(due).order_by("due_at", "pk")[:10]:
        won = Notification.objects.filter(
            pk=row.pk, status=row.status, claimed_at=row.claimed_at,
        ).update(status=Notification.Status.SENDING, claimed_at=now, claimed_by=worker_id,
                 attempts=F("attempts") + 1)
        if won:
            row.refresh_from_db()
            return row
    return None


def outbox_deliver(notification: Notification, *, worker_id: str) -> bool:
    """Send one claimed row and record the outcome; True when the server accepted it."""
    message = EmailMessage(subject=notification.subject, body=notification.body,
                           from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.recipient],
                           headers={"Message-ID": notification.message_id})
    try:
        message.send(fail_silently=False)
    except Exception as error:  # any transport failure: record it, retry later
        log.warning("notification %s to %s failed: %s", notification.pk, notification.recipient,
                    error)
        _outbox_failed(notification, worker_id=worker_id, error=f"{type(error).__name__}: {error}")
        return False
    _outbox_sent(notification, worker_id=worker_id)
    return True


@transaction.atomic
def _outbox_sent(notification: Notification, *, worker_id: str) -> None:
    now = dt.datetime.now(dt.UTC)
    Notification.objects.filter(pk=notification.pk, claimed_by=worker_id).update(
        status=Notification.Status.SENT, sent_at=now, last_error="")
    audit_record(by=None, action="notification.sent", obj=notification,
                 after={"recipient": notification.recipient, "sent_at": now.isoformat(),
                        "attempts": notification.attempts, "worker": worker_id})


@transaction.atomic
def _outbox_failed(notification: Notification, *, worker_id: str, error: str) -> None:
    now = dt.datetime.now(dt.UTC)
    give_up = notification.attempts >= Notification.MAX_ATTEMPTS
    status = Notification.Status.FAILED if give_up else Notification.Status.PENDING
    Notification.objects.filter(pk=notification.pk, claimed_by=worker_id).update(
        status=status, last_error=error[:2000],
        due_at=now + dt.timedelta(seconds=retry_delay_s(notification.attempts)))
    if give_up:
        audit_record(by=None, action="notification.failed", obj=notification,
                     after={"recipient": notification.recipient, "error": error[:500],
                            "attempts": notification.attempts})


def outbox_send_due(*, worker_id: str, limit: int = 100) -> int:
    """One worker pass over the outbox; returns how many messages were accepted."""
    sent = 0
    for _ in range(limit):
        notification = outbox_claim_next(worker_id=worker_id)
        if notification is None:
            break
        sent += outbox_deliver(notification, worker_id=worker_id)
    return sent
