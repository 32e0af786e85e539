from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from ungpho.audit.models import AuditEntry
from ungpho.audit.registry import AUDITED
from ungpho.core.audit.chain import REANCHOR_ACTION


def chain_unkeyed_through() -> int:
    """The history written before the key: the entries up to the first re-anchor entry whose
    MAC verifies (0: every entry is keyed; ``audit.carry_over``)."""
    for entry in AuditEntry.objects.filter(action=REANCHOR_ACTION).order_by("seq"):
        if entry.sealed():
            return entry.seq - 1
    return 0


def images_last(model: type[models.Model], ids: Iterable[int]) -> dict[int, AuditEntry]:
    """The entry holding the last audited image of each of the rows ``ids`` of an audited
    model (``audit.registry``); rows with none are left out."""
    audited = AUDITED[model._meta.label_lower]
    last = {}
    for entry in AuditEntry.objects.filter(object_type=audited.label,
                                           object_id__in=[str(i) for i in ids]).order_by("seq"):
        if audited.is_image(entry.after):
            last[int(entry.object_id)] = entry
    return last
