"""What the incidents app does when an app below it signals: an exceedance or a lost source
opens or updates a report on the duty desk, the public map learns which exceedances an
officer confirmed, a source found is logged on its incidents, a
delivered message meets the "notify" deadlines it settles. Connected in
``IncidentsConfig.ready``; each runs in the sender's transaction (signals are synchronous)."""

from __future__ import annotations

from ungpho.alerts.signals import notification_sent
from ungpho.core.rules.notify_plan import DEADLINE_PARTIES
from ungpho.incidents.notification.plans import notify_deadlines_check
from ungpho.incidents.selectors import stations_confirmed
from ungpho.incidents.services import (
    incident_raise_from_exceedance,
    report_raise_from_source,
    source_found_log,
)
from ungpho.monitoring.signals import exceedance_raised, stations_confirmed_asked
from ungpho.preparedness.signals import source_found, source_report_raised

#: Parties whose delivery can meet a "notify" deadline (TT 12/2023 Phụ lục VI).
NOTIFY_DEADLINE_PARTIES = frozenset().union(*DEADLINE_PARTIES.values())


def _exceedance_raised(sender, signal, **facts):
    return incident_raise_from_exceedance(**facts)


def _stations_confirmed_asked(sender, signal, **kwargs):
    return stations_confirmed()


def _source_report_raised(sender, signal, **facts):
    return report_raise_from_source(**facts)


def _source_found(sender, signal, *, source, by, **kwargs):
    source_found_log(source=source, by=by)


def _notification_sent(sender, signal, *, notification, at, **kwargs):
    if notification.incident_id and notification.party in NOTIFY_DEADLINE_PARTIES:
        notify_deadlines_check(incident_id=notification.incident_id, at=at)


def receivers_connect() -> None:
    """Connect the receivers (once, whatever the number of calls)."""
    exceedance_raised.connect(_exceedance_raised, dispatch_uid="incidents.exceedance")
    stations_confirmed_asked.connect(_stations_confirmed_asked,
                                     dispatch_uid="incidents.stations_confirmed")
    source_report_raised.connect(_source_report_raised, dispatch_uid="incidents.source_report")
    source_found.connect(_source_found, dispatch_uid="incidents.source_found")
    notification_sent.connect(_notification_sent, dispatch_uid="incidents.notification_sent")
