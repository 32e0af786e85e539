"""Conditions written in the rule files, and their three-valued evaluation.

A condition names a fact and a test::

    when: {fact: event.dose_rate, within: "(50, 1000] mSv/h"}
    when: {fact: event.source_group, one_of: [1, 2]}
    when: {all: [{fact: event.in_facility, equals: true}, {fact: ..., ...}]}

Evaluation gives True, False, or None when a fact it needs is unknown: an unknown fact
never counts as matched, and the engines report it as missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from ungpho.core.rules.intervals import Interval, interval_parse
from ungpho.core.rules.units import Measure, UnitError


@dataclass(frozen=True)
class FactSpec:
    """What a fact named in a condition may hold: a dimension, ``bool``, ``int`` or enum."""

    kind: str
    options: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Condition:
    fact: str | None = None
    equals: Any = None
    one_of: tuple[Any, ...] = ()
    within: Interval | None = None
    all: tuple[Condition, ...] = ()


class ConditionError(ValueError):
    """A condition in a rule file that names an unknown fact or tests it wrongly."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"{key}: {message}")


def _check_value(value: Any, spec: FactSpec, key: str) -> None:
    if spec.kind == "bool" and not isinstance(value, bool):
        raise ConditionError(key, f"{value!r} is not true/false")
    if spec.kind == "enum" and value not in spec.options:
        raise ConditionError(key, f"{value!r} is not one of {list(spec.options)}")
    if spec.kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConditionError(key, f"{value!r} is not an integer")


def condition_parse(raw: Any, facts: Mapping[str, FactSpec], key: str) -> Condition:
    """Read a condition, checking every fact it names against ``facts``."""
    if not isinstance(raw, dict):
        raise ConditionError(key, "a condition is a mapping")
    if "all" in raw:
        if set(raw) != {"all"} or not isinstance(raw["all"], list) or not raw["all"]:
            raise ConditionError(key, "'all' takes a non-empty list and nothing beside it")
        return Condition(all=tuple(condition_parse(c, facts, f"{key}.all[{i}]")
                                   for i, c in enumerate(raw["all"])))
    tests = set(raw) - {"fact"}
    if "fact" not in raw or len(tests) != 1 or not tests <= {"equals", "one_of", "within"}:
        raise ConditionError(key, "write {fact: NAME, equals|one_of|within: VALUE}")
    name = raw["fact"]
    spec = facts.get(name)
    if spec is None:
        raise ConditionError(f"{key}.fact", f"unknown fact {name!r}; known: {sorted(facts)}")
    test = tests.pop()
    if test == "within":
        try:
            interval = interval_parse(raw["within"])
        except UnitError as error:
            raise ConditionError(f"{key}.within", str(error)) from None
        wanted = None if spec.kind in ("int", "number") else spec.kind
        if interval.dimension != wanted:
            raise ConditionError(f"{key}.within",
                                 f"{name} is a {spec.kind}; the interval is in "
                                 f"{interval.dimension or 'plain numbers'}")
        return Condition(fact=name, within=interval)
    if test == "one_of":
        if not isinstance(raw["one_of"], list) or not raw["one_of"]:
            raise ConditionError(f"{key}.one_of", "a non-empty list")
        for value in raw["one_of"]:
            _check_value(value, spec, f"{key}.one_of")
        return Condition(fact=name, one_of=tuple(raw["one_of"]))
    _check_value(raw["equals"], spec, f"{key}.equals")
    return Condition(fact=name, equals=raw["equals"])


def condition_eval(condition: Condition, facts: Mapping[str, Any]) -> bool | None:
    if condition.all:
        results = [condition_eval(c, facts) for c in condition.all]
        if False in results:
            return False
        return None if None in results else True
    value = facts.get(cast(str, condition.fact))  # a condition without `all` names a fact
    if value is None:
        return None
    if condition.within is not None:
        number = value.si if isinstance(value, Measure) else value
        return condition.within.contains(number)
    if condition.one_of:
        if isinstance(value, tuple):
            return any(v in condition.one_of for v in value)
        return value in condition.one_of
    return value == condition.equals


def condition_facts(condition: Condition) -> tuple[str, ...]:
    if condition.all:
        return tuple(f for c in condition.all for f in condition_facts(c))
    return (cast(str, condition.fact),)


def fact_show(name: str, value: Any) -> str:
    """``event.dose_rate = 200 mSv/h`` — how a triggering fact is written in a decision."""
    if isinstance(value, Measure):
        shown = value.given
    elif isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, tuple):
        shown = "[" + ", ".join(map(str, value)) + "]"
    else:
        shown = str(value)
    return f"{name} = {shown}"


def condition_show(condition: Condition, facts: Mapping[str, Any]) -> str:
    """The facts a matched condition used, joined."""
    return "; ".join(fact_show(name, facts[name]) for name in condition_facts(condition))
