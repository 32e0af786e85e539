"""The outbox's channels, all on premises: e-mail (SMTP, one connection per worker pass),
SMS through a configurable HTTP gateway, signed webhooks. In-app messages need no transport:
they are delivered when queued (``ungpho.incidents.notification.plans``).

Every HTTP request carries ``Idempotency-Key`` (stable per outbox row), so a receiver that
remembers the keys it has seen gets each message once even when a worker died between the
receiver's answer and recording it, and another worker sent again after the lease.

Webhook signature: ``X-Ungpho-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." +
body)>`` with ``X-Ungpho-Timestamp: <unix seconds>``; see docs/incident-notifications.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from ungpho.alerts.links import public_url
from ungpho.alerts.models import Channel, Notification


class ChannelError(Exception):
    """The channel could not deliver; the message says why (kept as ``last_error``)."""


def ack_url(notification: Notification) -> str | None:
    if not notification.ack_token:
        return None
    return public_url() + reverse("notification-ack", args=[notification.ack_token])


def _text(notification: Notification) -> str:
    link = ack_url(notification)
    if link is None:
        return notification.body
    return (f"{notification.body.rstrip()}\n\nXác nhận đã nhận / Acknowledge receipt:\n"
            f"{link}\n")


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 over ``timestamp + "." + body`` with the secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def _post(url: str, payload: dict, headers: dict[str, str]) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "ungpho", **{
            k: v(body) if callable(v) else v for k, v in headers.items()}})
    try:
        with urllib.request.urlopen(request, timeout=settings.HTTP_CHANNEL_TIMEOUT_S) as answer:
            answer.read()
    except urllib.error.HTTPError as error:
        raise ChannelError(f"HTTP {error.code} {error.reason} from {url}") from error
    except (urllib.error.URLError, OSError) as error:
        raise ChannelError(f"{url}: {getattr(error, 'reason', error)}") from error


class Mailer:
    """One SMTP connection for a whole worker pass, opened on the first e-mail and opened
    again after a failure (the server may have dropped it)."""

    def __init__(self):
        self._connection = None

    def send(self, notification: Notification) -> None:
        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
            self._connection.open()
        message = EmailMessage(subject=notification.subject, body=_text(notification),
                               from_email=settings.DEFAULT_FROM_EMAIL,
                               to=[notification.recipient], connection=self._connection,
                               headers={"Message-ID": notification.message_id})
        try:
            message.send(fail_silently=False)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            # A dead connection may not close cleanly; it is dropped anyway.
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None


def _sms(notification: Notification) -> None:
    if not settings.SMS_GATEWAY_URL:
        raise ChannelError("UNGPHO_SMS_GATEWAY_URL is not set: no SMS gateway configured")
    headers = {"Idempotency-Key": notification.idempotency_key}
    if settings.SMS_GATEWAY_TOKEN:
        headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
    link = ack_url(notification)
    text = notification.subject + (f" {link}" if link else "")
    _post(settings.SMS_GATEWAY_URL, {"to": notification.recipient, "text": text,
                                     "id": notification.idempotency_key}, headers)


def _webhook(notification: Notification) -> None:
    contact = notification.contact
    if contact is None or not contact.webhook_secret:
        raise ChannelError("webhook: the contact point has no secret to sign with")
    incident = notification.incident
    timestamp = str(int(time.time()))
    payload = {"id": notification.idempotency_key, "party": notification.party,
               "subject": notification.subject, "text": notification.body,
               "ack_url": ack_url(notification), "citation": notification.citation,
               "incident": None if incident is None else {
                   "code": incident.code, "title": incident.title,
                   "province": incident.province_id, "scope": incident.scope,
                   "hazard_category": incident.hazard_category,
                   "alarm_level": incident.alarm_level, "exercise": incident.exercise,
                   "lat": incident.lat, "lon": incident.lon}}
    _post(notification.recipient, payload, {
        "Idempotency-Key": notification.idempotency_key, "X-Ungpho-Timestamp": timestamp,
        "X-Ungpho-Signature": lambda body: webhook_signature(contact.webhook_secret,
                                                             timestamp, body)})


def channel_send(notification: Notification, mailer: Mailer) -> None:
    """Deliver one claimed row by its channel; raises on any failure."""
    if notification.channel == Channel.EMAIL:
        mailer.send(notification)
    elif notification.channel == Channel.SMS:
        _sms(notification)
    elif notification.channel == Channel.WEBHOOK:
        _webhook(notification)
    else:
        raise ChannelError(f"channel {notification.channel!r} has no transport")
