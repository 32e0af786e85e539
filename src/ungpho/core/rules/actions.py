"""Protective actions from the generic criteria (TT 12/2023 Điều 19.2, Phụ lục II) and the
end of environmental restoration (TT 12/2023 Điều 25.2; TT 25/2014 Điều 26.3).

A dose meets a criterion of the same quantity, period, pathway and basis when it is at or
above it; the actions of every criterion met are required, each with the criteria behind it.
"""

from __future__ import annotations

from typing import Any

from ungpho.core.rules.criteria import absent_note
from ungpho.core.rules.decision import Criterion, Decision, Text
from ungpho.core.rules.facts import ActionFacts, DoseFacts
from ungpho.core.rules.loader import Instrument
from ungpho.core.rules.restoration import restoration_end
from ungpho.core.rules.tables import DoseCriterion, GenericCriteria


def _applies(criterion: DoseCriterion, dose: DoseFacts) -> bool:
    return (criterion.quantity == dose.quantity and criterion.period == dose.period
            and criterion.pathway == dose.pathway and dose.basis in criterion.actions)


def _restoration(facts: ActionFacts, instrument: Instrument) -> tuple[Any, list, list, list]:
    if facts.restoration is None or "restoration" not in instrument.tables:
        return None, [], [], []
    decision = restoration_end(facts.restoration.potential_effective_dose_per_year,
                               facts.restoration.remediation_applied, instrument)
    return decision.result["may_end"], list(decision.matched), list(decision.missing), []


def protective_actions(facts: ActionFacts, instrument: Instrument) -> Decision:
    table = instrument.tables.get("generic_criteria")
    may_end, matched, missing, notes = _restoration(facts, instrument)
    if not isinstance(table, GenericCriteria):
        notes.append(absent_note(instrument, "generic_criteria"))
        result = {"actions": None, "restoration_may_end": may_end}
        return Decision("protective_actions", result, instrument.short, tuple(matched),
                        tuple(missing), tuple(notes))
    required: dict[str, dict[str, Any]] = {}
    for i, dose in enumerate(facts.doses):
        candidates = [c for c in table.criteria if _applies(c, dose)]
        if not candidates:
            notes.append(Text(f"doses[{i}]: Phụ lục II không có tiêu chí cho {dose.quantity}, "
                              f"{dose.period}, {dose.pathway}, {dose.basis}.",
                              f"doses[{i}]: Phụ lục II has no criterion for {dose.quantity}, "
                              f"{dose.period}, {dose.pathway}, {dose.basis}."))
        for criterion in candidates:
            if criterion.atomic_number is not None:
                if dose.atomic_number is None:
                    missing.append(f"doses[{i}].atomic_number")
                    continue
                if not criterion.atomic_number.contains(dose.atomic_number):
                    continue
            if dose.dose.si < criterion.threshold.si:
                continue
            matched.append(Criterion(
                criterion.id, instrument.cite(criterion.cite), criterion.text.text(),
                f"doses[{i}]: {dose.quantity} = {dose.dose} ({dose.basis}, {dose.period})",
                f"≥ {criterion.threshold}"))
            for action in criterion.actions[dose.basis]:
                entry = required.setdefault(action, {
                    "id": action, "text": table.actions[action].text().as_dict(),
                    "because": []})
                entry["because"].append(criterion.id)
    result = {"actions": list(required.values()), "restoration_may_end": may_end}
    return Decision("protective_actions", result, instrument.short, tuple(matched),
                    tuple(dict.fromkeys(missing)), tuple(notes))
