from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ungpho.accounts.selectors import scoped
from ungpho.core.geo.distance import great_circle_distance_m
from ungpho.incidents.models import Incident, IncidentReport

TRACKER_ALERTS = {"outside_area": gettext_lazy("left its permitted area"),
                  "outside_hours": gettext_lazy("moving outside working hours"),
                  "silent": gettext_lazy("tracker silent")}


def reports_visible(*, user):
    """Every report the user may see (open or closed), newest first."""
    reports = IncidentReport.objects.select_related(
        "province", "station", "parameter", "facility", "radioactive_source", "incident")
    return scoped(reports, user, province_field="province", facility_field="facility")


def incident_list_open(*, user):
    """Open reports the user may see, newest first."""
    return reports_visible(user=user).filter(status=IncidentReport.Status.OPEN)


def incident_title(report: IncidentReport) -> str:
    if report.source == IncidentReport.Source.THRESHOLD and report.station_id:
        return _("%(parameter)s above limit at station %(station)s") % {
            "parameter": report.parameter.code, "station": report.station.name}
    if report.radioactive_source_id:
        source = report.radioactive_source
        names = {"nuclide": source.nuclide, "serial": source.serial}
        if report.source == IncidentReport.Source.TRACKER:
            return _("Mobile source %(nuclide)s %(serial)s: %(alert)s") % {
                **names, "alert": TRACKER_ALERTS.get(report.decision.get("alert"), "")}
        return _("Radioactive source %(nuclide)s %(serial)s %(status)s") % {
            **names, "status": source.get_status_display()}
    answers = report.reception.get("answers") if report.reception else None
    if answers:
        return _("Call: %(location)s — %(what)s") % {
            "location": answers.get("incident_location", ""),
            "what": answers.get("incident_description", "")[:80]}
    return report.get_source_display()


#: A report this close in space and time to an open incident may be about the same event.
DUPLICATE_RADIUS_KM = 10.0
DUPLICATE_WINDOW_H = 6.0


def incidents_open(*, user):
    """Open incidents the user may see, newest first, with ``next_due`` (the earliest running
    legal deadline) and ``breaches`` (how many are breached)."""
    incidents = Incident.objects.filter(status=Incident.Status.OPEN).select_related(
        "province", "facility").annotate(
        next_due=Min("deadlines__due_at", filter=Q(deadlines__status="pending")),
        breaches=Count("deadlines", filter=Q(deadlines__status="breached")))
    return scoped(incidents, user, province_field="province", facility_field="facility")


def incident_duplicates(report: IncidentReport, incidents) -> list[tuple[Incident, str]]:
    """Those of ``incidents`` (open ones, e.g. :func:`incidents_open`) that may be the event
    ``report`` is about, with why: the same facility, the same radioactive source, or within
    DUPLICATE_RADIUS_KM and DUPLICATE_WINDOW_H of its first information. Surest first."""
    window = dt.timedelta(hours=DUPLICATE_WINDOW_H)
    found = []
    for incident in incidents:
        if report.facility_id and incident.facility_id == report.facility_id:
            found.append((0.0, incident, _("same facility")))
        elif report.radioactive_source_id and \
                incident.radioactive_source_id == report.radioactive_source_id:
            found.append((0.0, incident, _("same radioactive source")))
        elif abs(report.first_information_at - incident.first_information_at) <= window:
            km = great_circle_distance_m(report.lat, report.lon, incident.lat,
                                         incident.lon) / 1000
            if km <= DUPLICATE_RADIUS_KM:
                found.append((km, incident, _("%(km).1f km away, within %(hours)g h") % {
                    "km": km, "hours": DUPLICATE_WINDOW_H}))
    return [(incident, why) for _distance, incident, why in sorted(found, key=lambda f: f[0])]
