"""An incident and what is recorded on it: its classifications, its log, who holds its
response roles; ``Situated``: the place and time a report and an incident both carry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ungpho.audit.models import AppendOnlyQuerySet


class Situated(models.Model):
    """Where and when: what a report and an incident both say about an event."""

    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT,
                                 verbose_name=_("province"))
    facility = models.ForeignKey("preparedness.Facility", null=True, blank=True,
                                 on_delete=models.PROTECT, verbose_name=_("facility"))
    radioactive_source = models.ForeignKey("preparedness.RadioactiveSource", null=True,
                                           blank=True, on_delete=models.PROTECT,
                                           verbose_name=_("radioactive source"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # Time of first information: the legal deadlines (TT 12/2023 Phụ lục VI) run from here
    # (an incident's is the earliest of its reports').
    first_information_at = models.DateTimeField(_("first information"))
    opened_at = models.DateTimeField(_("opened at"))

    class Meta:
        abstract = True


class Incident(Situated):
    """An event the duty desk responds to (sự cố), separate from the reports about it: a busy
    desk gets many calls about one event, and calls that are no incident at all."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Scope(models.TextChoices):
        FACILITY = "facility", _("facility level")
        PROVINCIAL = "provincial", _("provincial level")
        NATIONAL = "national", _("national level")

    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    # A drill: marked DIỄN TẬP / EXERCISE everywhere, status=Exercise in CAP.
    exercise = models.BooleanField(_("exercise"), default=False)
    # The classification in force (the latest Classification), for lists and the desk.
    hazard_category = models.CharField(_("hazard category"), max_length=3, blank=True)
    alarm_level = models.PositiveSmallIntegerField(_("alarm level"), null=True, blank=True)
    scope = models.CharField(_("response scope"), max_length=10, choices=Scope.choices,
                             blank=True)
    lead = models.CharField(_("lead organisation"), max_length=200, blank=True)
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        # The duty desk lists open incidents newest first.
        indexes = [models.Index(fields=["status", "-opened_at"])]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        return f"UP-{self.opened_at:%Y}-{self.pk:05d}"


class ClassificationQuerySet(AppendOnlyQuerySet):
    refusal = "classifications are append-only: re-classify the incident"


class Classification(models.Model):
    """One classification of an incident (TT 12/2023 Điều 19.3, 22: re-classified as the
    event evolves, the history kept): the facts, what the rules engine suggested with every
    matched criterion, and what the officer confirmed, with the reason for any override."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT,
                                 related_name="classifications", verbose_name=_("incident"))
    at = models.DateTimeField(_("classified at"))
    by = models.CharField(_("by"), max_length=150)
    facts = models.JSONField(_("facts"))
    # incident_classify's answer: instrument, decisions (matched criteria, citations).
    suggestion = models.JSONField(_("suggestion"))
    instrument = models.CharField(_("instrument"), max_length=80)
    hazard_category = models.CharField(_("hazard category"), max_length=3, blank=True)
    alarm_level = models.PositiveSmallIntegerField(_("alarm level"), null=True, blank=True)
    scope = models.CharField(_("response scope"), max_length=10,
                             choices=Incident.Scope.choices, blank=True)
    lead = models.CharField(_("lead organisation"), max_length=200, blank=True)
    overridden = models.BooleanField(_("overridden"), default=False)
    reason = models.TextField(_("reason for the override"), blank=True)

    objects = ClassificationQuerySet.as_manager()

    class Meta:
        ordering = ["incident", "at", "pk"]
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        constraints = [models.CheckConstraint(condition=Q(overridden=False) | ~Q(reason=""),
                                              name="classification_override_has_reason")]

    def __str__(self):
        return f"{self.incident} @ {self.at:%Y-%m-%d %H:%M}"


class LogQuerySet(AppendOnlyQuerySet):
    refusal = "the incident log is append-only: add a correction"


class IncidentLogEntry(models.Model):
    """The incident log (nhật ký ứng phó): every event, decision, message and note, stamped
    and authored, append-only; a correction is a new entry pointing to the one it corrects.
    Each entry is also written to the hash-chained audit log, which makes it tamper-evident."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("incident opened")
        REPORT = "report", _("report linked")
        CLASSIFIED = "classified", _("classified")
        NOTE = "note", _("note")
        CORRECTION = "correction", _("correction")
        DEADLINE = "deadline", _("deadline")
        ROLE = "role", _("role appointed")
        MESSAGE = "message", _("public message")
        CLOSED = "closed", _("response closed")
        CHECKLIST = "checklist", _("checklist")
        PHASE = "phase", _("response phase")
        TASK = "task", _("task")
        PACKAGE = "package", _("activation package")
        SITREP = "sitrep", _("situation report")
        NOTIFICATION = "notification", _("notification")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="log",
                                 verbose_name=_("incident"))
    at = models.DateTimeField(_("time"))
    by = models.CharField(_("by"), max_length=150)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("text"))
    data = models.JSONField(default=dict)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections", verbose_name=_("corrects"))

    objects = LogQuerySet.as_manager()

    class Meta:
        ordering = ["incident", "at", "pk"]
        verbose_name = _("incident log entry")
        verbose_name_plural = _("incident log entries")

    def __str__(self):
        return f"{self.incident} {self.at:%Y-%m-%d %H:%M:%S} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(LogQuerySet.refusal)
        super().save(*args, **kwargs)


class IncidentRole(models.Model):
    """Who holds a response role on an incident (TT 12/2023 Phụ lục VII.2: the person who
    commands the response at the scene is designated). One holder per role at a time; an
    appointment relieves the previous holder, whose row stays as history."""

    class Role(models.TextChoices):
        COMMANDER = "commander", _("incident commander")
        FIELD_COMMANDER = "field_commander", _("field commander")
        SCRIBE = "scribe", _("scribe (incident log)")
        LIAISON = "liaison", _("liaison officer")
        PUBLIC_INFORMATION = "public_information", _("public information officer")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             verbose_name=_("holder"))
    appointed_at = models.DateTimeField(_("appointed at"))
    appointed_by = models.CharField(_("appointed by"), max_length=150)
    relieved_at = models.DateTimeField(_("relieved at"), null=True, blank=True)

    class Meta:
        ordering = ["incident", "role", "appointed_at", "pk"]
        verbose_name = _("incident role")
        verbose_name_plural = _("incident roles")
        constraints = [models.UniqueConstraint(fields=["incident", "role"],
                                               condition=Q(relieved_at__isnull=True),
                                               name="incident_role_one_holder")]

    def __str__(self):
        return f"{self.incident} {self.role}: {self.user}"
