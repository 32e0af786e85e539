"""Writes to the risk registry, each in one transaction with its audit entry. Bad input is a
RegistryError naming every field at fault; nothing is half saved."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from ungpho.audit.services import audit_record, audited_upsert, snapshot
from ungpho.core.geo.provinces import province_at
from ungpho.core.rules.facts import SourceFacts
from ungpho.core.rules.sources import group_of, source_a_over_d
from ungpho.core.rules.units import UnitError, measure_parse
from ungpho.core.science.decay import UnknownNuclide, nuclide_canonical
from ungpho.preparedness.category import facility_category, source_activity_bq
from ungpho.preparedness.models import Facility, HazardousChemical, RadioactiveSource
from ungpho.preparedness.signals import source_found, source_report_raised

#: A point of a domestic facility may lie this far outside the simplified province polygons
#: (coasts and borders are off by up to a few km, geo/data/PROVENANCE.md).
COAST_TOLERANCE_M = 5_000
NEAREST_PROVINCE_M = 500_000
_CAS_RE = re.compile(r"(\d{2,7})-(\d{2})-(\d)")
LOST = {RadioactiveSource.Status.LOST, RadioactiveSource.Status.STOLEN}


class RegistryError(ValueError):
    """``problems``: (field, message) pairs, all of them, not only the first."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))


def _domestic_province(lat: float, lon: float, given: str | None,
                       problems: list) -> str | None:
    found = province_at(lat, lon, max_distance_m=COAST_TOLERANCE_M)
    if found is None:
        problems.append(("lat", f"{lat:g}, {lon:g} is outside Vietnam; a facility abroad is "
                                "entered as foreign, with its country"))
        return None
    if given and given != found.code:
        problems.append(("province", f"{lat:g}, {lon:g} lies in {found.name_vi} "
                                     f"({found.code}), not {given}"))
    return found.code


@transaction.atomic
def facility_upsert(*, code: str, name: str, lat: float, lon: float, province_code: str = "",
                    kind: str = Facility.Kind.OTHER, foreign: bool = False, country: str = "VN",
                    by=None, **fields) -> Facility:
    """Create or update a facility by code and compute its hazard category. Domestic: the
    point must be in Vietnam (the province follows from it); foreign: a country other than
    VN. ``fields``: any other column of Facility (licensee, thermal_power_mw, …)."""
    problems: list[tuple[str, str]] = []
    if not -90 <= lat <= 90:
        problems.append(("lat", f"{lat!r} is not a latitude"))
    if not -180 <= lon <= 180:
        problems.append(("lon", f"{lon!r} is not a longitude"))
    if kind not in Facility.Kind.values:
        problems.append(("kind", f"{kind!r} is not one of {', '.join(Facility.Kind.values)}"))
    province = None
    if foreign:
        if len(country) != 2 or not country.isalpha() or country.upper() == "VN":
            problems.append(("country", f"{country!r}: a foreign facility needs its ISO "
                                        "3166-1 country code (e.g. CN)"))
    elif not problems:
        province = _domestic_province(lat, lon, province_code, problems)
    power = fields.get("thermal_power_mw")
    if power is not None and not power >= 0:
        problems.append(("thermal_power_mw", f"{power!r} is not a power in MW"))
    if fields.get("category_override") and not fields.get("override_reason", "").strip():
        problems.append(("override_reason", "an override of the category needs its written "
                                            "justification"))
    if problems:
        raise RegistryError(problems)
    facility = audited_upsert(Facility, by=by, action="facility.upsert", lookup={"code": code},
                              defaults={"name": name, "lat": lat, "lon": lon, "kind": kind,
                                        "foreign": foreign, "country": country.upper(),
                                        "province_id": province, **fields})
    facility_category_refresh(facility=facility)
    return facility


def facility_category_refresh(*, facility: Facility, on: dt.date | None = None) -> Facility:
    """Recompute the category from the register (after a change to it or its sources)."""
    decision = facility_category(facility, list(facility.sources.all()), on=on)
    facility.category_computed = decision.result or ""
    facility.category_decision = decision.as_dict()
    facility.save(update_fields=["category_computed", "category_decision"])
    return facility


def _activity_bq(activity: str, problems: list) -> float | None:
    try:
        return measure_parse(activity, "activity").si
    except UnitError as error:
        problems.append(("activity", str(error)))
        return None


@transaction.atomic
def source_register(*, serial: str, nuclide: str, activity: str, reference_date: dt.date | None,
                    facility_code: str = "", mobile: bool = False,
                    permitted_area: dict | None = None, sealed: bool = True, device: str = "",
                    status: str | None = None, demo: bool = False,
                    by=None) -> RadioactiveSource:
    """Create or update a source by serial. ``activity`` with its unit ("3.7 TBq", "100 Ci")
    at ``reference_date``; ``status`` None keeps an existing source's (new: in use). A source
    is at one place: a facility, or (mobile) a permitted area; a mobile source may also name
    the facility that holds it between jobs."""
    problems: list[tuple[str, str]] = []
    try:
        nuclide = nuclide_canonical(nuclide)
    except UnknownNuclide as error:
        problems.append(("nuclide", str(error)))
    activity_bq = _activity_bq(activity, problems)
    if reference_date is None:
        problems.append(("reference_date", "the activity needs the date it was measured"))
    if status is not None and status not in RadioactiveSource.Status.values:
        problems.append(("status", f"{status!r} is not one of "
                                   f"{', '.join(RadioactiveSource.Status.values)}"))
    facility = Facility.objects.filter(code=facility_code).first() if facility_code else None
    if facility_code and facility is None:
        problems.append(("facility", f"no facility with code {facility_code!r}"))
    if permitted_area is not None and not mobile:
        problems.append(("permitted_area", "a source is at a facility or mobile within a "
                                           "permitted area, not both: set mobile"))
    if mobile and not permitted_area:
        problems.append(("permitted_area", "a mobile source needs its permitted area"))
    existing = RadioactiveSource.objects.select_for_update().filter(serial=serial).first()
    if existing and existing.facility_id and facility and existing.facility_id != facility.pk \
            and existing.status not in LOST:
        problems.append(("facility", f"source {serial} is already at "
                                     f"{existing.facility.code}; transfer it there first"))
    if problems:
        raise RegistryError(problems)
    ratio = _a_over_d(nuclide, activity_bq)
    now = dt.datetime.now(dt.UTC)
    source = audited_upsert(RadioactiveSource, by=by, action="source.upsert",
                            lookup={"serial": serial}, defaults={
                                "nuclide": nuclide, "activity_bq": activity_bq,
                                "reference_date": reference_date, "sealed": sealed,
                                "device": device, "facility": facility, "mobile": mobile,
                                "permitted_area": permitted_area, "demo": demo,
                                "a_over_d": ratio,
                                "group": None if ratio is None else group_of(ratio)[0],
                                "status": existing.status if existing
                                else status or RadioactiveSource.Status.IN_USE,
                                "status_changed_at": existing.status_changed_at
                                if existing else now})
    if existing and status is not None and status != existing.status:
        source_status_set(source=source, status=status, by=by)
    for held_at in {f for f in (facility, existing.facility if existing else None) if f}:
        facility_category_refresh(facility=held_at)
    return source


def _a_over_d(nuclide: str, activity_bq: float) -> float | None:
    """A/D by the rules engine (IAEA EPR-D-Values 2006); None where no D is held."""
    try:
        ratio, _how, _missing = source_a_over_d(
            SourceFacts(nuclide=nuclide, activity=f"{activity_bq:.17g} Bq"))
    except ValueError:
        return None
    return ratio


@transaction.atomic
def source_status_set(*, source: RadioactiveSource, status: str, by=None, note: str = "",
                      in_incident: bool = False) -> RadioactiveSource:
    """Change a source's status. Lost or stolen opens a report on the duty desk (TT 12/2023
    Phụ lục I nhóm IV: lost or stolen sources), with its notifications; once only; not
    when the change comes from an incident already responded to (``in_incident``)."""
    if status not in RadioactiveSource.Status.values:
        raise RegistryError([("status", f"{status!r} is not one of "
                                        f"{', '.join(RadioactiveSource.Status.values)}")])
    source = RadioactiveSource.objects.select_for_update().get(pk=source.pk)
    before = snapshot(source, ["status"])
    was = source.status
    source.status = status
    source.status_changed_at = dt.datetime.now(dt.UTC)
    source.save(update_fields=["status", "status_changed_at"])
    audit_record(by=by, action="source.status", obj=source, before=before,
                 after={"status": status, "note": note})
    if status in LOST and was not in LOST and not in_incident:
        _report_lost(source, by=by, note=note)
    if was in LOST and status not in LOST:
        # Said in the log of each open incident about it (the response decides what follows).
        source_found.send(sender=RadioactiveSource, source=source, by=by)
    if source.facility_id:
        facility_category_refresh(facility=source.facility)
    return source


def _report_lost(source: RadioactiveSource, *, by, note: str) -> None:
    decision = {"status": source.status,
                "criterion": "TT 12/2023/TT-BKHCN Phụ lục I, nhóm nguy cơ IV: nguồn phóng xạ bị "
                             "mất, bị đánh cắp / category IV: a lost or stolen source",
                "note": note}
    source_report_raise(source=source, kind="source", decision=decision,
                        at=source.status_changed_at, by=by)


def source_report_raise(*, source: RadioactiveSource, kind: str, decision: dict,
                        at: dt.datetime, lat: float | None = None, lon: float | None = None,
                        by=None) -> None:
    """Open the source's report on the duty desk, with its notifications, or add to the one
    open (a lost source later tracked astray is one event): ``incidents.receivers`` does, in
    this transaction. ``kind``: IncidentReport.Source ("source" or "tracker"); ``decision``
    gets the source's facts (category IV, nuclide, activity now, group)."""
    lat, lon, province = _last_known_place(source, lat, lon)
    decision = {"category": "IV", "nuclide": source.nuclide, "serial": source.serial,
                "activity_bq": source_activity_bq(source, at=at), "group": source.group,
                "time": at.isoformat(), **decision}
    source_report_raised.send(sender=RadioactiveSource, source=source, kind=kind,
                              decision=decision, at=at, lat=lat, lon=lon,
                              province_code=province, by=by)


def _last_known_place(source: RadioactiveSource, lat: float | None = None,
                      lon: float | None = None) -> tuple[float, float, str]:
    """Where the source is or was last known: the point given (a tracker's position), else
    its facility, else its permitted area's centre; with the province there (the facility's
    when the point is abroad or at sea)."""
    facility = source.facility if source.facility_id else None
    if lat is None and facility is not None and not facility.foreign:
        return facility.lat, facility.lon, facility.province_id
    if lat is None and source.permitted_area:
        from shapely.geometry import shape

        centre = shape(source.permitted_area).representative_point()
        lat, lon = centre.y, centre.x
    if lat is None:
        raise RegistryError([("facility", f"source {source.serial} has neither a domestic "
                                          "facility nor a permitted area: where is it?")])
    found = province_at(lat, lon, max_distance_m=COAST_TOLERANCE_M)
    if found is None and facility is not None and not facility.foreign:
        return lat, lon, facility.province_id
    # Abroad or at sea without a home facility: the nearest province is told.
    found = found or province_at(lat, lon, max_distance_m=NEAREST_PROVINCE_M)
    if found is None:
        raise RegistryError([("lat", f"{lat:g}, {lon:g} is far from Vietnam")])
    return lat, lon, found.code


def cas_problem(cas: str) -> str | None:
    """Why ``cas`` is not a CAS Registry Number (format and check digit, CAS's own rule:
    the digits weighted 1, 2, 3 … from the right, sum mod 10), or None."""
    match = _CAS_RE.fullmatch(cas.strip())
    if not match:
        return f"{cas!r} is not a CAS number (digits-digits-digit, e.g. 7664-41-7)"
    digits = (match[1] + match[2])[::-1]
    check = sum(int(d) * (i + 1) for i, d in enumerate(digits)) % 10
    if check != int(match[3]):
        return f"{cas!r}: the check digit should be {check}"
    return None


@transaction.atomic
def chemical_upsert(*, facility_code: str, name: str, cas: str, max_quantity_kg: float,
                    storage: str = "", by=None) -> HazardousChemical:
    problems: list[tuple[str, str]] = []
    facility = Facility.objects.filter(code=facility_code).first()
    if facility is None:
        problems.append(("facility", f"no facility with code {facility_code!r}"))
    if (why := cas_problem(cas)) is not None:
        problems.append(("cas", why))
    if not max_quantity_kg > 0:
        problems.append(("max_quantity_kg", f"{max_quantity_kg!r} is not a quantity in kg"))
    if problems:
        raise RegistryError(problems)
    return audited_upsert(HazardousChemical, by=by, action="chemical.upsert",
                          lookup={"facility": facility, "cas": cas.strip()},
                          defaults={"name": name, "max_quantity_kg": max_quantity_kg,
                                    "storage": storage})
