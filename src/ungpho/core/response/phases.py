"""Where an incident stands in the basic response phases (TT 12/2023/TT-BKHCN Phụ lục VII:
1 receive and process the information → 2 notify the responders, designate the field
commander → 3 mobilise and deploy → 4 intervene on scene → 5 end the response, plan the
recovery → 6 final report) and what is left of each phase's checklist.

A move to the next phase with its checklist complete needs no reason. Any other move — with
duties left undone, over a phase, or back (the event worsened) — needs the officer's written
reason, and the duties left undone are recorded with it: the appendix lists what a plan must
cover, not a gate the response may never pass, and a field commander may have to deploy
before every notification is confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ungpho.core.rules.guidance import Phase, ResponsePhases
from ungpho.core.rules.table_fields import Item

ERR_NO_PHASE = "phase {phase} is not one of 1–{last}"
ERR_SAME_PHASE = "the incident is already in phase {phase}"
ERR_NO_ITEM = "{item!r} is not a duty of phase {phase} ({known})"
ERR_REASON = ("moving from phase {current} to {target} {why} needs a written reason")


class PhaseError(ValueError):
    """``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class PhaseProgress:
    """One phase as the incident page shows it."""

    phase: Phase
    state: str  # "done" (passed), "current", "ahead"
    ticked: tuple[Item, ...]
    left: tuple[Item, ...]


@dataclass(frozen=True)
class PhaseMove:
    current: int
    target: int
    needs_reason: bool
    #: (phase number, duty id) of the duties left undone in the phases moved past.
    left: tuple[tuple[int, str], ...]


def phase_get(phases: ResponsePhases, number: int) -> Phase:
    if not 1 <= number <= len(phases.phases):
        raise PhaseError("phase", ERR_NO_PHASE.format(phase=number, last=len(phases.phases)))
    return phases.phases[number - 1]


def checklist_item(phases: ResponsePhases, number: int, item_id: str) -> Item:
    """The duty ``item_id`` of phase ``number``, or :class:`PhaseError` naming the field."""
    phase = phase_get(phases, number)
    for item in phase.checklist:
        if item.id == item_id:
            return item
    raise PhaseError("item", ERR_NO_ITEM.format(item=item_id, phase=number,
                                                known=", ".join(i.id for i in phase.checklist)))


def phases_progress(phases: ResponsePhases, *, current: int,
                    ticked: Iterable[tuple[int, str]]) -> list[PhaseProgress]:
    """Every phase with its duties ticked and left; ``ticked``: (phase, duty id) pairs."""
    done = set(ticked)
    rows = []
    for phase in phases.phases:
        state = "done" if phase.number < current else (
            "current" if phase.number == current else "ahead")
        rows.append(PhaseProgress(
            phase=phase, state=state,
            ticked=tuple(i for i in phase.checklist if (phase.number, i.id) in done),
            left=tuple(i for i in phase.checklist if (phase.number, i.id) not in done)))
    return rows


@dataclass(frozen=True)
class NextStep:
    phase: Phase
    #: The duty to do next in ``phase`` (the current one); None: move to ``phase``.
    duty: Item | None


def phase_next_step(progress: Sequence[PhaseProgress]) -> NextStep | None:
    """What the response does next (Phụ lục VII): the first duty left on the current phase's
    checklist, in the appendix's order; with none left, the move to the next phase; None
    once the last phase's checklist is done."""
    for index, row in enumerate(progress):
        if row.state != "current":
            continue
        if row.left:
            return NextStep(phase=row.phase, duty=row.left[0])
        following = progress[index + 1:index + 2]
        return NextStep(phase=following[0].phase, duty=None) if following else None
    return None


def phase_move(phases: ResponsePhases, *, current: int, target: int,
               ticked: Iterable[tuple[int, str]]) -> PhaseMove:
    """Check a move from ``current`` to ``target``: whether it needs a reason and which
    duties it leaves undone (none when going back)."""
    phase_get(phases, target)
    if target == current:
        raise PhaseError("phase", ERR_SAME_PHASE.format(phase=current))
    done = set(ticked)
    passed = range(current, target) if target > current else range(0)
    left = tuple((n, i.id) for n in passed for i in phase_get(phases, n).checklist
                 if (n, i.id) not in done)
    return PhaseMove(current=current, target=target,
                     needs_reason=bool(left) or target != current + 1, left=left)


def phase_move_why(move: PhaseMove) -> str:
    """Why a move needs a reason, for the error message."""
    if move.target < move.current:
        why = "(back)"
    elif move.target > move.current + 1:
        why = f"(over phase {', '.join(str(n) for n in range(move.current + 1, move.target))})"
    else:
        why = f"with {len(move.left)} duties left"
    return ERR_REASON.format(current=move.current, target=move.target, why=why)
