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

from ungpho.alerts.channels import Mailer, channel_send
from ungpho.alerts.models import Channel, Notification
from ungpho.alerts.signals import notification_sent
from ungpho.audit.services import audit_record
from ungpho.core.formats.cap import EXERCISE_BOTH as EXERCISE_MARK

log = logging.getLogger(__name__)


def retry_delay_s(attempts: int) -> float:
    """Back-off after a failed attempt: 30 s, 1 min, 2 min … capped at 30 min."""
    return min(30.0 * 2 ** max(attempts - 1, 0), 1800.0)


def exercise_marked(subject: str, body: str) -> tuple[str, str]:
    """Subject and body of a message about an exercise, each carrying DIỄN TẬP / EXERCISE
    once (as CAP marks an Exercise), so that no drill is taken for a real event."""
    if EXERCISE_MARK not in subject:
        subject = f"[{EXERCISE_MARK}] {subject}"
    if not body.startswith(EXERCISE_MARK):
        body = f"{EXERCISE_MARK}\n\n{body}"
    return subject, body


def notification_enqueue(*, recipient: str, subject: str, body: str, dedupe_key: str,
                         now: dt.datetime, report=None, channel: str = Channel.EMAIL,
                         **fields) -> bool:
    """Queue one message unless its ``dedupe_key`` was queued before; True if new. Runs in the
    caller's transaction, so the message exists exactly when the event that caused it does.
    ``report``: the incident report the message is about, if any; ``fields``: further columns
    of :class:`Notification` (incident, party, contact, user, citation, ack_required,
    reminder_of, and status/sent_at for in-app messages). A message about an exercise says so
    in its subject and at the head of its body."""
    incident = fields.get("incident") or (report.incident if report is not None else None)
    if incident is not None and incident.exercise:
        subject, body = exercise_marked(subject, body)
    _, new = Notification.objects.get_or_create(
        dedupe_key=dedupe_key[:200], defaults={
            "recipient": recipient, "subject": subject[:250], "body": body, "channel": channel,
            "report": report, "created_at": now, "due_at": now, **fields})
    return new


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
    now = dt.datetime.now(dt.UTC)
    if not Notification.objects.filter(pk=notification.pk, claimed_by=worker_id).update(
            status=Notification.Status.SENT, sent_at=now, last_error=""):
        return  # our lease ran out and another worker took the row over
    audit_record(by=None, action="notification.sent", obj=notification,
                 after={"recipient": notification.recipient, "sent_at": now.isoformat(),
                        "attempts": notification.attempts, "worker": worker_id})
    # In this transaction, so the delivery and what it settles (an incident's "notify"
    # deadline: incidents.receivers) are recorded together.
    notification_sent.send(sender=Notification, notification=notification, at=now)


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
