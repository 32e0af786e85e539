"""The monitoring network: registry (stations, parameters, mappings, alarm levels), readings,
their series state (latest value, QC memory) and what ingestion keeps of files and bad lines.

QĐ 1251/QĐ-TTg III.3 (the environmental-status database fed by the stations of the ministries)
and the MONRE letter of 2020-06-15 (stations transmit to the province; the province controls
data quality, warns on exceedances, publishes the air-quality index).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ungpho.platform.i18n import localized


class Parameter(models.Model):
    """A measured quantity: national symbol (TT 10/2021 Phụ lục 15 Bảng 34) or ours; kept in
    step with ``core/monitoring/data/parameters.yaml`` after every migrate."""

    code = models.CharField(_("symbol"), max_length=20, unique=True)
    name_vi = models.CharField(_("Vietnamese name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    unit = models.CharField(_("unit"), max_length=20)
    range_min = models.FloatField(_("physical range from"), null=True, blank=True)
    range_max = models.FloatField(_("physical range to"), null=True, blank=True)
    station_types = models.JSONField(_("station types"), default=list, blank=True)
    citation = models.CharField(_("citation"), max_length=200, blank=True)

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

    class Type(models.TextChoices):
        AMBIENT_AIR = "ambient_air", _("ambient air")
        SURFACE_WATER = "surface_water", _("surface water")
        GROUNDWATER = "groundwater", _("groundwater")
        WASTEWATER = "wastewater", _("wastewater")
        STACK_EMISSION = "stack_emission", _("stack emission")
        RADIATION = "radiation", _("radiation (ambient gamma dose rate)")

    class Ministry(models.TextChoices):
        # Since 2025-03-01 the environment ministry (MONRE) is part of the Ministry of
        # Agriculture and Environment; the stations keep reporting under it.
        MAE = "mae", _("Ministry of Agriculture and Environment (formerly MONRE)")
        MOST = "most", _("Ministry of Science and Technology")
        MOD = "mod", _("Ministry of National Defence")
        PROVINCE = "province", _("provincial people's committee")
        FACILITY = "facility", _("facility (self-monitoring)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        MAINTENANCE = "maintenance", _("under maintenance")
        RETIRED = "retired", _("retired")

    class State(models.TextChoices):
        GOOD = "good", _("good")
        EXCEEDING = "exceeding", _("exceeding")
        OFFLINE = "offline", _("offline")
        CALIBRATING = "calibrating", _("calibrating")
        DEVICE_ERROR = "device_error", _("device error")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(_("owner organisation"), max_length=200, blank=True)
    ministry = models.CharField(_("ministry"), max_length=10, choices=Ministry.choices,
                                default=Ministry.MAE)
    type = models.CharField(_("station type"), max_length=16, choices=Type.choices,
                            default=Type.RADIATION)
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT,
                                 verbose_name=_("province"))
    facility = models.ForeignKey("preparedness.Facility", null=True, blank=True,
                                 on_delete=models.SET_NULL, verbose_name=_("facility"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    reporting_interval_s = models.PositiveIntegerField(_("reporting interval (s)"), default=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.ACTIVE)
    # The "<Province>_<Facility>_<Station>" prefix of its data files (TT 10/2021); the file
    # door finds the station by it, or by the station part equal to ``code``.
    file_prefix = models.CharField(_("data file prefix"), max_length=120, unique=True,
                                   null=True, blank=True)
    # Radiation: the local background the default alarm levels multiply; empty = estimated
    # from the station's own recent valid readings.
    background_usv_h = models.FloatField(_("background (µSv/h)"), null=True, blank=True)
    # SHA-256 of the API token: tokens are 256-bit random, so a fast hash is enough and
    # lets a request find its station by an indexed equality lookup.
    token_sha256 = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                    editable=False)
    # Computed continuously by the worker (monitoring.services.station_states_refresh).
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.OFFLINE, editable=False)
    state_since = models.DateTimeField(_("state since"), null=True, blank=True, editable=False)
    last_reading_at = models.DateTimeField(_("last reading"), null=True, blank=True,
                                           editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def __str__(self):
        return f"{self.code} — {self.name}"


class StationParameter(models.Model):
    """How one station names and measures a parameter: the symbol and unit it sends
    (``PM2,5`` in mg/m³) and the conversion to the parameter's unit (value × scale + offset)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="mappings")
    symbol = models.CharField(_("symbol sent"), max_length=40)
    unit = models.CharField(_("unit sent"), max_length=20, blank=True)
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT)
    scale = models.FloatField(_("scale"), default=1.0)
    offset = models.FloatField(_("offset"), default=0.0)

    class Meta:
        verbose_name = _("parameter mapping")
        verbose_name_plural = _("parameter mappings")
        constraints = [models.UniqueConstraint(fields=["station", "symbol"],
                                               name="mapping_one_per_station_symbol")]

    def __str__(self):
        return f"{self.station.code}: {self.symbol} → {self.parameter.code}"


class Threshold(models.Model):
    """Up to three operator alarm levels of a parameter at a station, in the parameter's
    unit; a level is confirmed after ``confirm_count`` consecutive valid readings above it."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="thresholds")
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT)
    level_1 = models.FloatField(_("alarm level 1"))
    level_2 = models.FloatField(_("alarm level 2"), null=True, blank=True)
    level_3 = models.FloatField(_("alarm level 3"), null=True, blank=True)
    confirm_count = models.PositiveSmallIntegerField(_("readings to confirm"), default=2)
    basis = models.CharField(_("basis (law or reason)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("alarm levels")
        verbose_name_plural = _("alarm levels")
        constraints = [models.UniqueConstraint(fields=["station", "parameter"],
                                               name="threshold_one_per_station_parameter")]

    def __str__(self):
        levels = [v for v in (self.level_1, self.level_2, self.level_3) if v is not None]
        return f"{self.parameter} > " + " / ".join(f"{v:g}" for v in levels)

    @property
    def levels(self) -> tuple[float | None, float | None, float | None]:
        return (self.level_1, self.level_2, self.level_3)


class Reading(models.Model):
    """One value of one parameter at one station at one time; the key makes ingestion
    idempotent (a re-sent file or message changes nothing). Quality control never deletes:
    its findings are the ``flags`` bitmask (``ungpho.core.monitoring.qc.Flag``)."""

    class Via(models.TextChoices):
        HTTP = "http", "HTTP"
        MQTT = "mqtt", "MQTT"
        FILE = "file", _("file")
        EURDEP = "eurdep", "EURDEP"

    # The largest table, written in bulk: no index of their own (the key below starts with
    # the station; a parameter is never looked up alone here) and no database-level foreign
    # key check per row (the pipeline writes only resolved ids; PROTECT still guards
    # deletes, in the ORM).
    station = models.ForeignKey(Station, on_delete=models.PROTECT, db_index=False,
                                db_constraint=False, verbose_name=_("station"))
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT, db_index=False,
                                  db_constraint=False, verbose_name=_("parameter"))
    observed_at = models.DateTimeField(_("observed at"))
    value = models.FloatField(_("value"))
    flags = models.PositiveIntegerField(_("quality flags"), default=0)
    received_at = models.DateTimeField(_("received at"))
    via = models.CharField(max_length=8, choices=Via.choices, verbose_name=_("received via"))

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        # The key, and the index every series query (station, parameter, time range) uses.
        constraints = [models.UniqueConstraint(fields=["station", "parameter", "observed_at"],
                                               name="reading_key")]

    def __str__(self):
        return f"{self.parameter} {self.value:g} @ {self.observed_at:%Y-%m-%d %H:%M}"


class Series(models.Model):
    """The live front of one station's parameter: its latest reading and the memory that
    quality control and exceedance confirmation carry between batches. One row per
    (station, parameter), so "latest value of everything" never reads the history."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="series")
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT)
    # Empty while the series holds only readings from the future (they never move it).
    last_at = models.DateTimeField(_("latest reading"), null=True)
    last_value = models.FloatField(_("latest value"))
    last_flags = models.PositiveIntegerField(_("latest flags"), default=0)
    qc_state = models.JSONField(default=dict)
    exceedance_state = models.JSONField(default=dict)
    # The latest time of any stored reading, the future included: a reading after it is
    # surely new, so ingestion can write it without asking the database (store.py).
    stored_to = models.DateTimeField(null=True, editable=False)
    # The confirmed alarm level now (0 = none) and the limit behind it.
    level = models.PositiveSmallIntegerField(_("alarm level"), default=0)
    # National limits on means (QCVN 05:2023): the end of the last hour judged and, per
    # averaging, whether its latest mean exceeded (monitoring.national).
    averages = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        constraints = [models.UniqueConstraint(fields=["station", "parameter"],
                                               name="series_one_per_station_parameter")]

    def __str__(self):
        return f"{self.station_id}/{self.parameter_id} @ {self.last_at}"


class Exceedance(models.Model):
    """A confirmed exceedance: the moment a series was confirmed at an alarm level."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="exceedances",
                                verbose_name=_("station"))
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT, verbose_name=_("parameter"))
    level = models.PositiveSmallIntegerField(_("alarm level"))
    limit_value = models.FloatField(_("limit"))
    value = models.FloatField(_("value"))
    observed_at = models.DateTimeField(_("observed at"))
    confirmed_at = models.DateTimeField(_("confirmed at"))
    basis = models.CharField(_("basis"), max_length=200)
    report = models.ForeignKey("incidents.IncidentReport", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="exceedances",
                               verbose_name=_("report"))

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = _("exceedance")
        verbose_name_plural = _("exceedances")
        # The exceedance list reads newest first, often for one station.
        indexes = [models.Index(fields=["station", "-confirmed_at"])]

    def __str__(self):
        return f"{self.parameter} > {self.limit_value:g} (level {self.level})"


class IngestFile(models.Model):
    """A station file taken in (CLI or drop folder): its key — the file's name and the hash
    of that name and the content — makes a re-sent file a no-op, and the byte offset lets an
    interrupted large file resume where it stopped.

    The key starts with the name, not the hash: a station's names (``<Province>_<Facility>_
    <Station>_<time>.txt``) sort together and in time order, so the files of a transaction
    land on a few index pages, where a hash alone scatters them over one random page each
    (a page written per file of 300 bytes, and read back once the index outgrows memory)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("in progress")
        DONE = "done", _("done")

    path = models.CharField(_("path"), max_length=500)
    name = models.CharField(_("file name"), max_length=255)  # of the path, at most 255
    sha256 = models.CharField(max_length=64)  # hex, of the name, a NUL byte and the content
    size_bytes = models.BigIntegerField(_("size (bytes)"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.ACTIVE)
    # No database-level check per row, as for readings: the check is a quarter of what the
    # server spends on a file's record, and the door writes only resolved ids (SET_NULL is
    # Django's, in the ORM).
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.SET_NULL,
                                db_constraint=False, verbose_name=_("station"))
    byte_offset = models.BigIntegerField(default=0)
    line_no = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(_("stored"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    rejected = models.PositiveIntegerField(_("rejected lines"), default=0)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["name", "sha256"], name="ingest_file_key")]
        verbose_name = _("ingested file")
        verbose_name_plural = _("ingested files")

    def __str__(self):
        return self.path


class RejectedLine(models.Model):
    """A line or item that could not be stored, kept with where it came from and why."""

    file = models.ForeignKey(IngestFile, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="rejected_lines")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.SET_NULL,
                                verbose_name=_("station"))
    via = models.CharField(max_length=8, choices=Reading.Via.choices,
                           verbose_name=_("received via"))
    source = models.CharField(_("source"), max_length=500)
    line_no = models.PositiveIntegerField(_("line"), null=True, blank=True)
    field = models.CharField(_("field"), max_length=60)
    reason = models.CharField(_("reason"), max_length=500)
    text = models.CharField(_("text"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["-received_at", "line_no"]
        verbose_name = _("rejected line")
        verbose_name_plural = _("rejected lines")
        indexes = [models.Index(fields=["-received_at"], name="rejected_recent"),
                   models.Index(fields=["file", "line_no"], name="rejected_by_file",
                                condition=Q(file__isnull=False))]

    def __str__(self):
        return f"{self.source}:{self.line_no}: {self.field}"
