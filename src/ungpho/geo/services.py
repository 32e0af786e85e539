from __future__ import annotations

from django.db import transaction

from ungpho.audit.services import audit_record, snapshot
from ungpho.core.geo.provinces import load_provinces
from ungpho.geo.models import Province

_FIELDS = ["name_vi", "name_en", "kind", "centre_vi", "centre_lat", "centre_lon", "former",
           "population", "area_km2"]


@transaction.atomic
def provinces_sync(*, by=None) -> int:
    """Bring the Province table in step with the shipped data; returns rows changed."""
    changed = 0
    existing = {p.code: p for p in Province.objects.all()}
    for data in load_provinces():
        values = {field: getattr(data, field) for field in _FIELDS}
        values["former"] = list(values["former"])
        row = existing.get(data.code)
        if row is not None and all(getattr(row, f) == v for f, v in values.items()):
            continue
        before = snapshot(row)
        row, _ = Province.objects.update_or_create(code=data.code, defaults=values)
        audit_record(by=by, action="province.sync", obj=row, before=before, after=snapshot(row))
        changed += 1
    return changed


def provinces_sync_on_migrate(sender, using="default", **kwargs):
    if using == "default":
        provinces_sync()
