"""The end of a response: the commander's closure decision with the criteria as judged
(TT 12/2023 Điều 25.2), and the officer-written parts of the final report (Phụ lục VII.6),
editable until the closure issues it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ungpho.audit.models import AppendOnlyQuerySet


class FinalReport(models.Model):
    """What only people can write in the closure report (Phụ lục VII.6: response activities,
    remedial measures, consequences for people and for the environment, dose assessment,
    conclusions and recommendations; recipients). The rest is assembled from the record.
    ``version`` counts saves: a save based on an older version is refused, never lost."""

    incident = models.OneToOneField("incidents.Incident", on_delete=models.PROTECT,
                                    related_name="final_report")
    recipients = models.TextField(_("recipients"), blank=True)
    activities = models.TextField(_("response activities"), blank=True)
    countermeasures = models.TextField(_("remedial measures taken"), blank=True)
    consequences_people = models.TextField(_("consequences for people"), blank=True)
    consequences_environment = models.TextField(_("consequences for the environment"),
                                                blank=True)
    dose_assessment = models.TextField(_("radiation dose assessment"), blank=True)
    conclusions = models.TextField(_("conclusions and recommendations"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    # Set by the closure: from then on the report is final and read-only.
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")

    def __str__(self):
        return f"{self.incident}: final report v{self.version}"


class ClosureQuerySet(AppendOnlyQuerySet):
    refusal = "a closure decision never changes: a later event is a new incident"


class ClosureDecision(models.Model):
    """The decision that ends the response (TT 12/2023 Điều 25.2; Điều 5.4b: the head of the
    command board ends it), taken by the incident's commander: the criteria as judged, the
    rules engine's decision with its citation, the written reason, and an override (with its
    own reason) where the criteria were not met. One per incident: a closed incident is not
    reopened (a new incident is opened and refers to it)."""

    incident = models.OneToOneField("incidents.Incident", on_delete=models.PROTECT,
                                    related_name="closure")
    decided_at = models.DateTimeField(_("decided at"))
    commander = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  verbose_name=_("incident commander"))
    decided_by = models.CharField(_("decided by"), max_length=150)
    potential_dose_msv_per_year = models.DecimalField(
        _("potential effective dose (mSv/year)"), max_digits=12, decimal_places=4)
    dose_basis = models.TextField(_("basis of the dose estimate"))
    remediation_applied = models.BooleanField(_("restoration measures applied"))
    conditions = models.TextField(_("other conditions"), blank=True)
    reason = models.TextField(_("reason"))
    instrument = models.CharField(_("instrument"), max_length=80)
    criteria_met = models.BooleanField(_("criteria met"))
    decision = models.JSONField(_("decision"))
    overridden = models.BooleanField(_("closed although the criteria are not met"),
                                     default=False)
    override_reason = models.TextField(_("reason for closing anyway"), blank=True)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure decision")
        verbose_name_plural = _("closure decisions")
        constraints = [
            models.CheckConstraint(condition=Q(criteria_met=True) | Q(overridden=True),
                                   name="closure_unmet_criteria_overridden"),
            models.CheckConstraint(condition=Q(overridden=False) | ~Q(override_reason=""),
                                   name="closure_override_has_reason"),
        ]

    def __str__(self):
        return f"{self.incident} closed {self.decided_at:%Y-%m-%d %H:%M}"
