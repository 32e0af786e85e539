"""Who the notification plan could not reach: the parties an incident's plan required that
had no contact point (``incidents.notification.plans.incident_notify`` logs them, the
incident page and the desk show them in red). Nobody the plan names is left out silently
(TT 12/2023 Điều 26.6.a: the contact list is kept up to date; the plan's gaps by province:
``alerts.plan_gaps``)."""

from __future__ import annotations

from dataclasses import dataclass

from ungpho.alerts.models import Notification, Party
from ungpho.incidents.models import IncidentLogEntry, PackageNotification
from ungpho.platform.i18n import localized


@dataclass(frozen=True)
class Unreached:
    """A party the plan required and could not tell; ``known``: the contact directory has
    the party (an activation package may name one it lacks), so a contact point can be added."""

    party: str
    label: str
    known: bool


def _label(party: str) -> str:
    if party in Party.values:
        return str(Party(party).label)
    named = PackageNotification.objects.filter(party=party).values("name_vi", "name_en").first()
    return localized(named["name_vi"], named["name_en"]) if named else party.replace("_", " ")


def incidents_unreached(incident_ids) -> dict[int, list[Unreached]]:
    """For each incident (by pk), the required parties its last plan run found no contact
    point for (the latest notification log entry that counts them), but for those told
    about the incident before (a contact point deactivated since)."""
    ids = list(incident_ids)
    latest: dict[int, list[str]] = {}
    for incident_id, data in IncidentLogEntry.objects.filter(
            incident_id__in=ids, kind=IncidentLogEntry.Kind.NOTIFICATION,
            data__has_key="unreachable").order_by("at", "pk").values_list("incident_id", "data"):
        latest[incident_id] = data["unreachable"]
    told = set(Notification.objects.filter(incident_id__in=list(latest)).exclude(
        party="").values_list("incident_id", "party").distinct())
    found = {incident_id: [Unreached(p, _label(p), p in Party.values) for p in parties
                           if (incident_id, p) not in told]
             for incident_id, parties in latest.items()}
    return {incident_id: rows for incident_id, rows in found.items() if rows}
