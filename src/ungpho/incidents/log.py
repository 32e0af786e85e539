"""The incident log (nhật ký ứng phó): one way in, so that every entry is also an audit
entry written in the same transaction — the entry's whole image (id, incident, time, author,
kind, text, data, what it corrects) in the keyed chain, which ``ungpho audit verify`` checks
every log row against."""

from __future__ import annotations

import datetime as dt

from ungpho.audit.services import Actor, audit_image
from ungpho.incidents.models import Incident, IncidentLogEntry


def log_add(*, incident: Incident, kind: str, text: str, by, data: dict | None = None,
            corrects: IncidentLogEntry | None = None,
            at: dt.datetime | None = None) -> IncidentLogEntry:
    """Append one entry to the incident's log and its image to the audit chain (same
    transaction)."""
    entry = IncidentLogEntry.objects.create(
        incident=incident, at=at or dt.datetime.now(dt.UTC), by=Actor.of(by).label, kind=kind,
        text=text, data=data or {}, corrects=corrects)
    audit_image(entry, by=by, action=f"incident.log.{kind}")
    return entry
