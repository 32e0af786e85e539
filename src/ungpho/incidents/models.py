from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IncidentReport(models.Model):
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
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT,
                                 verbose_name=_("province"))
    facility = models.ForeignKey("preparedness.Facility", null=True, blank=True,
                                 on_delete=models.PROTECT, verbose_name=_("facility"))
    station = models.ForeignKey("monitoring.Station", null=True, blank=True,
                                on_delete=models.PROTECT, verbose_name=_("station"))
    parameter = models.ForeignKey("monitoring.Parameter", null=True, blank=True,
                                  on_delete=models.PROTECT, verbose_name=_("parameter"))
    radioactive_source = models.ForeignKey("preparedness.RadioactiveSource", null=True,
                                           blank=True, on_delete=models.PROTECT,
                                           verbose_name=_("radioactive source"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # Time of first information: the legal deadlines (TT 12/2023 Phụ lục VI) run from here.
    first_information_at = models.DateTimeField(_("first information"))
    opened_at = models.DateTimeField(_("opened at"))
    updated_at = models.DateTimeField(_("updated at"))
    peak_value = models.FloatField(_("peak value"), null=True, blank=True)
    latest_value = models.FloatField(_("latest value"), null=True, blank=True)
    # The decision that raised it, as computed by ungpho.core (criterion, limit, ratio).
    decision = models.JSONField(default=dict)
    # The readings behind it, newest last, capped (see incidents.services.EVIDENCE_KEEP).
    evidence = models.JSONField(default=list)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        constraints = [
            # A station's exceedance updates its open report instead of opening another.
            models.UniqueConstraint(fields=["station", "parameter"], condition=Q(status="open"),
                                    name="incident_one_open_per_station_parameter"),
            # A source lost, then reported stolen, or tracked astray, is still one report.
            models.UniqueConstraint(fields=["radioactive_source"],
                                    condition=Q(status="open"),
                                    name="incident_one_open_per_source"),
        ]
        # The duty desk lists open reports newest first.
        indexes = [models.Index(fields=["status", "-opened_at"])]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        return f"SC-{self.opened_at:%Y}-{self.pk:05d}"
