from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from ungpho.core.geo.provinces import DATA_FILE, DATA_PACKAGE
from ungpho.core.validate import Latitude, Longitude
from ungpho.geo.selectors import province_for_point, province_list
from ungpho.platform.api_errors import errors_response

router = Router(tags=["geo"])


@lru_cache(maxsize=1)
def _boundaries_geojson() -> bytes:
    return files(DATA_PACKAGE).joinpath(*DATA_FILE).read_bytes()


@router.get("/geo/provinces", summary="34 tỉnh, thành phố / The 34 provincial units")
def provinces(request: HttpRequest):
    """The provincial units in force since 2025-07-01 with their administrative centres."""
    return [
        {"code": p.code, "name_vi": p.name_vi, "name_en": p.name_en, "kind": p.kind,
         "centre_vi": p.centre_vi, "centre": {"lat": p.centre_lat, "lon": p.centre_lon},
         "former": p.former, "population": p.population, "area_km2": p.area_km2}
        for p in province_list()
    ]


@router.get("/geo/provinces/boundaries",
            summary="Ranh giới tỉnh (GeoJSON) / Province boundaries")
def province_boundaries(request: HttpRequest):
    """Simplified boundaries as GeoJSON (see the data's PROVENANCE.md: not legal boundaries)."""
    response = HttpResponse(_boundaries_geojson(), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@router.get("/geo/province-at", summary="Tỉnh chứa một điểm / Province containing a point",
            response={200: dict, 404: dict})
def province_at_point(request: HttpRequest, lat: Latitude, lon: Longitude):
    province = province_for_point(lat_deg=lat, lon_deg=lon)
    if province is None:
        return errors_response(404, [("lat,lon", "not inside any province")])
    return Status(200, {"code": province.code, "name_vi": province.name_vi,
                        "name_en": province.name_en})
