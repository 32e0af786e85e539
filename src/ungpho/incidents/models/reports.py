"""Reports on the duty desk (the first information about a possible incident) and each
report's closings and reopenings."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ungpho.audit.models import AppendOnlyQuerySet
from ungpho.incidents.models.incidents import Incident, Situated


class CloseReason(models.TextChoices):
    """Why a report left the desk. The officer chooses among the first five
    (``incidents.report_status.CLOSE_CHOICES``); the system writes the last two."""

    FALSE_ALARM = "false_alarm", _("false alarm")
    DUPLICATE = "duplicate", _("duplicate of another report")
    TEST = "test", _("test or maintenance")
    HANDLED = "handled", _("handled without an incident")
    OTHER = "other", _("other (explained in the note)")
    RESPONSE_ENDED = "response_ended", _("its incident's response ended")
    UNRECORDED = "unrecorded", _("closed before reasons were recorded")


class IncidentReport(Situated):
    """A report on the duty desk: the first information about a possible incident."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Source(models.TextChoices):
        THRESHOLD = "threshold", _("monitoring threshold exceeded")
        CALL = "call", _("call or message")
        SOURCE = "source", _("radioactive source lost or stolen")
        TRACKER = "tracker", _("mobile source tracker alert")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    station = models.ForeignKey("monitoring.Station", null=True, blank=True,
                                on_delete=models.PROTECT, verbose_name=_("station"))
    parameter = models.ForeignKey("monitoring.Parameter", null=True, blank=True,
                                  on_delete=models.PROTECT, verbose_name=_("parameter"))
    updated_at = models.DateTimeField(_("updated at"))
    peak_value = models.FloatField(_("peak value"), null=True, blank=True)
    latest_value = models.FloatField(_("latest value"), null=True, blank=True)
    # The decision that raised it, as computed by ungpho.core (criterion, limit, ratio).
    decision = models.JSONField(default=dict)
    # The readings behind it, newest last, capped (see incidents.services.EVIDENCE_KEEP).
    evidence = models.JSONField(default=list)
    # The incident the officer linked it to (or opened from it); none while unhandled.
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="reports", verbose_name=_("incident"))
    # A call's answers to the reception form (TT 12/2023 Phụ lục VIII.I), as checked by
    # core.rules.reception: {"form": citation, "answers": {field id: value}}.
    reception = models.JSONField(_("reception form"), default=dict, blank=True)
    received_by = models.CharField(_("received by"), max_length=150, blank=True)
    # While closed: why, when and by whom (the history: ReportStatusChange); empty when open.
    close_reason = models.CharField(_("reason for closing"), max_length=20,
                                    choices=CloseReason.choices, blank=True)
    close_note = models.TextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.CharField(_("closed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        constraints = [
            # A station's exceedance updates its open report instead of opening another.
            models.UniqueConstraint(fields=["station", "parameter"], condition=Q(status="open"),
                                    name="incident_one_open_per_station_parameter"),
            # A source lost, then reported stolen, or tracked astray, is still one report
            # (calls about it are reports of their own: many calls, one event).
            models.UniqueConstraint(fields=["radioactive_source"],
                                    condition=Q(status="open") & ~Q(source="call"),
                                    name="incident_one_open_per_source"),
            # A report never leaves the desk without a reason.
            models.CheckConstraint(condition=Q(status="open") | ~Q(close_reason=""),
                                   name="incident_report_closed_has_reason"),
        ]
        # The duty desk lists open reports newest first; the closed list, latest closed first.
        indexes = [models.Index(fields=["status", "-opened_at"]),
                   models.Index(fields=["status", "-closed_at"])]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        return f"SC-{self.opened_at:%Y}-{self.pk:05d}"


class ReportChangeQuerySet(AppendOnlyQuerySet):
    refusal = "a report's history is append-only"


class ReportStatusChange(models.Model):
    """A report's log: each closing (with its reason) and reopening (with why), stamped and
    authored, append-only."""

    class Action(models.TextChoices):
        CLOSED = "closed", _("closed")
        REOPENED = "reopened", _("reopened")

    report = models.ForeignKey(IncidentReport, on_delete=models.PROTECT,
                               related_name="status_changes")
    at = models.DateTimeField(_("time"))
    by = models.CharField(_("by"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason for closing"), max_length=20,
                              choices=CloseReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ReportChangeQuerySet.as_manager()

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("report status change")
        verbose_name_plural = _("report status changes")

    def __str__(self):
        return f"{self.report} {self.at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(ReportChangeQuerySet.refusal)
        super().save(*args, **kwargs)
