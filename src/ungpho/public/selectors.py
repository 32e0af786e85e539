"""What is read of the public messages: the released ones, for the public portal, the
Atom feed and ``ungpho alerts cap`` (the message in force of one incident is
``incidents.selectors.message_current``: the incident map reads it too)."""

from __future__ import annotations

from ungpho.alerts.models import PublicMessage


def messages_released(*, current_only: bool = True, incident=None):
    """Released messages, newest first: those in force only (the default), or every one
    ever released (superseded and cancelled ones too). Never a draft."""
    statuses = [PublicMessage.Status.RELEASED] if current_only else [
        PublicMessage.Status.RELEASED, PublicMessage.Status.SUPERSEDED,
        PublicMessage.Status.CANCELLED]
    rows = PublicMessage.objects.filter(status__in=statuses).select_related(
        "incident", "incident__province", "ended_by").prefetch_related("references")
    if incident is not None:
        rows = rows.filter(incident=incident)
    return rows.order_by("-sent_at", "-pk")
