from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from ungpho.incidents.selectors import incident_list_open, incident_title
from ungpho.monitoring.selectors import station_list

router = Router(tags=["operations map"])


@router.get("/map", auth=django_auth, summary="Bản đồ tác nghiệp / Operations map layers")
def map_layers(request: HttpRequest):
    """Stations and open reports the signed-in user may see."""
    user = request.auth
    return {
        "stations": [
            {"code": s.code, "name": s.name, "lat": s.lat, "lon": s.lon,
             "province": s.province.name}
            for s in station_list(user=user)
        ],
        "reports": [
            {"code": r.code, "title": incident_title(r), "lat": r.lat, "lon": r.lon,
             "province": r.province.name, "opened_at": r.opened_at.isoformat(),
             "peak_value": r.peak_value, "unit": r.parameter.unit if r.parameter else None}
            for r in incident_list_open(user=user)
        ],
    }
