"""The incident's place in the basic response phases (TT 12/2023/TT-BKHCN Phụ lục VII) and
its checklists: duties ticked (time, person) or withdrawn, the phase moved by the officer;
each write one transaction with its log entry. The phases are those of the instrument in
force on the incident's date; TT 25/2014 as held has no Phụ lục VII, and the page says so.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from ungpho.audit.services import Actor, audit_image
from ungpho.core.response.phases import (
    PhaseError,
    checklist_item,
    phase_get,
    phase_move,
    phase_move_why,
    phases_progress,
)
from ungpho.core.rules.classify import decision_date
from ungpho.core.rules.guidance import ResponsePhases
from ungpho.core.rules.loader import Instrument, rules_in_force
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import ERR_CLOSED
from ungpho.incidents.log import log_add
from ungpho.incidents.models import ChecklistTick, Incident, IncidentLogEntry, PhaseChange

ERR_NO_PHASES = "{instrument} as held has no Phụ lục VII (response phases)"
ERR_STALE_PHASE = ("the incident moved to phase {now} meanwhile (you saw phase {seen}); "
                   "reload the page")
ERR_NOT_TICKED = "{item!r} of phase {phase} is not ticked"


def incident_instrument(incident: Incident) -> Instrument:
    """The instrument the incident is judged by: the one in force on its first information."""
    return rules_in_force(decision_date(None, incident.first_information_at, dt.date.today()))


def incident_phases(incident: Incident) -> tuple[Instrument, ResponsePhases | None]:
    instrument = incident_instrument(incident)
    table = instrument.tables.get("response_phases")
    return instrument, table if isinstance(table, ResponsePhases) else None


def phase_current(incident: Incident) -> int:
    """The phase the incident is in: the latest move, else 1 (receiving the information)."""
    latest = incident.phase_changes.order_by("-at", "-pk").first()
    return latest.phase if latest else 1


def _ticked(incident: Incident) -> list[tuple[int, str]]:
    return list(incident.checklist_ticks.filter(withdrawn_at__isnull=True)
                .values_list("phase", "item"))


def phases_state(incident: Incident) -> dict:
    """For the page and the API: instrument, current phase, every phase with its duties
    (ticked ones with time and person), or why there are none."""
    instrument, phases = incident_phases(incident)
    if phases is None:
        absent = instrument.absent.get("response_phases")
        return {"instrument": instrument, "phases": None, "current": None,
                "absent": absent.reason if absent else None}
    current = phase_current(incident)
    ticks = {(t.phase, t.item): t for t in incident.checklist_ticks.filter(
        withdrawn_at__isnull=True)}
    rows = phases_progress(phases, current=current, ticked=ticks)
    return {"instrument": instrument, "current": current, "absent": None, "phases": [
        {"progress": row, "items": [(item, ticks.get((row.phase.number, item.id)))
                                    for item in row.phase.checklist]} for row in rows]}


def _locked(incident: Incident) -> tuple[Incident, Instrument, ResponsePhases]:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != Incident.Status.OPEN:
        raise IncidentError([("incident", ERR_CLOSED.format(incident=incident.code))])
    instrument, phases = incident_phases(incident)
    if phases is None:
        raise IncidentError([("phase", ERR_NO_PHASES.format(instrument=instrument.short))])
    return incident, instrument, phases


def _problem(error: PhaseError) -> IncidentError:
    return IncidentError([(error.field, str(error))])


@transaction.atomic
def checklist_tick(*, incident: Incident, phase: int, item: str, by,
                   now: dt.datetime | None = None) -> ChecklistTick:
    """Tick a duty of a phase's checklist; ticking it again changes nothing."""
    incident, instrument, phases = _locked(incident)
    try:
        duty = checklist_item(phases, phase, item)
    except PhaseError as error:
        raise _problem(error) from None
    now = now or dt.datetime.now(dt.UTC)
    try:
        with transaction.atomic():
            tick = ChecklistTick.objects.create(
                incident=incident, phase=phase, item=item, instrument=instrument.number,
                ticked_at=now, ticked_by=Actor.of(by).label)
    except IntegrityError:  # already ticked
        return ChecklistTick.objects.get(incident=incident, phase=phase, item=item,
                                         withdrawn_at__isnull=True)
    cite = instrument.cite(duty.cite or phase_get(phases, phase).cite)
    log_add(incident=incident, kind=IncidentLogEntry.Kind.CHECKLIST, by=by, at=now,
            text=f"Đã thực hiện (giai đoạn {phase}): {duty.vi} / done (phase {phase}): "
                 f"{duty.en} ({cite})",
            data={"tick": tick.pk, "phase": phase, "item": item})
    return tick


@transaction.atomic
def checklist_untick(*, incident: Incident, phase: int, item: str, by,
                     now: dt.datetime | None = None) -> ChecklistTick:
    """Withdraw a tick made by mistake; the tick and its log entry stay in the history."""
    incident, _instrument, phases = _locked(incident)
    try:
        duty = checklist_item(phases, phase, item)
    except PhaseError as error:
        raise _problem(error) from None
    tick = ChecklistTick.objects.filter(incident=incident, phase=phase, item=item,
                                        withdrawn_at__isnull=True).first()
    if tick is None:
        raise IncidentError([("item", ERR_NOT_TICKED.format(item=item, phase=phase))])
    now = now or dt.datetime.now(dt.UTC)
    tick.withdrawn_at, tick.withdrawn_by = now, Actor.of(by).label
    tick.save(update_fields=["withdrawn_at", "withdrawn_by"])
    log_add(incident=incident, kind=IncidentLogEntry.Kind.CHECKLIST, by=by, at=now,
            text=f"Bỏ đánh dấu (giai đoạn {phase}): {duty.vi} / tick withdrawn (phase "
                 f"{phase}): {duty.en}", data={"tick": tick.pk, "withdrawn": True})
    return tick


@transaction.atomic
def phase_advance(*, incident: Incident, to: int, by, seen: int | None = None,
                  reason: str = "", now: dt.datetime | None = None) -> PhaseChange:
    """Move the incident to phase ``to``. ``seen``: the phase the officer's page showed; if
    the incident moved meanwhile the move is refused. To the next phase with its checklist
    complete no reason is needed; any other move needs ``reason`` and records the duties
    it leaves undone (``core.response.phases``)."""
    incident, _instrument, phases = _locked(incident)
    current = phase_current(incident)
    if seen is not None and seen != current:
        raise IncidentError([("phase", ERR_STALE_PHASE.format(now=current, seen=seen))])
    try:
        move = phase_move(phases, current=current, target=to, ticked=_ticked(incident))
    except PhaseError as error:
        raise _problem(error) from None
    if move.needs_reason and not reason.strip():
        raise IncidentError([("reason", phase_move_why(move))])
    now = now or dt.datetime.now(dt.UTC)
    change = PhaseChange.objects.create(
        incident=incident, phase=to, previous=current, at=now, by=Actor.of(by).label,
        reason=reason.strip(), left=[list(pair) for pair in move.left])
    audit_image(change, by=by, action="incident.phase")
    target = phase_get(phases, to)
    undone = (f" — còn {len(move.left)} việc chưa làm / {len(move.left)} duties left"
              if move.left else "")
    because = f" — lý do / reason: {reason.strip()}" if reason.strip() else ""
    log_add(incident=incident, kind=IncidentLogEntry.Kind.PHASE, by=by, at=now,
            text=f"Giai đoạn {current} → {to}: {target.name.vi} / phase {current} → {to}: "
                 f"{target.name.en}{undone}{because}",
            data={"change": change.pk, "from": current, "to": to,
                  "left": change.left, "reason": change.reason})
    return change
