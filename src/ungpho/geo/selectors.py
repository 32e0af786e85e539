from __future__ import annotations

from ungpho.core.geo.provinces import province_at
from ungpho.geo.models import Province


def province_list():
    return Province.objects.order_by("code")


def province_for_point(*, lat_deg: float, lon_deg: float,
                       max_distance_m: float = 0.0) -> Province | None:
    """The province whose boundary contains the point (or is within ``max_distance_m`` [m] of
    it, see ``core.geo.provinces.province_at``), or None (at sea, abroad)."""
    found = province_at(lat_deg, lon_deg, max_distance_m=max_distance_m)
    return None if found is None else Province.objects.filter(code=found.code).first()
