"""Radioactive decay of a source: the activity of a nuclide at another date.

The decay law for a single nuclide without ingrowth:

    A(t) = A₀ · 2^(−t/T½) = A₀ · exp(−ln 2 · t / T½)

with A₀ the activity at the reference date, t the time elapsed since it and T½ the
half-life. Progeny are not added: a D-value nuclide written with its progeny (Sr-90 (Y-90),
Ru-106 (Rh-106)) decays, in secular equilibrium, with the parent's half-life, which is what
is returned here.

Half-lives are package data, ``data/half_lives.yaml``, taken from LNE-LNHB / DDEP
"Recommended Data" (http://www.lnhb.fr/nuclear-data/nuclear-data-table/, published as
Monographie BIPM-5, "Table of Radionuclides") and, where marked, from NNDC NuDat 3; the
file's header says which values were read back from a source and which were not. The year
``a`` is the Julian year, 365.25 d. An ``X/Be`` neutron source decays with the half-life of
its alpha emitter X.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from importlib.resources import files
from typing import Any

from ungpho.core.science.nuclides import nuclide_normalise
from ungpho.core.yaml_strict import yaml_strict

DATA_PACKAGE = "ungpho.core.science"
DATA_FILE = ("data", "half_lives.yaml")

#: Seconds per unit allowed in ``half_lives.yaml``; ``a`` is the Julian year (365.25 d).
UNIT_S: Mapping[str, float] = {
    "s": 1.0,
    "min": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "a": 365.25 * 86400.0,
}
SOURCES = frozenset({"DDEP", "NNDC"})

_CANONICAL = re.compile(r"[A-Z][a-z]?-[1-9][0-9]{0,2}m?(/Be)?")
_HALF_LIFE = re.compile(r"\s*(\S+)\s+(\S+)\s*")


class UnknownNuclide(ValueError):
    """A nuclide name that is not in the half-life table (after normalisation)."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        super().__init__(
            f"unknown nuclide {name!r}; known nuclides: {', '.join(sorted(known))}"
        )


class HalfLifeDataError(ValueError):
    """``half_lives.yaml`` is malformed; the message names the entry at fault."""


def _parse_half_life_s(nuclide: str, text: Any) -> float:
    if not isinstance(text, str) or not (match := _HALF_LIFE.fullmatch(text)):
        raise HalfLifeDataError(
            f"{nuclide}: half_life must be '<value> <unit>', got {text!r}"
        )
    value_text, unit = match.groups()
    if unit not in UNIT_S:
        raise HalfLifeDataError(
            f"{nuclide}: unknown unit {unit!r} in {text!r} (allowed: {', '.join(UNIT_S)})"
        )
    try:
        value = float(value_text)
    except ValueError:
        raise HalfLifeDataError(f"{nuclide}: {value_text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise HalfLifeDataError(f"{nuclide}: half-life must be positive, got {text!r}")
    return value * UNIT_S[unit]


def _table_from_document(document: Any) -> dict[str, float]:
    """Validate the parsed YAML document and return {canonical nuclide: T½ in s}."""
    if not isinstance(document, Mapping) or not isinstance(document.get("values"), list):
        raise HalfLifeDataError("half_lives.yaml: expected a mapping with a 'values' list")
    direct: dict[str, float] = {}
    aliases: dict[str, str] = {}
    for entry in document["values"]:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("nuclide"), str):
            raise HalfLifeDataError(f"half_lives.yaml: entry without a nuclide: {entry!r}")
        nuclide = entry["nuclide"]
        if not _CANONICAL.fullmatch(nuclide):
            raise HalfLifeDataError(f"{nuclide}: not a canonical name like 'Cs-137'")
        if nuclide in direct or nuclide in aliases:
            raise HalfLifeDataError(f"{nuclide}: listed twice")
        if entry.get("source") not in SOURCES:
            raise HalfLifeDataError(
                f"{nuclide}: source must be one of {sorted(SOURCES)}, got {entry.get('source')!r}"
            )
        has_value, has_same = "half_life" in entry, "same_as" in entry
        if has_value == has_same:
            raise HalfLifeDataError(f"{nuclide}: give exactly one of half_life and same_as")
        if has_value:
            direct[nuclide] = _parse_half_life_s(nuclide, entry["half_life"])
        else:
            aliases[nuclide] = entry["same_as"]
    table = dict(direct)
    for nuclide, target in aliases.items():
        if target not in direct:
            raise HalfLifeDataError(
                f"{nuclide}: same_as {target!r} is not an entry with its own half_life"
            )
        table[nuclide] = direct[target]
    return table


@lru_cache(maxsize=1)
def _tables() -> dict[str, float]:
    resource = files(DATA_PACKAGE)
    for part in DATA_FILE:
        resource = resource.joinpath(part)
    return _table_from_document(yaml_strict(resource.read_text(encoding="utf-8")))


def known_nuclides() -> tuple[str, ...]:
    """The canonical names of the table, sorted."""
    return tuple(sorted(_tables()))


def nuclide_canonical(name: str) -> str:
    """The canonical name ("Cs-137", "Tc-99m", "Am-241/Be") of a nuclide.

    Accepts the canonical name itself and, ignoring case, spaces, hyphens and underscores,
    the forms "Cs137", "cs-137", "137Cs", "99mTc", "Am241/Be", "241Am/Be". Raises
    ``UnknownNuclide`` if the nuclide is not in the table.
    """
    table = _tables()
    try:
        canonical = nuclide_normalise(name)
    except ValueError:
        canonical = None
    if canonical not in table:
        raise UnknownNuclide(str(name), tuple(table))
    return canonical


def half_life_s(nuclide: str) -> float:
    """T½ of ``nuclide`` in seconds (DDEP / NuDat value of ``half_lives.yaml``; a = 365.25 d).

    ``nuclide`` is normalised by ``nuclide_canonical``; ``UnknownNuclide`` if not known.
    """
    return _tables()[nuclide_canonical(nuclide)]


def decay_factor(elapsed_s: float, half_life_s: float) -> float:
    """A(t)/A₀ = 2^(−t/T½) = exp(−ln 2 · t / T½), for t = ``elapsed_s`` and T½ in seconds.

    A negative ``elapsed_s`` is a back-calculation: the factor is then > 1 and gives the
    activity *before* the reference date (A₀ = A(t) / factor). ``half_life_s`` must be finite
    and > 0 and ``elapsed_s`` finite, else ValueError. A back-calculation over more than
    about a thousand half-lives overflows (OverflowError).
    """
    if not math.isfinite(half_life_s) or half_life_s <= 0:
        raise ValueError(f"half_life_s must be finite and > 0, got {half_life_s!r}")
    if not math.isfinite(elapsed_s):
        raise ValueError(f"elapsed_s must be finite, got {elapsed_s!r}")
    return math.exp(-math.log(2) * elapsed_s / half_life_s)


def _require_aware(field: str, value: Any) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{field} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} must be a timezone-aware datetime, got naive {value!r}")


def activity_at_bq(*, activity_bq: float, reference: datetime, at: datetime, nuclide: str) -> float:
    """The activity in Bq at ``at`` of a source of ``activity_bq`` Bq at ``reference``.

    A(at) = A(reference) · 2^(−(at − reference)/T½), T½ from ``half_life_s(nuclide)``
    (LNHB/DDEP Recommended Data, see the module docstring). ``at`` before ``reference`` is a
    back-calculation. Both datetimes must be timezone-aware and ``activity_bq`` finite and
    ≥ 0, else ValueError naming the field; ``UnknownNuclide`` for an unknown nuclide.
    """
    if (
        isinstance(activity_bq, bool)
        or not isinstance(activity_bq, numbers.Real)
        or not math.isfinite(activity_bq)
        or activity_bq < 0
    ):
        raise ValueError(f"activity_bq must be a finite number >= 0, got {activity_bq!r}")
    _require_aware("reference", reference)
    _require_aware("at", at)
    elapsed_s = (at - reference).total_seconds()
    return activity_bq * decay_factor(elapsed_s, half_life_s(nuclide))
