"""Parameter catalogue of automatic continuous monitoring, read from ``data/parameters.yaml``.

The file's header gives its sources (TT 10/2021/TT-BTNMT, Phụ lục 15, Bảng 34 symbols and
units; QCVN 05:2023/BTNMT for ambient units) and its own readings; the decisive one here is
that ``code`` is unique and that a symbol as a station writes it, together with the station
type, resolves to at most one entry (the bare symbol for air and water, ``<symbol>_stack``
for stacks, the file symbol kept as an alias). :func:`catalogue_load` enforces that, and
every field, with errors naming the file line, the entry and the field.

Unit spellings and conversions live in :mod:`ungpho.core.monitoring.units` and are
re-exported here (:func:`unit_normalise`, :func:`unit_factor`).

Readings:
- Symbols match exactly, case included (``Co`` is cobalt, not CO), after no normalisation:
  the station file separates columns by whitespace, so a symbol has none.
- A unit in the file must already be in canonical spelling (``unit_normalise(unit) ==
  unit``), so the catalogue itself never depends on lenient parsing.
- range_min/range_max may be null (no physical bound known); when both are given,
  range_min < range_max.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ungpho.core.monitoring.units import unit_factor, unit_normalise
from ungpho.core.yaml_strict import where, yaml_read

__all__ = [
    "PARAMETERS_PATH", "STATION_TYPES", "STATION_TYPE_NAMES", "Catalogue", "ParameterSpec",
    "catalogue", "catalogue_load", "station_type_name", "unit_factor", "unit_normalise",
]

PARAMETERS_PATH = Path(__file__).parent / "data" / "parameters.yaml"

#: Station types of the network, in display order.
STATION_TYPES = ("ambient_air", "surface_water", "groundwater", "wastewater",
                 "stack_emission", "radiation")
#: (name_vi, name_en) of each station type (TT 10/2021/TT-BTNMT terms for the first five).
STATION_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "ambient_air": ("Không khí xung quanh", "Ambient air"),
    "surface_water": ("Nước mặt", "Surface water"),
    "groundwater": ("Nước dưới đất", "Groundwater"),
    "wastewater": ("Nước thải", "Wastewater"),
    "stack_emission": ("Khí thải công nghiệp (ống khói)", "Stack emission"),
    "radiation": ("Phóng xạ môi trường", "Environmental radiation"),
}

_FIELDS = ("code", "name_vi", "name_en", "unit", "range_min", "range_max", "station_types",
           "aliases", "citation")
_REQUIRED = ("code", "name_vi", "name_en", "unit", "station_types", "citation")


def station_type_name(code: str) -> tuple[str, str]:
    """``(name_vi, name_en)`` of a station type; ValueError naming an unknown code."""
    try:
        return STATION_TYPE_NAMES[code]
    except KeyError:
        raise ValueError(f"station_type {code!r}: unknown (known: "
                         f"{', '.join(STATION_TYPES)})") from None


@dataclass(frozen=True)
class ParameterSpec:
    """One entry of ``data/parameters.yaml`` (TT 10/2021/TT-BTNMT Phụ lục 15, Bảng 34)."""

    code: str
    name_vi: str
    name_en: str
    unit: str
    range_min: float | None
    range_max: float | None
    station_types: tuple[str, ...]
    aliases: tuple[str, ...]
    citation: str


@dataclass(frozen=True, eq=False)
class Catalogue:
    """All parameters by code, and the (symbol, station type) index of :meth:`find`."""

    parameters: dict[str, ParameterSpec]
    _index: dict[tuple[str, str], ParameterSpec] = field(repr=False)

    def find(self, symbol: str, station_type: str) -> ParameterSpec | None:
        """The entry whose code or alias is ``symbol`` and whose station types include
        ``station_type`` (at most one, by the rule of the parameters.yaml header); None when
        there is none. ValueError for an unknown station type."""
        found = self._index.get((symbol, station_type))
        if found is None:
            station_type_name(station_type)  # raises for an unknown station type
        return found


def _text(value: Any, problem: list[str], name: str, *, symbol: bool = False) -> str | None:
    if isinstance(value, bool):
        problem.append(f"field {name}: got the boolean {value}; YAML reads unquoted yes/no/"
                       "on/off (e.g. NO) as booleans, quote it")
    elif not isinstance(value, str) or not value.strip():
        problem.append(f"field {name}: must be a non-empty string, got {value!r}")
    elif symbol and (value != value.strip() or any(c.isspace() for c in value)):
        problem.append(f"field {name}: a symbol has no whitespace, got {value!r}")
    else:
        return value
    return None


def _bound(value: Any, problem: list[str], name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problem.append(f"field {name}: must be a finite number or null, got {value!r}")
        return None
    return float(value)


def _entry(raw: Any, problems: list[str], label: str) -> ParameterSpec | None:
    if not isinstance(raw, dict):
        problems.append(f"{label}: must be a mapping, got {raw!r}")
        return None
    problem: list[str] = []
    for key in raw:
        if key not in _FIELDS:
            problem.append(f"field {key}: unknown (fields: {', '.join(_FIELDS)})")
    for key in _REQUIRED:
        if key not in raw:
            problem.append(f"field {key}: missing")
    code = _text(raw.get("code"), problem, "code", symbol=True) if "code" in raw else None
    names = {key: _text(raw.get(key), problem, key) for key in ("name_vi", "name_en",
                                                                   "citation") if key in raw}
    unit = None
    if "unit" in raw and _text(raw["unit"], problem, "unit") is not None:
        try:
            canonical = unit_normalise(raw["unit"])
        except ValueError as error:
            problem.append(f"field unit: {error}")
        else:
            if canonical != raw["unit"]:
                problem.append(f"field unit: write {canonical!r}, not {raw['unit']!r}")
            unit = canonical
    low = _bound(raw.get("range_min"), problem, "range_min")
    high = _bound(raw.get("range_max"), problem, "range_max")
    if low is not None and high is not None and not low < high:
        problem.append(f"field range_min: {low:g} must be below range_max {high:g}")
    types = raw.get("station_types")
    if "station_types" in raw:
        if not isinstance(types, list) or not types:
            problem.append(f"field station_types: must be a non-empty list, got {types!r}")
        else:
            for item in types:
                if item not in STATION_TYPE_NAMES:
                    problem.append(f"field station_types: {item!r} unknown (known: "
                                   f"{', '.join(STATION_TYPES)})")
            if len(set(map(str, types))) != len(types):
                problem.append("field station_types: listed twice")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list):
        problem.append(f"field aliases: must be a list, got {aliases!r}")
        aliases = []
    for alias in aliases:
        if _text(alias, problem, "aliases", symbol=True) is not None and alias == code:
            problem.append(f"field aliases: {alias!r} repeats the code")
    if len(set(map(str, aliases))) != len(aliases):
        problem.append("field aliases: an alias is listed twice")
    name = code if code is not None else f"#{label}"
    problems.extend(f"{label}: entry {name!r}: {p}" for p in problem)
    if problem or code is None or unit is None:
        return None
    return ParameterSpec(code=code, name_vi=names["name_vi"] or "",
                         name_en=names["name_en"] or "", unit=unit, range_min=low,
                         range_max=high, station_types=tuple(types or ()), aliases=tuple(aliases),
                         citation=names["citation"] or "")


def catalogue_load(path: Path = PARAMETERS_PATH) -> Catalogue:
    """Read and validate a parameter file of the ``data/parameters.yaml`` shape.

    Raises ValueError listing every problem, each naming the line, the entry and the field,
    including a (symbol, station type) that would resolve to two entries (the rule of the
    parameters.yaml header).
    """
    data = yaml_read(path)
    if not isinstance(data, dict) or set(data) != {"parameters"} or not isinstance(
            data["parameters"], list):
        raise ValueError(f"{path.name}: must be a mapping with only a list 'parameters'")
    problems: list[str] = []
    parameters: dict[str, ParameterSpec] = {}
    index: dict[tuple[str, str], ParameterSpec] = {}
    lines: dict[str, str] = {}
    for raw in data["parameters"]:
        label = where(path, raw)
        spec = _entry(raw, problems, label)
        if spec is None:
            continue
        if spec.code in parameters:
            problems.append(f"{label}: entry {spec.code!r}: field code: already used at "
                            f"{lines[spec.code]}")
            continue
        parameters[spec.code] = spec
        lines[spec.code] = label
        for symbol in (spec.code, *spec.aliases):
            for station_type in spec.station_types:
                other = index.setdefault((symbol, station_type), spec)
                if other is not spec:
                    kind = "code" if symbol == spec.code else "aliases"
                    problems.append(
                        f"{label}: entry {spec.code!r}: field {kind}: symbol {symbol!r} at "
                        f"station type {station_type!r} already names {other.code!r} "
                        f"({lines[other.code]})")
    if problems:
        raise ValueError(f"{path.name}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return Catalogue(parameters=parameters, _index=index)


@cache
def catalogue() -> Catalogue:
    """The validated catalogue of ``data/parameters.yaml``, loaded once."""
    return catalogue_load()
