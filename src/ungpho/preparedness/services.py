from __future__ import annotations

from django.db import transaction

from ungpho.audit.services import audit_record, snapshot
from ungpho.preparedness.models import Facility


@transaction.atomic
def facility_upsert(*, code: str, name: str, province_code: str, lat: float, lon: float,
                    licensee: str = "", by=None) -> Facility:
    before = snapshot(Facility.objects.filter(code=code).first())
    facility, _ = Facility.objects.update_or_create(
        code=code, defaults={"name": name, "province_id": province_code, "lat": lat, "lon": lon,
                             "licensee": licensee})
    after = snapshot(facility)
    if before != after:
        audit_record(by=by, action="facility.upsert", obj=facility, before=before, after=after)
    return facility
