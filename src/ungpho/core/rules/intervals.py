"""Ranges of the law's tables in interval notation: ``"(2, 100) MW"``, ``"[1e4, 1e5)"``.

A square bracket includes the bound, a round one excludes it; ``inf`` is unbounded. The
unit, when present, fixes the dimension, and bounds are kept in SI (see ``units``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ungpho.core.rules.units import DIMENSIONS, UnitError, decimal_parse, unit_normalise

_INTERVAL = re.compile(r"^\s*([\[(])\s*([^,\s]+)\s*,\s*([^\]\s)]+)\s*([\])])\s*(\S.*)?$")


@dataclass(frozen=True)
class Interval:
    low: float
    low_closed: bool
    high: float
    high_closed: bool
    dimension: str | None
    text: str

    def contains(self, value_si: float) -> bool:
        above = value_si >= self.low if self.low_closed else value_si > self.low
        below = value_si <= self.high if self.high_closed else value_si < self.high
        return above and below

    def overlaps(self, other: Interval) -> bool:
        """True when some value lies in both (touching closed ends count as overlap)."""
        if self.high < other.low or other.high < self.low:
            return False
        if self.high == other.low:
            return self.high_closed and other.low_closed
        if other.high == self.low:
            return other.high_closed and self.low_closed
        return True

    def __str__(self) -> str:
        return self.text


def _bound(text: str, factor) -> float:
    if text in ("inf", "+inf"):
        return math.inf
    if text == "-inf":
        return -math.inf
    return float(decimal_parse(text) * factor)


def interval_parse(text: str) -> Interval:
    match = _INTERVAL.match(text) if isinstance(text, str) else None
    if not match:
        raise UnitError(f"{text!r} is not an interval such as '[2, 100) MW' or '[1e4, inf)'")
    opening, low_text, high_text, closing, unit = match.groups()
    dimension, factor = None, 1
    if unit:
        unit = unit_normalise(unit)
        dimension = next((d for d, (_, us) in DIMENSIONS.items() if unit in us), None)
        if dimension is None:
            raise UnitError(f"unknown unit {unit!r} in {text!r}")
        factor = DIMENSIONS[dimension][1][unit]
    low, high = _bound(low_text, factor), _bound(high_text, factor)
    if low > high or (low == high and not (opening == "[" and closing == "]")):
        raise UnitError(f"{text!r} is empty: the lower bound must be below the upper")
    if math.isinf(low) and opening == "[" or math.isinf(high) and closing == "]":
        raise UnitError(f"{text!r}: an infinite bound is written with a round bracket")
    return Interval(low, opening == "[", high, closing == "]", dimension, text.strip())


def overlapping_pairs(intervals: list[tuple[str, Interval]]) -> list[tuple[str, str]]:
    """Names of every pair of intervals that share a value (for the loader's check)."""
    return [
        (a, b)
        for i, (a, ia) in enumerate(intervals)
        for b, ib in intervals[i + 1:]
        if ia.overlaps(ib)
    ]
