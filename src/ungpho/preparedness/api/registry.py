"""Reads of the risk registry for maps and machines: the facility layer (GeoJSON), a
facility's emergency zones, the zones of the foreign plants that reach Vietnam, and the
provinces those zones put in category V (TT 12/2023/TT-BKHCN Phụ lục I nhóm V, Phụ lục IV).
Signed-in users only (session, or HTTP Basic for machines), each in their scope."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router
from ninja.errors import HttpError

from ungpho.platform.api_auth import AUTH
from ungpho.preparedness.models import Facility
from ungpho.preparedness.selectors import (
    category_v_list,
    facility_get,
    facility_list,
    foreign_zone_facilities,
    zones_of,
)

router = Router(tags=["preparedness"])


def _facility_feature(facility: Facility) -> dict:
    return {"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [facility.lon, facility.lat]},
            "properties": {
                "code": facility.code, "name": facility.name, "kind": facility.kind,
                "kind_name": facility.get_kind_display(),
                "category": facility.category or None,
                "category_set_by_hand": bool(facility.category_override),
                "foreign": facility.foreign, "country": facility.country,
                "province": facility.province_id,
                "province_name": facility.province.name if facility.province else None,
                "url": reverse("facility", args=[facility.code])}}


@router.get("/facilities.geojson", auth=AUTH,
            summary="Lớp bản đồ cơ sở / Facility layer by hazard category")
def facilities_geojson(request: HttpRequest):
    """Every facility in the caller's scope as a point, with its hazard category (I–V, or
    null where TT 12/2023 gives none)."""
    return {"type": "FeatureCollection",
            "features": [_facility_feature(f) for f in facility_list(user=request.auth)]}


@router.get("/facilities/{code}/zones.geojson", auth=AUTH,
            summary="Vùng kế hoạch ứng phó của cơ sở / A facility's emergency zones")
def facility_zones_geojson(request: HttpRequest, code: str):
    """PAZ, UPZ, EPD and ICPD of the facility (Phụ lục IV; none below category II),
    innermost first, each with its radius, basis (plan or reference value), the provinces
    and people inside and how they were estimated."""
    facility = facility_get(user=request.auth, code=code)
    if facility is None:
        raise HttpError(404, f"code: no facility {code!r} in your scope")
    return {"type": "FeatureCollection",
            "features": [z.as_feature(facility) for z in zones_of(facility)]}


@router.get("/foreign-zones.geojson", auth=AUTH,
            summary="Vùng của cơ sở nước ngoài / Zones of foreign category I–II plants")
def foreign_zones_geojson(request: HttpRequest):
    """The zones of every foreign facility of category I or II in the caller's scope."""
    return {"type": "FeatureCollection", "features": [
        zone.as_feature(f) for f in foreign_zone_facilities(user=request.auth)
        for zone in zones_of(f)]}


@router.get("/category-v", auth=AUTH,
            summary="Địa bàn nhóm nguy cơ V / Provinces in category V")
def category_v(request: HttpRequest):
    """One row per Vietnamese province and foreign facility whose zones reach it, with the
    innermost such zone and the people inside it, by province."""
    return {"areas": [row.as_dict() for row in category_v_list(user=request.auth)]}
