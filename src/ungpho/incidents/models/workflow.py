"""The response workflow's records: the phase an incident is in and its ticked duties
(TT 12/2023 Phụ lục VII), its tasks, the activation packages applied to it, and its
situation reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ungpho.audit.models import AppendOnlyQuerySet
from ungpho.core.response.packages import INCIDENT_KINDS
from ungpho.incidents.models.incidents import IncidentRole

ROLES = IncidentRole.Role.choices


class PhaseQuerySet(AppendOnlyQuerySet):
    refusal = "phase changes are append-only: move the incident again"


class PhaseChange(models.Model):
    """The incident moved to ``phase`` (Phụ lục VII, 1–6); the latest row is where it is
    (none yet: phase 1). A move that needed a reason keeps it with the duties left undone."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT,
                                 related_name="phase_changes", verbose_name=_("incident"))
    phase = models.PositiveSmallIntegerField(_("phase"))
    previous = models.PositiveSmallIntegerField(_("previous phase"))
    at = models.DateTimeField(_("time"))
    by = models.CharField(_("by"), max_length=150)
    reason = models.TextField(_("reason"), blank=True)
    left = models.JSONField(_("duties left undone"), default=list)

    objects = PhaseQuerySet.as_manager()

    class Meta:
        ordering = ["incident", "at", "pk"]
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")

    def __str__(self):
        return f"{self.incident} {self.previous} → {self.phase}"


class ChecklistTick(models.Model):
    """A duty of a phase's checklist ticked, when and by whom; a tick withdrawn keeps its
    row (and its log entries), so the history shows both."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT,
                                 related_name="checklist_ticks", verbose_name=_("incident"))
    phase = models.PositiveSmallIntegerField(_("phase"))
    item = models.CharField(_("duty"), max_length=60)
    instrument = models.CharField(_("instrument"), max_length=80)
    ticked_at = models.DateTimeField(_("ticked at"))
    ticked_by = models.CharField(_("ticked by"), max_length=150)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.CharField(_("withdrawn by"), max_length=150, blank=True)

    class Meta:
        ordering = ["incident", "phase", "ticked_at", "pk"]
        verbose_name = _("checklist tick")
        verbose_name_plural = _("checklist ticks")
        constraints = [models.UniqueConstraint(
            fields=["incident", "phase", "item"], condition=Q(withdrawn_at__isnull=True),
            name="checklist_tick_once")]

    def __str__(self):
        return f"{self.incident} {self.phase}.{self.item}"


class ActivationPackage(models.Model):
    """A pre-planned first response to one kind of event at given categories and alarm
    levels: tasks with their due time and owning role, parties to tell, resources to send.
    The operations centre keeps them in the admin; applying one copies its content onto the
    incident, so a later edit never changes an incident's tasks."""

    class Kind(models.TextChoices):
        LOST_STOLEN_SOURCE = "lost_stolen_source", _("radioactive source lost or stolen")
        SOURCE_FOUND = "source_found", _("source found out of control (scrap yard, public place)")
        TRANSPORT = "transport", _("transport accident")
        CONTAMINATION = "contamination", _("radioactive contamination")
        FACILITY_RELEASE = "facility_release", _("release at a facility")
        FOREIGN_NPP = "foreign_npp", _("accident at a foreign nuclear power plant")
        ELEVATED_READINGS = "elevated_readings", _("elevated readings of unknown origin")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind of event"), max_length=20, choices=Kind.choices)
    hazard_categories = models.CharField(
        _("hazard categories"), max_length=20, blank=True,
        help_text=_("comma-separated, e.g. III,IV; empty: any"))
    alarm_levels = models.CharField(_("alarm levels"), max_length=20, blank=True,
                                    help_text=_("comma-separated ranks, e.g. 2,3; empty: any"))
    basis = models.CharField(_("basis"), max_length=300, blank=True,
                             help_text=_("the articles it follows; the rest is the "
                                         "operations centre's plan"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("activation package")
        verbose_name_plural = _("activation packages")
        constraints = [models.CheckConstraint(condition=Q(kind__in=INCIDENT_KINDS),
                                              name="activation_package_known_kind")]

    def __str__(self):
        return f"{self.code}: {self.name_vi}"

    def categories(self) -> list[str]:
        return [c.strip() for c in self.hazard_categories.split(",") if c.strip()]

    def levels(self) -> list[int]:
        return [int(c) for c in self.alarm_levels.split(",") if c.strip().isdigit()]


class PackageTask(models.Model):
    package = models.ForeignKey(ActivationPackage, on_delete=models.CASCADE,
                                related_name="tasks")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_vi = models.CharField(_("task (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("task (English)"), max_length=300)
    due_minutes = models.PositiveIntegerField(_("due, minutes after applying"))
    role = models.CharField(_("owning role"), max_length=20, choices=ROLES, blank=True)
    cite = models.CharField(_("citation"), max_length=200, blank=True,
                            help_text=_("empty: the operations centre's plan"))

    class Meta:
        ordering = ["package", "order", "pk"]
        verbose_name = _("package task")
        verbose_name_plural = _("package tasks")

    def __str__(self):
        return self.title_vi


class PackageNotification(models.Model):
    package = models.ForeignKey(ActivationPackage, on_delete=models.CASCADE,
                                related_name="notifications")
    party = models.SlugField(_("party kind"), max_length=40,
                             help_text=_("e.g. provincial_command_board, police_113, naccet"))
    name_vi = models.CharField(_("party (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("party (English)"), max_length=200)
    cite = models.CharField(_("citation"), max_length=200, blank=True)

    class Meta:
        ordering = ["package", "pk"]
        verbose_name = _("party to notify")
        verbose_name_plural = _("parties to notify")

    def __str__(self):
        return self.party


class PackageResource(models.Model):
    package = models.ForeignKey(ActivationPackage, on_delete=models.CASCADE,
                                related_name="resources")
    resource_vi = models.CharField(_("resource (Vietnamese)"), max_length=200)
    resource_en = models.CharField(_("resource (English)"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_vi = models.CharField(_("unit (Vietnamese)"), max_length=40)
    unit_en = models.CharField(_("unit (English)"), max_length=40)
    cite = models.CharField(_("citation"), max_length=200, blank=True)

    class Meta:
        ordering = ["package", "pk"]
        verbose_name = _("resource need")
        verbose_name_plural = _("resource needs")

    def __str__(self):
        return f"{self.resource_vi}: {self.quantity} {self.unit_vi}"


class PackageApplication(models.Model):
    """A package applied to an incident, once: ``content`` is the package as it was then
    (tasks, parties to notify, resource needs)."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT,
                                 related_name="package_applications", verbose_name=_("incident"))
    package = models.ForeignKey(ActivationPackage, on_delete=models.PROTECT,
                                related_name="applications", verbose_name=_("activation package"))
    applied_at = models.DateTimeField(_("applied at"))
    applied_by = models.CharField(_("applied by"), max_length=150)
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["incident", "applied_at", "pk"]
        verbose_name = _("package applied")
        verbose_name_plural = _("packages applied")
        constraints = [models.UniqueConstraint(fields=["incident", "package"],
                                               name="package_applied_once")]

    def __str__(self):
        return f"{self.incident} ← {self.package.code}"


class IncidentTask(models.Model):
    """A task of the response: who, by when, done or not. ``version`` rises with every
    change, so a form or a PATCH made on an older version is refused, never lost."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    class Origin(models.TextChoices):
        UI = "ui", _("incident page")
        PACKAGE = "package", _("activation package")
        API = "api", _("API")

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT,
                                 related_name="tasks", verbose_name=_("incident"))
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, verbose_name=_("owner"))
    role = models.CharField(_("owning role"), max_length=20, choices=ROLES, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    origin = models.CharField(_("created from"), max_length=10, choices=Origin.choices)
    application = models.ForeignKey(PackageApplication, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="tasks")
    cite = models.CharField(_("citation"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.CharField(_("created by"), max_length=150)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.CharField(_("done by"), max_length=150, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["incident", "due_at", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        # The incident page lists an incident's tasks by status and due time.
        indexes = [models.Index(fields=["incident", "status", "due_at"])]

    def __str__(self):
        return self.title


class SitrepQuerySet(AppendOnlyQuerySet):
    refusal = "situation reports are append-only: issue a new one"


class SituationReport(models.Model):
    """A situation report (báo cáo tình hình), numbered per incident, immutable once issued;
    a correction is a new report naming the one it corrects."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT,
                                 related_name="sitreps", verbose_name=_("incident"))
    number = models.PositiveIntegerField(_("number"))
    period_from = models.DateTimeField(_("period from"))
    period_to = models.DateTimeField(_("period to"))
    situation = models.TextField(_("situation"))
    actions = models.TextField(_("actions taken"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    next_due_at = models.DateTimeField(_("next report due"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.CharField(_("issued by"), max_length=150)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections", verbose_name=_("corrects"))

    objects = SitrepQuerySet.as_manager()

    class Meta:
        ordering = ["incident", "number"]
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        constraints = [models.UniqueConstraint(fields=["incident", "number"],
                                               name="sitrep_number_once")]

    def __str__(self):
        return f"{self.incident} BC-{self.number:02d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(SitrepQuerySet.refusal)
        super().save(*args, **kwargs)
