"""The notification outbox: enqueue in the event's transaction, send from the worker.

Delivery is at-least-once with a narrow window: a send is claimed with a conditional UPDATE
(works on SQLite and PostgreSQL, several workers at once), the conversation with the server
or gateway runs outside any transaction, and the row is marked sent as soon as the other side
accepts the message. A worker killed mid-conversation leaves the row ``sending``; once the
lease (``UNGPHO_OUTBOX_LEASE_S``) runs out another pass sends it. Only a crash in the instant
between the acceptance and the UPDATE can repeat a message, and then with the same Message-ID
(e-mail) or ``Idempotency-Key`` (SMS gateway, webhook), by which the receiver drops the
duplicate: exactly once per recipient. The channels are in ``ungpho.alerts.channels``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import translation

from ungpho.alerts.channels import Mailer, channel_send
from ungpho.alerts.models import Channel, Notification
from ungpho.alerts.selectors import incident_recipients
from ungpho.audit.services import audit_record
from ungpho.core.formats.cap import EXERCISE_BOTH as EXERCISE_MARK
from ungpho.core.rules.notify_plan import DEADLINE_PARTIES
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.selectors import incident_title

log = logging.getLogger(__name__)
#: Parties whose delivery can meet a "notify" deadline (TT 12/2023 Phụ lục VI).
NOTIFY_DEADLINE_PARTIES = frozenset().union(*DEADLINE_PARTIES.values())


def retry_delay_s(attempts: int) -> float:
    """Back-off after a failed attempt: 30 s, 1 min, 2 min … capped at 30 min."""
    return min(30.0 * 2 ** max(attempts - 1, 0), 1800.0)


def _render_incident(incident: IncidentReport, template: str) -> str:
    with translation.override("vi"):
        vi = render_to_string(template, {"incident": incident, "title": incident_title(incident)})
    with translation.override("en"):
        en = render_to_string(template, {"incident": incident, "title": incident_title(incident)})
    return f"{vi.strip()}\n\n---- English ----\n\n{en.strip()}\n"


def exercise_marked(subject: str, body: str) -> tuple[str, str]:
    """Subject and body of a message about an exercise, each carrying DIỄN TẬP / EXERCISE
    once (as CAP marks an Exercise), so that no drill is taken for a real event."""
    if EXERCISE_MARK not in subject:
        subject = f"[{EXERCISE_MARK}] {subject}"
    if not body.startswith(EXERCISE_MARK):
        body = f"{EXERCISE_MARK}\n\n{body}"
    return subject, body


def notification_enqueue(*, recipient: str, subject: str, body: str, dedupe_key: str,
                         now: dt.datetime, report: IncidentReport | None = None,
                         channel: str = Channel.EMAIL, **fields) -> bool:
    """Queue one message unless its ``dedupe_key`` was queued before; True if new. Runs in the
    caller's transaction, so the message exists exactly when the event that caused it does.
    ``fields``: further columns of :class:`Notification` (incident, party, contact, user,
    citation, ack_required, reminder_of, and status/sent_at for in-app messages). A message
    about an exercise says so in its subject and at the head of its body."""
    incident = fields.get("incident") or (report.incident if report is not None else None)
    if incident is not None and incident.exercise:
        subject, body = exercise_marked(subject, body)
    _, new = Notification.objects.get_or_create(
        dedupe_key=dedupe_key[:200], defaults={
            "recipient": recipient, "subject": subject[:250], "body": body, "channel": channel,
            "report": report, "created_at": now, "due_at": now, **fields})
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
            recipient=recipient, subject=subject, body=body, report=incident, now=now,
            dedupe_key=f"incident:{incident.pk}:opened:{recipient}")
    return created


def notifications_enqueue_for_level(*, report: IncidentReport, now: dt.datetime) -> int:
    """Tell the people a new report tells that its readings now confirm a higher alarm band
    (``report.decision["level"]``): once per band, whatever readings repeat it; with the
    incident when one holds the report. Returns how many were new."""
    level = report.decision["level"]
    with translation.override("vi"):
        subject = (f"[ungpho] {report.code}: cấp báo động {level} / alarm level {level} — "
                   f"{incident_title(report)}")
    body = _render_incident(report, "alerts/report_level_raised.txt")
    return sum(notification_enqueue(
        recipient=recipient, subject=subject, body=body, report=report, now=now,
        incident_id=report.incident_id,
        dedupe_key=f"report:{report.pk}:level:{level}:{recipient}")
        for recipient in incident_recipients(report))


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
        if won:  # the row as the UPDATE left it, without reading it again
            row.status, row.claimed_at, row.claimed_by = (Notification.Status.SENDING, now,
                                                          worker_id)
            row.attempts += 1
            return row
    return None


def outbox_deliver(notification: Notification, *, worker_id: str,
                   mailer: Mailer | None = None) -> bool:
    """Send one claimed row and record the outcome; True when the other side accepted it.
    ``mailer`` keeps one SMTP connection across a pass; without it, one for this message."""
    own = mailer is None
    mailer = mailer or Mailer()
    try:
        channel_send(notification, mailer)
    except Exception as error:  # any transport failure: record it, retry later
        log.warning("notification %s to %s failed: %s", notification.pk, notification.recipient,
                    error)
        _outbox_failed(notification, worker_id=worker_id, error=f"{type(error).__name__}: {error}")
        return False
    finally:
        if own:
            mailer.close()
    _outbox_sent(notification, worker_id=worker_id)
    return True


@transaction.atomic
def _outbox_sent(notification: Notification, *, worker_id: str) -> None:
    from ungpho.alerts.plans import notify_deadlines_check

    now = dt.datetime.now(dt.UTC)
    if not Notification.objects.filter(pk=notification.pk, claimed_by=worker_id).update(
            status=Notification.Status.SENT, sent_at=now, last_error=""):
        return  # our lease ran out and another worker took the row over
    audit_record(by=None, action="notification.sent", obj=notification,
                 after={"recipient": notification.recipient, "sent_at": now.isoformat(),
                        "attempts": notification.attempts, "worker": worker_id})
    if notification.incident_id and notification.party in NOTIFY_DEADLINE_PARTIES:
        notify_deadlines_check(incident_id=notification.incident_id, at=now)


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
    """One worker pass over the outbox, with one SMTP connection for all its e-mails;
    returns how many messages were accepted."""
    sent = 0
    mailer = Mailer()
    try:
        with _bookkeeping_commits():
            for _ in range(limit):
                notification = outbox_claim_next(worker_id=worker_id)
                if notification is None:
                    break
                sent += outbox_deliver(notification, worker_id=worker_id, mailer=mailer)
    finally:
        mailer.close()
    return sent


@contextlib.contextmanager
def _bookkeeping_commits():
    """PostgreSQL: the pass's claims and outcomes commit without waiting for the WAL flush
    (``synchronous_commit = off``; ~3.5 ms a commit here). A database *server* crash can then
    forget the last fraction of a second of them: a row goes back to due and is sent again,
    with the same Message-ID / Idempotency-Key, which the receiver drops — the guarantee the
    outbox gives anyway. Never data loss: the rows themselves were committed durably."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
