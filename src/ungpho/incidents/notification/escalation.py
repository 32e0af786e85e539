"""Acknowledgement and escalation of plan messages.

Each plan message carries an acknowledgement link (``/ack/<token>``; the page's button, not
the link itself, acknowledges, since mail scanners open links) or, in the application, a
button. A message not acknowledged ``UNGPHO_ACK_TIMEOUT_S`` after it was sent, or that failed
for good, is escalated once by the worker, unless its incident is closed meanwhile: sent
again as a reminder, and the supervisors and the national duty officers (NACCET) are told
by e-mail. Both are claimed by conditional UPDATEs on the row, so a restart never loses or
repeats one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from ungpho.alerts.models import Channel, Notification, Party
from ungpho.alerts.services import notification_enqueue
from ungpho.audit.services import audit_image
from ungpho.core.vietnam_time import vietnam_text
from ungpho.incidents.deadlines import deadline_recipients
from ungpho.incidents.log import log_add
from ungpho.incidents.models import EscalationStep, Incident, IncidentLogEntry

#: Who hears of a message nobody acknowledged (targets of the deadlines' escalation plan).
ESCALATE_TO = (EscalationStep.Target.SUPERVISORS, EscalationStep.Target.NATIONAL)


def _described(row: Notification) -> str:
    return f"{Party(row.party).label if row.party else '—'} · {row.channel} {row.recipient}"


@transaction.atomic
def notification_acknowledge(*, notification: Notification, who: str, by=None) -> bool:
    """Record that the message was received (``who``: the user, or the name given on the link's
    page); a reminder and its original are acknowledged together. False if it already was."""
    original = notification.reminder_of or notification
    now = dt.datetime.now(dt.UTC)
    rows = Notification.objects.filter(Q(pk=original.pk) | Q(reminder_of=original),
                                       acknowledged_at=None)
    pks = list(rows.values_list("pk", flat=True))
    done = rows.filter(pk__in=pks).update(acknowledged_at=now, acknowledged_by=who[:200])
    # The rows this call acknowledged (not those another acknowledged meanwhile): audited.
    for row in Notification.objects.filter(pk__in=pks, acknowledged_at=now):
        audit_image(row, by=by, action="notification.acknowledge")
    if done and notification.incident_id:
        log_add(incident=notification.incident, kind=IncidentLogEntry.Kind.NOTIFICATION,
                by=by, at=now,
                text=f"Đã xác nhận nhận tin / acknowledged: {_described(notification)} — {who}",
                data={"notification": notification.pk, "who": who})
    return bool(done)


def notifications_escalate(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """One worker pass: escalate plan messages unacknowledged in time or failed for good."""
    now = now or dt.datetime.now(dt.UTC)
    late = now - dt.timedelta(seconds=settings.ACK_TIMEOUT_S)
    due = Notification.objects.filter(
        Q(status=Notification.Status.SENT, sent_at__lte=late) | Q(
            status=Notification.Status.FAILED),
        ack_required=True, acknowledged_at=None, escalated_at=None, reminder_of=None).exclude(
        incident__status=Incident.Status.CLOSED)  # a closed response reminds nobody
    return sum(_escalate(pk, now) for pk in due.values_list("pk", flat=True)[:limit])


@transaction.atomic
def _escalate(pk: int, now: dt.datetime) -> int:
    if not Notification.objects.filter(pk=pk, escalated_at=None, acknowledged_at=None).update(
            escalated_at=now):
        return 0  # escalated by another worker, or acknowledged, meanwhile
    row = Notification.objects.select_related("incident").get(pk=pk)
    incident = row.incident
    inapp = row.channel == Channel.INAPP
    notification_enqueue(
        recipient=row.recipient, subject=f"NHẮC LẠI / REMINDER: {row.subject}", body=row.body,
        now=now, channel=row.channel, incident=incident, party=row.party,
        contact_id=row.contact_id, user_id=row.user_id, citation=row.citation,
        ack_required=True, reminder_of=row, dedupe_key=f"reminder:{row.pk}",
        **({"status": Notification.Status.SENT, "sent_at": now} if inapp else {}))
    failed = row.status == Notification.Status.FAILED
    why_vi = f"gửi không được ({row.last_error})" if failed else \
        f"chưa xác nhận sau {settings.ACK_TIMEOUT_S / 60:g} phút"
    why_en = f"could not be sent ({row.last_error})" if failed else \
        f"not acknowledged within {settings.ACK_TIMEOUT_S / 60:g} min"
    recipients = sorted({r for target in ESCALATE_TO
                         for r in deadline_recipients(incident, {"target": target})})
    sent_at = vietnam_text(row.sent_at) if row.sent_at else "—"
    body = (f"{incident.code}: {incident.title}\n"
            f"Tin thông báo tới {_described(row)} {why_vi}; gửi lúc {sent_at}. Đã gửi nhắc "
            f"lại. Hãy liên hệ trực tiếp đầu mối này.\n\n---- English ----\n\n"
            f"The message to {_described(row)} {why_en}; sent at {sent_at}. A reminder has "
            f"been sent. Reach this contact point directly.\n")
    for recipient in recipients:
        notification_enqueue(
            recipient=recipient, subject=f"[ungpho] CHƯA XÁC NHẬN / NOT ACKNOWLEDGED: "
                                         f"{_described(row)} — {incident.code}",
            body=body, now=now, incident=incident,
            dedupe_key=f"escalation:{row.pk}:{recipient}")
    log_add(incident=incident, kind=IncidentLogEntry.Kind.NOTIFICATION, by=None, at=now,
            text=f"Nhắc lại và báo cấp trên: {_described(row)} {why_vi} → {len(recipients)} "
                 f"người / reminder sent and escalated: {why_en} → {len(recipients)} recipients",
            data={"notification": pk, "recipients": recipients, "failed": failed})
    return 1
