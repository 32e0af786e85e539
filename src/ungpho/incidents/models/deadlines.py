"""The legal deadlines of an incident (TT 12/2023 Phụ lục VI) and the escalation plan
copied onto each."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ungpho.incidents.models.incidents import Incident


class EscalationStep(models.Model):
    """One step of the escalation plan (like Grafana OnCall's chains): this many minutes
    before a legal deadline (negative: after it), tell these people, unless someone has
    acknowledged. The plan is copied onto each deadline when it is set, so a later edit never
    changes a running timer."""

    class Target(models.TextChoices):
        DUTY = "duty", _("the duty officers and the province's command board")
        SUPERVISORS = "supervisors", _("supervisors (administrators)")
        NATIONAL = "national", _("the national duty officers (NACCET)")
        EMAIL = "email", _("an address")

    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    minutes_before_due = models.IntegerField(_("minutes before the deadline"))
    target = models.CharField(_("who"), max_length=12, choices=Target.choices)
    email = models.EmailField(_("address"), blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation plan")
        constraints = [models.CheckConstraint(condition=~Q(target="email") | ~Q(email=""),
                                              name="escalation_email_has_address")]

    def __str__(self):
        return f"{self.order}: T-{self.minutes_before_due} min → {self.target}"


class Deadline(models.Model):
    """A legal deadline of an incident (TT 12/2023 Phụ lục VI) as a row the worker processes:
    its escalation steps fire before it is due, it is met (time, person) or breached (time).
    Claimed with conditional UPDATEs, so a restart never loses or repeats a step."""

    class Status(models.TextChoices):
        PENDING = "pending", _("running")
        MET = "met", _("met")
        BREACHED = "breached", _("breached")
        # Still running when the response was closed: never done (incidents.closure).
        UNMET = "unmet", _("not done when the response closed")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="deadlines")
    action = models.CharField(_("action"), max_length=40)
    level = models.CharField(_("level"), max_length=10)
    text_vi = models.CharField(max_length=200)
    text_en = models.CharField(max_length=200)
    citation = models.CharField(_("citation"), max_length=200)
    due_at = models.DateTimeField(_("due before"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    met_by = models.CharField(_("met by"), max_length=150, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    # The plan's steps as copied: [{"minutes_before_due", "target", "email"}], the next one
    # to fire and when; none after acknowledgement.
    escalation = models.JSONField(default=list)
    next_step = models.PositiveSmallIntegerField(default=0)
    next_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=150, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [models.UniqueConstraint(fields=["incident", "action", "level"],
                                               name="deadline_once_per_action_level")]
        # The worker looks for running deadlines by their next event.
        indexes = [models.Index(fields=["status", "next_at"]),
                   models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"{self.incident} {self.action}/{self.level} < {self.due_at:%Y-%m-%d %H:%M}"
