"""Legal deadlines as due times (TT 12/2023 Điều 17.2, Phụ lục VI).

Each limit is strict ("< 15 phút"): the action is due *before* start + limit. Limits that
run from classification start at ``classified_at`` when known, else at the classification
deadline itself (the latest lawful classification), which the item says.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ungpho.core.rules.criteria import absent_note
from ungpho.core.rules.decision import Criterion, Decision, Text
from ungpho.core.rules.loader import Instrument
from ungpho.core.rules.tables import Deadlines


def legal_deadlines(*, category: str, first_information_at: datetime,
                    instrument: Instrument, classified_at: datetime | None = None,
                    levels: tuple[str, ...] = ("facility", "locality"),
                    transboundary: bool | None = None,
                    upz_extends_abroad: bool | None = None) -> Decision:
    table = instrument.tables.get("deadlines")
    if not isinstance(table, Deadlines):
        return Decision("deadlines", None, instrument.short,
                        notes=(absent_note(instrument, "deadlines"),))
    conditions = {"transboundary": transboundary, "upz_extends_abroad": upz_extends_abroad}
    classify = next(a for a in table.actions if a.id == "classify")
    items: list[dict[str, Any]] = []
    matched, missing, notes = [], [], [n.text() for n in table.notes]
    for action in table.actions:
        if action.only_if and not conditions[action.only_if]:
            if conditions[action.only_if] is None:
                missing.append(action.only_if)
            continue
        for limit in action.limits:
            if category not in limit.categories or limit.level not in levels:
                continue
            start, basis = first_information_at, "first_information_at"
            if action.start == "classification":
                if classified_at is not None:
                    start, basis = classified_at, "classified_at"
                else:
                    own = next(lim for lim in classify.limits if category in lim.categories
                               and lim.level == limit.level)
                    start = first_information_at + timedelta(minutes=own.within_minutes or 0)
                    basis = "classification deadline (classified_at not given)"
            due = start + timedelta(minutes=limit.within_minutes) \
                if limit.within_minutes else None
            items.append({
                "action": action.id, "level": limit.level, "text": action.text.text().as_dict(),
                "within_minutes": limit.within_minutes, "starts_at": start.isoformat(),
                "start_basis": basis, "due_before": due.isoformat() if due else None})
            matched.append(Criterion(
                f"{action.id}.{limit.level}", instrument.cite(action.cite), action.text.text(),
                f"hazard_category = {category}",
                f"< {limit.within_minutes} min" if limit.within_minutes else "no time set"))
    if not items:
        notes.append(Text(f"Phụ lục VI không có cột cho nhóm nguy cơ {category}.",
                          f"Phụ lục VI has no column for hazard category {category}."))
    items.sort(key=lambda item: item["due_before"] or "9999")
    return Decision("deadlines", items, instrument.short, tuple(matched),
                    tuple(dict.fromkeys(missing)), tuple(notes))
