"""The incident log (nhật ký ứng phó): one way in, so that every entry is also an audit
entry (hash-chained, ``ungpho audit verify``) written in the same transaction."""

from __future__ import annotations

import datetime as dt

from ungpho.audit.services import Actor, audit_record
from ungpho.incidents.models import Incident, IncidentLogEntry


def log_add(*, incident: Incident, kind: str, text: str, by, data: dict | None = None,
            corrects: IncidentLogEntry | None = None,
            at: dt.datetime | None = None) -> IncidentLogEntry:
    """Append one entry to the incident's log and to the audit chain (same transaction)."""
    entry = IncidentLogEntry.objects.create(
        incident=incident, at=at or dt.datetime.now(dt.UTC), by=Actor.of(by).label, kind=kind,
        text=text, data=data or {}, corrects=corrects)
    audit_record(by=by, action=f"incident.log.{kind}", obj=incident,
                 after={"entry": entry.pk, "text": text, "data": entry.data,
                        "corrects": corrects.pk if corrects else None})
    return entry
