from django.db import models
from django.utils.translation import gettext_lazy as _

from ungpho.i18n import localized


class Parameter(models.Model):
    """A measured quantity: national symbol (TT 10/2021 Phụ lục 15 Bảng 34) or ours."""

    code = models.CharField(_("symbol"), max_length=20, unique=True)
    name_vi = models.CharField(_("Vietnamese name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    unit = models.CharField(_("unit"), max_length=20)

    class Meta:
        ordering = ["code"]
        verbose_name = _("parameter")
        verbose_name_plural = _("parameters")

    def __str__(self):
        return self.code

    @property
    def name(self) -> str:
        return localized(self.name_vi, self.name_en)


class Station(models.Model):
    """An automatic monitoring station; it authenticates with a token stored hashed."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(_("owner organisation"), max_length=200, blank=True)
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT,
                                 verbose_name=_("province"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    reporting_interval_s = models.PositiveIntegerField(_("reporting interval (s)"), default=300)
    # SHA-256 of the API token: tokens are 256-bit random, so a fast hash is enough and
    # lets a request find its station by an indexed equality lookup.
    token_sha256 = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                    editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def __str__(self):
        return f"{self.code} — {self.name}"


class Threshold(models.Model):
    """A fixed alarm limit of a parameter at a station, in the parameter's unit."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="thresholds")
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT)
    limit_value = models.FloatField(_("limit"))
    basis = models.CharField(_("basis (law or reason)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        constraints = [models.UniqueConstraint(fields=["station", "parameter"],
                                               name="threshold_one_per_station_parameter")]

    def __str__(self):
        return f"{self.parameter} > {self.limit_value:g}"


class Reading(models.Model):
    """One value of one parameter at one station at one time; the key makes ingestion
    idempotent (a re-sent batch or message changes nothing)."""

    class Via(models.TextChoices):
        HTTP = "http", "HTTP"
        MQTT = "mqtt", "MQTT"
        FILE = "file", _("file")

    station = models.ForeignKey(Station, on_delete=models.PROTECT)
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT)
    observed_at = models.DateTimeField(_("observed at"))
    value = models.FloatField(_("value"))
    received_at = models.DateTimeField(_("received at"))
    via = models.CharField(max_length=8, choices=Via.choices)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        # The key, and the index every series query (station, parameter, time range) uses.
        constraints = [models.UniqueConstraint(fields=["station", "parameter", "observed_at"],
                                               name="reading_key")]

    def __str__(self):
        return f"{self.parameter} {self.value:g} @ {self.observed_at:%Y-%m-%d %H:%M}"
