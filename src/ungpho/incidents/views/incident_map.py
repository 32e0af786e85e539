"""The map card of the incident page: where the incident is, its reports, the recent track
of its mobile source, the emergency zones of its facility (TT 12/2023 Phụ lục IV) and the
area of the public message in force (Phụ lục VIII.II), as one JSON blob for
``static/ungpho/incident_map.js``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ungpho.alerts.models import PublicMessage
from ungpho.incidents.selectors import message_current
from ungpho.preparedness.models import TrackerPosition

#: How many of the source's newest positions the map draws as its track.
TRACK_POSITIONS = 200


def _source(incident):
    if incident.radioactive_source_id:
        return incident.radioactive_source
    report = incident.reports.exclude(radioactive_source=None).select_related(
        "radioactive_source").order_by("pk").first()
    return report.radioactive_source if report else None


def _track(source) -> list[dict]:
    if source is None:
        return []
    newest = TrackerPosition.objects.filter(source=source).order_by(
        "-observed_at")[:TRACK_POSITIONS]
    return [{"at": p.observed_at.isoformat(), "lat": p.lat, "lon": p.lon}
            for p in reversed(newest)]


def _area(message: PublicMessage | None) -> dict | None:
    if message is None:
        return None
    circle = None
    if None not in (message.circle_lat, message.circle_lon, message.circle_radius_km):
        circle = {"lat": message.circle_lat, "lon": message.circle_lon,
                  "radius_m": message.circle_radius_km * 1000}
    return {"number": message.number, "circle": circle, "polygon": message.polygon,
            "description": message.area_desc_en if get_language() == "en"
            else message.area_desc_vi}


def map_data(incident) -> dict:
    source = _source(incident)
    return {
        "incident": {"code": incident.code, "lat": incident.lat, "lon": incident.lon},
        "reports": [{"code": r.code, "lat": r.lat, "lon": r.lon,
                     "source": r.get_source_display()}
                    for r in incident.reports.order_by("pk")],
        "source": source.serial if source else None,
        "track": _track(source),
        "message": _area(message_current(incident)),
        "boundaries_url": reverse("api:province_boundaries"),
        "zones_url": reverse("api:facility_zones_geojson", kwargs={
            "code": incident.facility.code}) if incident.facility_id else None,
        "labels": {"report": _("Report"), "track": _("Track of source"),
                   "message": _("Public message no."), "now": _("last position")},
    }


def context(incident, user) -> dict:
    """The map card's data (``incident_map`` for ``json_script``); every part of it is in
    the incident's own record, which the user already sees."""
    return {"incident_map": map_data(incident)}
