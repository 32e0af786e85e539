"""Pydantic field types for quantities with units, used by the facts models.

A quantity is written ``"50 mSv/h"`` or ``{"value": 50, "unit": "mSv/h"}``; either way it
becomes a :class:`~ungpho.core.rules.units.Measure`. Negative amounts are refused: no dose,
activity, power or distance in the rules can be below zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from ungpho.core.rules.units import Measure, measure_parse, units_of


def measure_coerce(raw: Any, dimensions: tuple[str, ...]) -> Measure:
    if isinstance(raw, Measure):
        measure = raw
    elif isinstance(raw, str):
        measure = measure_parse(raw, dimensions[0] if len(dimensions) == 1 else None)
    elif isinstance(raw, dict) and set(raw) == {"value", "unit"}:
        value, unit = raw["value"], raw["unit"]
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("'value' must be a number")
        if not isinstance(unit, str):
            raise ValueError("'unit' must be a string such as 'mSv/h'")
        measure = measure_parse(f"{value} {unit}",
                                dimensions[0] if len(dimensions) == 1 else None)
    else:
        raise ValueError(
            "a quantity is a string '<number> <unit>' or an object {value, unit}, "
            f"e.g. '1 {units_of(dimensions[0])[0]}'")
    if measure.dimension not in dimensions:
        allowed = " or ".join(", ".join(units_of(d)) for d in dimensions)
        raise ValueError(f"{measure.given!r}: expected a unit among {allowed}")
    if measure.si < 0:
        raise ValueError(f"{measure.given!r} is negative; it must be zero or more")
    return measure


def _schema(dimensions: tuple[str, ...]) -> dict[str, Any]:
    units = [u for d in dimensions for u in units_of(d)]
    return {
        "oneOf": [
            {"type": "string", "description": f"'<number> <unit>', unit one of {units}",
             "examples": [f"1 {units[0]}"]},
            {"type": "object", "additionalProperties": False, "required": ["value", "unit"],
             "properties": {"value": {"type": "number", "minimum": 0},
                            "unit": {"enum": units}}},
        ]
    }


@dataclass(frozen=True)
class Dimensions:
    """Marks a field as a quantity, so rule files can test it with an interval."""

    names: tuple[str, ...]


def quantity(*dimensions: str) -> Any:
    """The annotated type of a field holding a quantity of one of ``dimensions``."""
    return Annotated[
        Measure,
        Dimensions(dimensions),
        PlainValidator(lambda raw: measure_coerce(raw, dimensions)),
        PlainSerializer(str, return_type=str),
        WithJsonSchema(_schema(dimensions)),
    ]


Power = quantity("power")
Activity = quantity("activity")
DoseRate = quantity("dose_rate")
AbsorbedDoseRate = quantity("absorbed_dose_rate")
Length = quantity("length")
AnyDose = quantity("dose", "absorbed_dose")
EffectiveDose = quantity("dose")
