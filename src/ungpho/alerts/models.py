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


class PublicMessage(models.Model):
    """A public information message (TT 12/2023 Phụ lục VIII.II) of an incident, from draft
    to release and on to its successor. Only the incident commander approves (Phụ lục VIII.II,
    Lưu ý); a released message never changes: a correction is the next message, which
    supersedes it (CAP msgType Update) or cancels it (Cancel), with CAP references.

    The sequence number, CAP identifier, sender and sent time are set at release, so the
    public sequence has no gaps whatever happens to drafts."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")
        RELEASED = "released", _("released")
        SUPERSEDED = "superseded", _("superseded")
        CANCELLED = "cancelled", _("cancelled")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("message")
        CANCEL = "cancel", _("cancellation")

    EDITABLE = (Status.DRAFT, Status.APPROVED)
    CONTENT = ("template", "values", "flags", "guidance", "basis", "next_update_at",
               "area_desc_vi", "area_desc_en", "circle_lat", "circle_lon", "circle_radius_km",
               "polygon", "text_vi", "text_en", "unfilled")

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT,
                                 related_name="public_messages", verbose_name=_("incident"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices,
                            default=Kind.MESSAGE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    # Bumped by every edit: an approval or edit names the revision it saw (no lost update).
    revision = models.PositiveIntegerField(default=1)
    # Content: the template of Phụ lục VIII.II, its values ({name: {"vi", "en"}}) and flags,
    # the public-safety items of Phụ lục VIII.III given as instructions (their numbers).
    template = models.CharField(_("template"), max_length=40, blank=True)
    instrument = models.CharField(_("instrument"), max_length=80)
    values = models.JSONField(_("values"), default=dict)
    flags = models.JSONField(_("flags"), default=dict)
    guidance = models.JSONField(_("public safety guidance"), default=list)
    # CAP certainty: "observed" or "projected" (core/formats/data/cap_levels.yaml).
    basis = models.CharField(_("basis of the classification"), max_length=10,
                             default="observed")
    text_vi = models.TextField(_("text (Vietnamese)"))
    text_en = models.TextField(_("text (English)"))
    unfilled = models.JSONField(_("unfilled placeholders"), default=list)
    next_update_at = models.DateTimeField(_("next update at"), null=True, blank=True)
    # The area: a circle and/or a polygon of [lat, lon] points (closed), WGS 84.
    area_desc_vi = models.CharField(_("area (Vietnamese)"), max_length=300)
    area_desc_en = models.CharField(_("area (English)"), max_length=300)
    circle_lat = models.FloatField(null=True, blank=True)
    circle_lon = models.FloatField(null=True, blank=True)
    circle_radius_km = models.FloatField(_("radius (km)"), null=True, blank=True)
    polygon = models.JSONField(_("polygon"), default=list, blank=True)
    drafted_at = models.DateTimeField(_("drafted at"))
    drafted_by = models.CharField(_("drafted by"), max_length=150)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=150, blank=True)
    # Set at release.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    identifier = models.CharField(_("CAP identifier"), max_length=120, null=True, blank=True,
                                  unique=True)
    sender = models.CharField(_("CAP sender"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.CharField(_("released by"), max_length=150, blank=True)
    msg_type = models.CharField(_("CAP message type"), max_length=8, blank=True)
    references = models.ManyToManyField("self", symmetrical=False, blank=True,
                                        related_name="referenced_by")
    ended_at = models.DateTimeField(_("superseded or cancelled at"), null=True, blank=True)
    ended_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("superseded by"))

    class Meta:
        ordering = ["incident", "number", "pk"]
        verbose_name = _("public message")
        verbose_name_plural = _("public messages")
        constraints = [models.UniqueConstraint(fields=["incident", "number"],
                                               name="public_message_number_once")]
        # The public page and the feed list released messages, newest first.
        indexes = [models.Index(fields=["status", "-sent_at"])]

    def __str__(self):
        return self.identifier or f"{self.incident} draft {self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exclude(
                status__in=self.EDITABLE).exists():
            raise PermissionError("a released public message never changes: release a new "
                                  "one that supersedes or cancels it")
        super().save(*args, **kwargs)
