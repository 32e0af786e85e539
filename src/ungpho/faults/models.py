"""Dead letters (what a door could not read or store) and worker-step health."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeadLetter(models.Model):
    """One input a door could not parse or store, kept whole (up to a limit) with why.

    The door goes on; the administrator lists, fixes and retries (``ungpho deadletters``).
    The same input received again while its letter is open raises ``times_received``
    instead of a new row (an MQTT redelivery, a file dropped twice)."""

    class Door(models.TextChoices):
        MQTT = "mqtt", _("MQTT")
        HTTP = "http", _("HTTP")
        FILE = "file", _("drop folder")
        EURDEP = "eurdep", _("EURDEP")
        CLI = "cli", _("command line")
        TRACKER = "tracker", _("source tracker")

    door = models.CharField(_("door"), max_length=16, choices=Door.choices)
    #: Where it came from: the MQTT topic, the file's path, the HTTP path and station.
    source = models.CharField(_("source"), max_length=500)
    #: The raw bytes, up to settings.DEADLETTER_MAX_BYTES (``truncated`` says if cut).
    payload = models.BinaryField(_("payload"), null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    truncated = models.BooleanField(_("truncated"), default=False)
    #: SHA-256 of the whole input (not only the kept part): tells a redelivery apart.
    sha256 = models.CharField(max_length=64)
    field = models.CharField(_("field"), max_length=120, blank=True)
    reason = models.TextField(_("reason"))
    received_at = models.DateTimeField(_("received at"))
    last_received_at = models.DateTimeField(_("last received at"))
    times_received = models.PositiveIntegerField(_("times received"), default=1)
    attempts = models.PositiveIntegerField(_("retries"), default=0)
    last_attempt_at = models.DateTimeField(_("last retry at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
        indexes = [
            # `ungpho check`, the list and the admin page: the open letters, newest first.
            models.Index(fields=["-received_at"], name="deadletter_open",
                         condition=Q(resolved_at__isnull=True)),
            # deadletter_keep: is this input already an open letter?
            models.Index(fields=["sha256", "door"], name="deadletter_by_hash"),
        ]

    def __str__(self):
        return f"{self.door}:{self.source}: {self.reason[:80]}"


class StepHealth(models.Model):
    """The state of one worker step (``worker.STEPS``): written when it fails and on the
    first success after a failure, so a healthy worker writes nothing here."""

    name = models.CharField(_("step"), max_length=60, unique=True)
    failing = models.BooleanField(_("failing"), default=False)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    total_failures = models.PositiveBigIntegerField(_("failures in all"), default=0)
    #: The first failure of the current run of failures (`ungpho check`: failing since).
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("last failed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_worker = models.CharField(_("worker"), max_length=120, blank=True)
    recovered_at = models.DateTimeField(_("recovered at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("worker step")
        verbose_name_plural = _("worker steps")

    def __str__(self):
        return self.name
