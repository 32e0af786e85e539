"""The law's clock on a report: the classification deadline runs from the report's first
information (TT 12/2023 Phụ lục VI, dòng 1), not from the moment somebody opens an incident."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportDeadline(models.Model):
    """The classification deadline of a report while no incident holds it, as a row the worker
    processes like an incident's ``Deadline``: its escalation steps fire (the same plan), it is
    breached (time), and once the report is on an incident it is handed over to the incident's
    own classification deadline, which keeps the report's start and its escalation progress.
    Claimed with conditional UPDATEs, so a restart never loses or repeats a step."""

    class Status(models.TextChoices):
        PENDING = "pending", _("running")
        BREACHED = "breached", _("breached")
        HANDED_OVER = "handed_over", _("handed over to the incident")

    report = models.OneToOneField("incidents.IncidentReport", on_delete=models.PROTECT,
                                  related_name="deadline")
    text_vi = models.CharField(max_length=200)
    text_en = models.CharField(max_length=200)
    citation = models.CharField(_("citation"), max_length=200)
    due_at = models.DateTimeField(_("due before"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PENDING)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    # The plan's steps as copied when the clock started, the next one to fire and when.
    escalation = models.JSONField(default=list)
    next_step = models.PositiveSmallIntegerField(default=0)
    next_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("report deadline")
        verbose_name_plural = _("report deadlines")
        # The worker looks for running clocks by their due time and their next step.
        indexes = [models.Index(fields=["status", "due_at"]),
                   models.Index(fields=["status", "next_at"])]

    def __str__(self):
        return f"{self.report} < {self.due_at:%Y-%m-%d %H:%M}"
