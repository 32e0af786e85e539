from __future__ import annotations

from django.db import transaction

from ungpho.audit.services import audited_upsert
from ungpho.preparedness.models import Facility


@transaction.atomic
def facility_upsert(*, code: str, name: str, province_code: str, lat: float, lon: float,
                    licensee: str = "", by=None) -> Facility:
    return audited_upsert(Facility, by=by, action="facility.upsert", lookup={"code": code},
                          defaults={"name": name, "province_id": province_code, "lat": lat,
                                    "lon": lon, "licensee": licensee})
