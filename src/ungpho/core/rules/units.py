"""Physical quantities with units, as the law writes them ("50 mSv/h", "100 MW(th)").

A quantity is parsed into a :class:`Measure` holding its value in the dimension's SI unit.
Conversion goes through :class:`decimal.Decimal` so that the same amount written in two
units ("50 mSv/h", "50000 µSv/h") gives the same float and lands on the same side of a
legal boundary. Gray and sievert are distinct dimensions on purpose: TT 12/2023 Phụ lục I
writes absorbed dose rate (mGy/h), Phụ lục III dose rate (mSv/h), and we never convert
between them silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_MICRO = ("µ", "μ", "u")

# dimension → (SI unit, {unit: factor to SI})
DIMENSIONS: dict[str, tuple[str, dict[str, Decimal]]] = {
    "power": ("W", {"W": Decimal(1), "kW": Decimal("1e3"), "MW": Decimal("1e6"),
                    "GW": Decimal("1e9")}),
    "activity": ("Bq", {"Bq": Decimal(1), "kBq": Decimal("1e3"), "MBq": Decimal("1e6"),
                        "GBq": Decimal("1e9"), "TBq": Decimal("1e12"), "PBq": Decimal("1e15"),
                        "EBq": Decimal("1e18"), "µCi": Decimal("3.7e4"),
                        "mCi": Decimal("3.7e7"), "Ci": Decimal("3.7e10"),
                        "kCi": Decimal("3.7e13")}),
    "dose": ("Sv", {"Sv": Decimal(1), "mSv": Decimal("1e-3"), "µSv": Decimal("1e-6"),
                    "nSv": Decimal("1e-9")}),
    "absorbed_dose": ("Gy", {"Gy": Decimal(1), "mGy": Decimal("1e-3"),
                             "µGy": Decimal("1e-6"), "nGy": Decimal("1e-9")}),
    "dose_rate": ("Sv/h", {"Sv/h": Decimal(1), "mSv/h": Decimal("1e-3"),
                           "µSv/h": Decimal("1e-6"), "nSv/h": Decimal("1e-9")}),
    "absorbed_dose_rate": ("Gy/h", {"Gy/h": Decimal(1), "mGy/h": Decimal("1e-3"),
                                    "µGy/h": Decimal("1e-6"), "nGy/h": Decimal("1e-9")}),
    "length": ("m", {"m": Decimal(1), "km": Decimal("1e3"), "cm": Decimal("1e-2")}),
}

_UNIT_DIMENSION = {u: d for d, (_, units) in DIMENSIONS.items() for u in units}
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_QUANTITY = re.compile(rf"^\s*({_NUMBER})\s*([^\s\d].*?)?\s*$")


class UnitError(ValueError):
    """A quantity that cannot be read, or is in a unit of the wrong dimension."""


def unit_normalise(unit: str) -> str:
    """Spelling variants to the canonical unit: ``uSv/h`` / ``μSv/h`` → ``µSv/h``,
    ``MW(th)`` / ``MWth`` → ``MW`` (thermal power is the only power the rules use)."""
    text = unit.strip().replace(" ", "")
    for variant in ("(th)", "th"):
        if text.endswith(variant) and text[: -len(variant)] in DIMENSIONS["power"][1]:
            text = text[: -len(variant)]
    if text[:1] in _MICRO and text[1:2].isalpha():
        text = "µ" + text[1:]
    return text


def units_of(dimension: str) -> tuple[str, ...]:
    return tuple(DIMENSIONS[dimension][1])


@dataclass(frozen=True)
class Measure:
    """A quantity: ``si`` is the value in the dimension's SI unit; ``given`` the text read."""

    si: float
    dimension: str
    given: str

    @property
    def si_unit(self) -> str:
        return DIMENSIONS[self.dimension][0]

    def __str__(self) -> str:
        return self.given


def decimal_parse(text: str) -> Decimal:
    """A plain decimal number; a decimal comma is refused rather than misread."""
    if "," in text:
        raise UnitError(f"{text!r}: use a dot as the decimal separator")
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise UnitError(f"{text!r} is not a number") from error
    if not value.is_finite():
        raise UnitError(f"{text!r} is not a finite number")
    return value


def measure_parse(text: str, dimension: str | None = None) -> Measure:
    """Read ``"<number> <unit>"``; check the unit belongs to ``dimension`` when given.

    >>> measure_parse("50 mSv/h", "dose_rate").si
    0.05
    """
    if isinstance(text, str) and re.match(r"^\s*[+-]?\d+,\d", text):
        raise UnitError(f"{text!r}: use a dot as the decimal separator")
    match = _QUANTITY.match(text) if isinstance(text, str) else None
    if not match:
        raise UnitError(f"{text!r} is not '<number> <unit>', e.g. '50 mSv/h'")
    number, unit = match.group(1), match.group(2)
    if not unit:
        expected = f" in {', '.join(units_of(dimension))}" if dimension else ""
        raise UnitError(f"{text!r} has no unit; give one{expected}")
    unit = unit_normalise(unit)
    found = _UNIT_DIMENSION.get(unit)
    if found is None:
        raise UnitError(f"unknown unit {unit!r} in {text!r}")
    if dimension is not None and found != dimension:
        raise UnitError(
            f"{text!r} is a {found.replace('_', ' ')}; expected a {dimension.replace('_', ' ')}"
            f" in {', '.join(units_of(dimension))}")
    value = decimal_parse(number) * DIMENSIONS[found][1][unit]
    return Measure(si=float(value), dimension=found, given=f"{number} {unit}")
