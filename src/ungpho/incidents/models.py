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


# The closure decision and the final report (TT 12/2023 Điều 25.2, Phụ lục VII.6).
from ungpho.incidents.closure_models import ClosureDecision, FinalReport  # noqa: E402,F401
from ungpho.incidents.report_deadline_models import ReportDeadline  # noqa: E402,F401
from ungpho.incidents.workflow_models import (  # noqa: E402, F401 - the response workflow's records
    ActivationPackage,
    ChecklistTick,
    IncidentTask,
    PackageApplication,
    PackageNotification,
    PackageResource,
    PackageTask,
    PhaseChange,
    SituationReport,
)
