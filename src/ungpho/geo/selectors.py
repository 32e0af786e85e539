from __future__ import annotations

from ungpho.core.geo.provinces import province_at
from ungpho.geo.models import Province


def province_list():
    return Province.objects.order_by("code")


def province_for_point(*, lat_deg: float, lon_deg: float) -> Province | None:
    """The province whose boundary contains the point, or None (at sea, abroad)."""
    found = province_at(lat_deg, lon_deg)
    return None if found is None else Province.objects.filter(code=found.code).first()
