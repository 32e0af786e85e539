"""Shared steps of the table-driven engines: evaluate a table's rules against facts.

An engine flattens its facts into a mapping of dotted names (``event.dose_rate``) and hands
each rule's condition to :func:`rules_match`, which returns what matched and which facts
were unknown. Missing facts only matter when they could have given a more severe result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ungpho.core.rules.conditions import condition_eval, condition_facts, condition_show
from ungpho.core.rules.decision import Criterion, Text
from ungpho.core.rules.loader import Instrument
from ungpho.core.rules.tables import Rule


def facts_flatten(model: BaseModel | None, prefix: str = "") -> dict[str, Any]:
    """``{"event.dose_rate": Measure(...), ...}`` for every scalar fact that is set."""
    flat: dict[str, Any] = {}
    if model is None:
        return flat
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            flat |= facts_flatten(value, f"{prefix}{name}.")
        elif value is not None and not (isinstance(value, tuple) and value
                                        and isinstance(value[0], BaseModel)):
            flat[f"{prefix}{name}"] = value
    return flat


@dataclass(frozen=True)
class Evaluation:
    matched: tuple[Criterion, ...]
    unknown: tuple[str, ...]


def rules_match(instrument: Instrument, rules: Iterable[Rule], facts: Mapping[str, Any],
                gives: str) -> Evaluation:
    matched, unknown = [], []
    for rule in rules:
        outcome = condition_eval(rule.when, facts)
        if outcome:
            matched.append(Criterion(
                id=rule.id, citation=instrument.cite(rule.cite), text=rule.text.text(),
                fact=condition_show(rule.when, facts), gives=gives))
        elif outcome is None:
            unknown += [f for f in condition_facts(rule.when) if facts.get(f) is None]
    return Evaluation(tuple(matched), tuple(dict.fromkeys(unknown)))


def absent_note(instrument: Instrument, table: str) -> Text:
    """The decision's note when the instrument in force lacks a table we do not hold."""
    absent = instrument.absent.get(table)
    if absent is not None:
        return Text(f"{instrument.short}, {absent.cite}: {absent.reason.vi}",
                    f"{instrument.short}, {absent.cite}: {absent.reason.en}")
    return Text(f"{instrument.short} không có bảng này.",
                f"{instrument.short} has no such table.")
