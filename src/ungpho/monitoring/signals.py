"""What monitoring tells the apps above it. Sent synchronously: the receivers run in the
sender's transaction, so what they write commits or rolls back with the readings."""

from __future__ import annotations

from django.dispatch import Signal

from ungpho.monitoring.models import Exceedance

#: A reading, or an hourly mean, exceeded a limit: the report on the duty desk is opened or
#: updated (``incidents.receivers``). Arguments: ``station_id``, ``parameter_id``,
#: ``province_code``, ``lat``, ``lon``, ``observed_at``, ``decision`` (value, limit, level,
#: basis, criterion, confirmed, as judged from ``ungpho.core.monitoring.limits``) and ``by``.
#: A receiver answers (the report, whether it was opened now).
exceedance_raised = Signal()

#: The public map asks which stations' exceedances an officer has confirmed (the rest show as
#: "verifying"); a receiver answers a set of station ids (``incidents.receivers``).
stations_confirmed_asked = Signal()


def exceedance_report(**facts) -> tuple[object | None, bool]:
    """Send :data:`exceedance_raised`: the report its receiver opened or updated and whether
    it was opened now; (None, False) when no app receives it."""
    for _receiver, answer in exceedance_raised.send(sender=Exceedance, **facts):
        if answer is not None:
            return answer
    return None, False


def stations_confirmed() -> set[int]:
    """Send :data:`stations_confirmed_asked`: every station id a receiver answers (none when no
    app receives it)."""
    confirmed: set[int] = set()
    for _receiver, answer in stations_confirmed_asked.send(sender=Exceedance):
        confirmed |= answer or set()
    return confirmed
