import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ungpho.accounts.roles import Role


class Party(models.TextChoices):
    """Who a notification plan can name (ids as in the rules' ``notify`` lists)."""

    FACILITY_COMMAND_BOARD = "facility_command_board", _("facility command board")
    PROVINCIAL_COMMAND_BOARD = "provincial_command_board", _("provincial command board")
    PROVINCIAL_DOST = "provincial_dost", _("provincial Department of Science and Technology")
    POLICE_113 = "police_113", _("police 113")
    FIRE_114 = "fire_114", _("fire and rescue 114")
    AMBULANCE_115 = "ambulance_115", _("ambulance 115")
    NACCET = "naccet", _("NACCET (national operations centre)")
    MINISTRY_OF_DEFENCE = "ministry_of_defence", _("Ministry of Defence")
    IAEA_CONTACT_POINT = "iaea_contact_point", _("IAEA contact point")
    NEIGHBOURING_PROVINCE = "neighbouring_province", _("neighbouring provinces' command boards")


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("webhook")
    INAPP = "inapp", _("in the application")


class Contact(models.Model):
    """A contact point of a party (danh sách liên lạc, TT 12/2023 Điều 26.6.a). Without a
    province it serves every incident (in-app: the users of ``role`` in the incident's scope);
    with one, only incidents there (for neighbouring provinces: incidents next door)."""

    party = models.CharField(_("party"), max_length=30, choices=Party.choices)
    province = models.ForeignKey("geo.Province", null=True, blank=True,
                                 on_delete=models.PROTECT, verbose_name=_("province"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone for SMS"), max_length=20, blank=True)
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    webhook_secret = models.CharField(_("webhook secret"), max_length=200, blank=True)
    role = models.CharField(_("in-app users of the role"), max_length=30, blank=True,
                            choices=[(r.value, r.label) for r in Role])
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["party", "province", "name"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [models.CheckConstraint(
            condition=Q(webhook_url="") | ~Q(webhook_secret=""),
            name="contact_webhook_has_secret")]

    def __str__(self):
        return f"{self.get_party_display()}: {self.name}"


class PlanRule(models.Model):
    """One rule of the notification plan (``ungpho.core.rules.notify_plan.PlanRule``)."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    party = models.CharField(_("party"), max_length=30, choices=Party.choices)
    channels = models.JSONField(_("channels"), help_text='e.g. ["email", "sms", "inapp"]')
    scopes = models.JSONField(_("response scopes"), default=list, blank=True,
                              help_text=_("empty: any scope"))
    min_alarm_level = models.PositiveSmallIntegerField(_("from alarm level"), null=True,
                                                       blank=True)
    hazard_categories = models.JSONField(_("hazard categories"), default=list, blank=True,
                                         help_text=_("empty: any category"))
    transboundary_only = models.BooleanField(_("transboundary events only"), default=False)
    citation = models.CharField(_("citation"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("notification plan rule")
        verbose_name_plural = _("notification plan")

    def __str__(self):
        return f"{self.order}: {self.party} ← {', '.join(self.channels)}"

    def clean(self):
        """Refuse in the admin what the plan could not apply, naming the field."""
        from ungpho.core.rules.notify_plan import PlanRule as Rule

        lists = {"channels": self.channels, "scopes": self.scopes,
                 "hazard_categories": self.hazard_categories}
        bad = [name for name, value in lists.items() if not isinstance(value, list)]
        if bad:
            raise ValidationError({name: _("a list, e.g. [\"email\", \"sms\"]") for name in bad})
        try:
            Rule(party=self.party, channels=tuple(self.channels), citation=self.citation,
                 scopes=frozenset(self.scopes))
        except ValueError as error:
            field = str(error).split(":", 1)[0]
            raise ValidationError({field if field in lists else "channels": str(error)}) \
                from error


def _token() -> str:
    return secrets.token_urlsafe(24)


class Notification(models.Model):
    """An outbox row: written in the transaction of the event, sent later by the worker.

    Life: pending → sending (claimed, with a lease) → sent; a failed attempt goes back to
    pending with a later ``due_at``; after ``MAX_ATTEMPTS`` it stays ``failed`` on the desk.
    Plan messages (``ack_required``) wait for an acknowledgement; without one in time, or
    failed for good, they are escalated once (``escalated_at``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    MAX_ATTEMPTS = 8

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL,
                               verbose_name=_("channel"))
    # An e-mail address, a phone number, a webhook URL or (in-app) a user name.
    recipient = models.CharField(_("recipient"), max_length=500)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("body"))
    report = models.ForeignKey("incidents.IncidentReport", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="notifications")
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="notifications")
    party = models.CharField(_("party"), max_length=30, choices=Party.choices, blank=True)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.PROTECT, related_name="inbox")
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    # One message per event and recipient, however often the event is raised.
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING,
                              verbose_name=_("status"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(verbose_name=_("due at"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    last_error = models.TextField(blank=True)
    # The acknowledgement link's secret (/ack/<token>); rows older than it have none (NULL,
    # since unique: an empty string would be one value shared by them all).
    ack_token = models.CharField(max_length=40, unique=True, null=True,  # noqa: DJ001
                                 default=_token, editable=False)
    ack_required = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=200, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # A reminder's original message: acknowledging either acknowledges both.
    reminder_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reminders")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The worker looks for due rows by status and due time.
            models.Index(fields=["status", "due_at"]),
            # The escalation pass: unacknowledged plan messages not yet escalated.
            models.Index(fields=["ack_required", "acknowledged_at", "escalated_at"]),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a receiving mail client can drop a duplicate."""
        return f"<notification-{self.pk}@ungpho>"

    @property
    def idempotency_key(self) -> str:
        """Stable across retries and workers (HTTP ``Idempotency-Key``): a receiver that keeps
        the keys it has seen gets each message once."""
        return hashlib.sha256(self.dedupe_key.encode()).hexdigest()[:32]

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
