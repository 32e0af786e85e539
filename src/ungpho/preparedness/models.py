"""The risk registry (QĐ 1251/QĐ-TTg III.3c, Phụ lục II.4): facilities, their radioactive
sources and hazardous chemicals, and what TT 12/2023/TT-BKHCN ties to them (hazard category,
emergency zones)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CATEGORIES = [("I", "I"), ("II", "II"), ("III", "III"), ("IV", "IV"), ("V", "V")]


class Facility(models.Model):
    """A facility (cơ sở) or, flagged foreign, a plant across the border whose zones may
    reach Vietnam (category V, TT 12/2023 Phụ lục I)."""

    class Kind(models.TextChoices):
        # The kinds of the rules engine (ungpho.core.rules.facts.FacilityKind), plus chemicals.
        POWER_REACTOR = "power_reactor", _("nuclear power reactor")
        RESEARCH_REACTOR = "research_reactor", _("research reactor")
        SPENT_FUEL_STORE = "spent_fuel_store", _("spent-fuel store")
        IRRADIATOR = "irradiator", _("irradiator")
        RADIOTHERAPY = "radiotherapy", _("radiotherapy")
        NUCLEAR_MEDICINE = "nuclear_medicine", _("nuclear medicine")
        INDUSTRIAL_RADIOGRAPHY = "industrial_radiography", _("industrial radiography")
        WELL_LOGGING = "well_logging", _("well logging")
        FIXED_GAUGE = "fixed_gauge", _("fixed nuclear gauges")
        CHEMICAL_PLANT = "chemical_plant", _("chemical plant")
        CHEMICAL_STORE = "chemical_store", _("chemical store")
        OTHER = "other", _("other")

    class PlanStatus(models.TextChoices):
        NONE = "none", _("no plan")
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for approval")
        APPROVED = "approved", _("approved")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices, default=Kind.OTHER)
    licensee = models.CharField(_("licensee"), max_length=200, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Empty only for a foreign facility.
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, null=True,
                                 blank=True, verbose_name=_("province"))
    foreign = models.BooleanField(_("foreign"), default=False)
    country = models.CharField(_("country (ISO 3166-1)"), max_length=2, default="VN")
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # A GeoJSON Polygon (lon/lat) of the site, when known: zones are then drawn around it.
    boundary = models.JSONField(_("site boundary"), null=True, blank=True)
    thermal_power_mw = models.FloatField(_("thermal power (MW)"), null=True, blank=True)
    contact_24h = models.CharField(_("24/7 contact number"), max_length=40, blank=True)
    # [{"name", "role", "phone", "email"}]
    contacts = models.JSONField(_("contacts"), default=list, blank=True)
    # Facts for the rules engine the register has no column for (FacilityFacts fields such as
    # release_potential or spent_fuel_active_cooling_required).
    hazard_facts = models.JSONField(_("further hazard facts"), default=dict, blank=True)
    # The decision of the rules engine (Decision.as_dict) and its result; an override wins.
    category_computed = models.CharField(_("computed category"), max_length=3,
                                         choices=CATEGORIES, blank=True)
    category_decision = models.JSONField(default=dict, editable=False)
    category_override = models.CharField(_("category set by hand"), max_length=3,
                                         choices=CATEGORIES, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    # The radii the plan chose within Phụ lục IV's ranges, km: {"PAZ": 3, "UPZ": 30, …}.
    zone_radii_km = models.JSONField(_("zone radii (km)"), default=dict, blank=True)
    last_inspection_on = models.DateField(_("last inspection"), null=True, blank=True)
    plan_status = models.CharField(_("plan status"), max_length=10, choices=PlanStatus.choices,
                                   default=PlanStatus.NONE)
    # Demo data (ungpho demo): public facts cited in `sources_cited`, or plausible inventions.
    demo = models.BooleanField(_("demo data"), default=False)
    sources_cited = models.TextField(_("sources of the data"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.CheckConstraint(condition=Q(foreign=True) | Q(province__isnull=False),
                                   name="facility_domestic_has_province"),
            models.CheckConstraint(condition=Q(category_override="") | ~Q(override_reason=""),
                                   name="facility_override_has_reason"),
        ]

    def __str__(self):
        return self.name

    @property
    def category(self) -> str:
        return self.category_override or self.category_computed


class RadioactiveSource(models.Model):
    """A radioactive source (nguồn phóng xạ): at a facility, or mobile within a permitted
    area. Its group 1–5 follows A/D (QCVN 6:2010/BKHCN)."""

    class Status(models.TextChoices):
        IN_USE = "in_use", _("in use")
        IN_STORAGE = "in_storage", _("in storage")
        IN_TRANSPORT = "in_transport", _("in transport")
        LOST = "lost", _("lost")
        STOLEN = "stolen", _("stolen")
        FOUND = "found", _("found")
        DISUSED = "disused", _("disused")

    serial = models.CharField(_("serial number"), max_length=60, unique=True)
    nuclide = models.CharField(_("nuclide"), max_length=16)
    activity_bq = models.FloatField(_("activity (Bq) at the reference date"))
    reference_date = models.DateField(_("reference date"))
    sealed = models.BooleanField(_("sealed"), default=True)
    device = models.CharField(_("device"), max_length=200, blank=True)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="sources", verbose_name=_("facility"))
    # A mobile source (industrial radiography, well logging) works inside this GeoJSON
    # Polygon (lon/lat); its owner is still the facility above, if any.
    mobile = models.BooleanField(_("mobile"), default=False)
    permitted_area = models.JSONField(_("permitted area"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.IN_USE)
    status_changed_at = models.DateTimeField(_("status changed at"))
    # Tracker of a mobile source (core.geo.tracking): its token (SHA-256, shown once), the
    # interval it reports at, the working hours of its licence, and what it last said.
    tracker_token_sha256 = models.CharField(max_length=64, blank=True, db_index=True,
                                            editable=False)
    tracker_interval_s = models.PositiveIntegerField(_("tracker interval (s)"), null=True,
                                                     blank=True)
    working_hours = models.CharField(_("working hours (local time)"), max_length=11,
                                     blank=True)
    tracked_since = models.DateTimeField(null=True, blank=True, editable=False)
    last_position_at = models.DateTimeField(_("last position"), null=True, blank=True,
                                            editable=False)
    last_lat = models.FloatField(null=True, blank=True, editable=False)
    last_lon = models.FloatField(null=True, blank=True, editable=False)
    # The tracker alerts in force (outside_area, outside_hours, silent): an alert is raised
    # when it appears, not again while it lasts.
    tracker_alerts = models.JSONField(default=list, editable=False)
    a_over_d = models.FloatField(_("A/D at the reference date"), null=True, blank=True)
    group = models.PositiveSmallIntegerField(_("source group (QCVN 6:2010)"), null=True,
                                             blank=True)
    demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["serial"]
        verbose_name = _("radioactive source")
        verbose_name_plural = _("radioactive sources")
        constraints = [
            models.CheckConstraint(condition=Q(mobile=False) | Q(permitted_area__isnull=False),
                                   name="source_mobile_has_area"),
        ]

    def __str__(self):
        return f"{self.nuclide} {self.serial}"


class TrackerPosition(models.Model):
    """A position reported by a mobile source's tracker; the key (source, time) makes a
    re-sent report a no-op."""

    source = models.ForeignKey(RadioactiveSource, on_delete=models.CASCADE,
                               related_name="positions")
    observed_at = models.DateTimeField(_("observed at"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    received_at = models.DateTimeField(_("received at"))
    via = models.CharField(max_length=8)

    class Meta:
        verbose_name = _("tracker position")
        verbose_name_plural = _("tracker positions")
        constraints = [models.UniqueConstraint(fields=["source", "observed_at"],
                                               name="tracker_position_key")]

    def __str__(self):
        return f"{self.source} @ {self.observed_at:%Y-%m-%d %H:%M} ({self.lat:.5f}, {self.lon:.5f})"


class HazardousChemical(models.Model):
    """A hazardous chemical held at a facility: what a release assessment needs."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="chemicals",
                                 verbose_name=_("facility"))
    name = models.CharField(_("substance"), max_length=200)
    cas = models.CharField(_("CAS number"), max_length=12)
    max_quantity_kg = models.FloatField(_("maximum quantity (kg)"))
    storage = models.CharField(_("storage conditions"), max_length=300, blank=True)

    class Meta:
        ordering = ["facility", "name"]
        verbose_name = _("hazardous chemical")
        verbose_name_plural = _("hazardous chemicals")
        constraints = [models.UniqueConstraint(fields=["facility", "cas"],
                                               name="chemical_once_per_facility")]

    def __str__(self):
        return f"{self.name} ({self.cas})"
