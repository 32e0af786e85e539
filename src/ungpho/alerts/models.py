from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An outbox row: written in the transaction of the event, sent later by the worker.

    Life: pending → sending (claimed, with a lease) → sent; a failed attempt goes back to
    pending with a later ``due_at``; after ``MAX_ATTEMPTS`` it stays ``failed`` on the desk.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    MAX_ATTEMPTS = 8

    channel = models.CharField(max_length=10, default="email")
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("body"))
    incident = models.ForeignKey("incidents.IncidentReport", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="notifications")
    # One message per event and recipient, however often the event is raised.
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        # The worker looks for due rows by status and due time.
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a receiving mail client can drop a duplicate."""
        return f"<notification-{self.pk}@ungpho>"
