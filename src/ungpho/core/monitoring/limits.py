"""Thresholds and warnings: QCVN 05:2023/BTNMT national limits, radiation levels, operator
alarm levels, and the confirmation that keeps one flagged value from opening an incident.

Sources:
- National ambient limits: QCVN 05:2023/BTNMT (TT 01/2023/TT-BTNMT), Bảng 1 (mục 2.1) and
  Bảng 2 (mục 2.2), as transcribed with its sources and readings in
  ``data/qcvn05_2023.yaml``. A value exceeds when strictly above: the limits are maxima
  ("giá trị giới hạn tối đa", "không vượt quá", Bảng 1), so a value equal to one complies.
- Radiation level 3 = 100 µSv/h: TT 12/2023 (see REGULATIONS.md), Phụ lục VIII, mục IV —
  the inner cordon is extended wherever the ambient dose rate is ≥ 100 µSv/h.
- Level 2 floor 1 µSv/h: the automatic alarm threshold of the Swiss NADAM network, 1000
  nSv/h, where normal daily means are 80–260 nSv/h (https://www.naz.ch/en/themen/
  messnetze.html ; http://news.radenviro.ch/2015/09/16/nadam-cenal/?lang=en).
- Level 2 factor 10: after Chernobyl the Austrian early-warning stations recorded about ten
  times their normal dose rate (https://www.bmluk.gv.at/en/topics/climate-environment/
  radiation-protection/radiation-early-warning-system.html).
- Level 1 factor 2 and the per-site background: networks set dose-rate thresholds per site
  from its own background (German network: "a dose rate threshold, which is computed for
  each site individually", http://wiki.intamap.org/index.php/V._Description_of_early_
  warning_procedures_in_the_German_gamma_dose_rate_network), monitors offer "a multiple of
  background" alarms (Tracerco NORM monitor manual, §4.8.1), and natural dose rates vary
  between sites from about 0.05 to 0.2 µSv/h (BfS, http://odlinfo.bfs.de/
  interpretation.php?lang=EN). EURDEP itself has no alerting function
  (https://remap.jrc.ec.europa.eu/Consent/GammaDoseRates.aspx).

Readings (where the texts are silent):
- Radiation levels, defaults ours: level 1 = 2 × background (no network text found says
  2× exactly: it is a doubling no site's normal variation reaches for long, far below a
  fixed alarm such as NADAM's); level 2 = max(10 × background, 1 µSv/h); level 3 =
  100 µSv/h. Radiation levels compare with ≥ (``alarm_level(..., at_or_above=True)``)
  because the one legal value is written "≥ 100 µSv/h"; all other levels are strictly
  above.
- Background: the median of the valid (non-disqualified) readings of the last 24 h, which
  the caller selects; the median ignores a rain wash-out of radon progeny lasting less
  than half the window. The caller should keep the background of before an episode while
  a confirmed exceedance lasts, or a long plume would raise its own levels.
- National limits before 12/09/2023 (QCVN 05:2013 was in force) are not loaded: the table
  is empty for such a date. ``on`` is the local (Vietnam) calendar date; a datetime is
  refused so that no UTC date slips in.
- Confirmation: a level is confirmed after ``confirm_count`` (default 2) consecutive valid
  readings at or above it, and reported once when it is higher than the level already
  confirmed. A disqualified reading neither confirms nor resets; a valid reading below
  level 1 resets runs and confirmed level (the episode is over; a new rise is reported
  again). Lower readings that stay at level ≥ 1 do not lower the confirmed level: closing
  or downgrading an incident is a human decision.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from ungpho.core.monitoring.catalogue import Catalogue, catalogue
from ungpho.core.monitoring.qc import DISQUALIFYING
from ungpho.core.monitoring.units import unit_normalise
from ungpho.core.yaml_strict import where, yaml_read

QCVN05_PATH = Path(__file__).parent / "data" / "qcvn05_2023.yaml"
AVERAGINGS = ("1h", "8h", "24h", "year")
#: (name_vi, name_en) of alarm levels 0..3.
LEVEL_NAMES: dict[int, tuple[str, str]] = {
    0: ("Bình thường", "Normal"),
    1: ("Mức 1 — chú ý", "Level 1 — attention"),
    2: ("Mức 2 — cảnh báo", "Level 2 — warning"),
    3: ("Mức 3 — khẩn cấp", "Level 3 — emergency"),
}

_HEAD = {"instrument", "issued_with", "issued", "effective", "replaces", "unit",
         "reference_conditions", "limits"}
_ROW = ("parameter", "averaging", "limit", "table", "article", "note", "in_force_from")


@dataclass(frozen=True)
class NationalLimit:
    """One row of ``data/qcvn05_2023.yaml``: a maximum mean over ``averaging``, µg/Nm³."""

    parameter: str
    averaging: str
    limit_ug_m3: float
    in_force_from: date
    table: str
    article: str
    note: str | None
    citation: str


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(
        value)


def _row(raw: Any, label: str, head: Mapping[str, Any], params: Catalogue,
         problems: list[str]) -> NationalLimit | None:
    if not isinstance(raw, dict):
        problems.append(f"{label}: row must be a mapping, got {raw!r}")
        return None
    name = f"{raw.get('parameter')}/{raw.get('averaging')}"
    problem: list[str] = [f"field {key}: unknown (fields: {', '.join(_ROW)})"
                          for key in raw if key not in _ROW]
    problem += [f"field {key}: missing" for key in _ROW[:5] if key not in raw]
    code: Any = raw.get("parameter")
    spec = params.find(code, "ambient_air") if isinstance(code, str) else None
    if "parameter" in raw and (spec is None or spec.code != code):
        problem.append(f"field parameter: {code!r} is not an ambient_air code of "
                       "parameters.yaml")
    elif spec is not None and spec.unit != head["unit"]:
        problem.append(f"field parameter: {code} is in {spec.unit} in parameters.yaml, the "
                       f"limits in {head['unit']}")
    if "averaging" in raw and raw["averaging"] not in AVERAGINGS:
        problem.append(f"field averaging: {raw['averaging']!r} is not one of "
                       f"{', '.join(AVERAGINGS)}")
    limit: Any = raw.get("limit")
    if "limit" in raw and not (_is_number(limit) and limit > 0):
        problem.append(f"field limit: must be a positive number, got {limit!r}")
    for key in ("table", "article", "note"):
        value = raw.get(key)
        if key in raw and not (isinstance(value, str) and value.strip()):
            problem.append(f"field {key}: must be a non-empty string, got {value!r}")
    start = raw.get("in_force_from", head["effective"])
    if isinstance(start, datetime) or not isinstance(start, date):
        problem.append(f"field in_force_from: must be a date YYYY-MM-DD, got {start!r}")
    elif start < head["effective"]:
        problem.append(f"field in_force_from: {start} is before the instrument's effective "
                       f"date {head['effective']}")
    problems.extend(f"{label}: row {name}: {p}" for p in problem)
    if problem:
        return None
    return NationalLimit(
        parameter=code, averaging=raw["averaging"], limit_ug_m3=float(limit),
        in_force_from=start, table=raw["table"], article=raw["article"],
        note=raw.get("note"),
        citation=f"{head['instrument']}, {raw['table']}, {raw['article']}")


def national_limits_load(path: Path = QCVN05_PATH,
                         params: Catalogue | None = None) -> tuple[NationalLimit, ...]:
    """Read and validate a limits file of the ``data/qcvn05_2023.yaml`` shape (QCVN
    05:2023/BTNMT Bảng 1–2); rows sorted by in_force_from. Raises ValueError listing every
    problem, each naming the line, the row and the field."""
    params = params or catalogue()
    data = yaml_read(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: must be a mapping")
    problems = [f"{path.name}: field {key}: unknown" for key in data if key not in _HEAD]
    problems += [f"{path.name}: field {key}: missing" for key in
                 ("instrument", "effective", "unit", "limits") if key not in data]
    if problems:
        raise ValueError("\n".join(problems))
    if not isinstance(data["instrument"], str) or not data["instrument"].strip():
        problems.append(f"{path.name}: field instrument: must be a non-empty string")
    if isinstance(data["effective"], datetime) or not isinstance(data["effective"], date):
        problems.append(f"{path.name}: field effective: must be a date YYYY-MM-DD")
    try:
        data["unit"] = unit_normalise(data["unit"])
    except ValueError as error:
        problems.append(f"{path.name}: field unit: {error}")
    if not isinstance(data["limits"], list):
        problems.append(f"{path.name}: field limits: must be a list")
    if problems:
        raise ValueError("\n".join(problems))
    rows: list[NationalLimit] = []
    seen: dict[tuple[str, str, date], str] = {}
    for raw in data["limits"]:
        label = where(path, raw)
        row = _row(raw, label, data, params, problems)
        if row is None:
            continue
        key = (row.parameter, row.averaging, row.in_force_from)
        if key in seen:
            problems.append(f"{label}: row {row.parameter}/{row.averaging}: field "
                            f"in_force_from: {row.in_force_from} already given at {seen[key]}")
        seen[key] = label
        rows.append(row)
    if problems:
        raise ValueError(f"{path.name}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return tuple(sorted(rows, key=lambda r: r.in_force_from))


@cache
def _national_rows() -> tuple[NationalLimit, ...]:
    return national_limits_load()


def national_limits(on: date) -> dict[tuple[str, str], NationalLimit]:
    """QCVN 05:2023/BTNMT limits in force on the local date ``on``, keyed (parameter code,
    averaging); a later row supersedes an earlier one from its in_force_from (PM2.5 24 h:
    50 → 45 µg/Nm³ on 2026-01-01, ghi chú (*) of Bảng 1)."""
    if isinstance(on, datetime) or not isinstance(on, date):
        raise ValueError(f"on: must be a date (the local calendar day), got {on!r}")
    limits: dict[tuple[str, str], NationalLimit] = {}
    for row in _national_rows():
        if row.in_force_from <= on:
            limits[(row.parameter, row.averaging)] = row
    return limits


def mean_exceeds(limit: NationalLimit, mean_value: float) -> bool:
    """Whether a mean over ``limit.averaging`` (in µg/Nm³) exceeds the limit: strictly above,
    QCVN 05:2023/BTNMT Bảng 1 ("giá trị giới hạn tối đa": equal complies)."""
    if not _is_number(mean_value):
        raise ValueError(f"mean_value: must be a finite number, got {mean_value!r}")
    return mean_value > limit.limit_ug_m3


@dataclass(frozen=True, slots=True)
class RadiationConfig:
    """Radiation level rules (defaults and reasons in the module docstring)."""

    level1_factor: float = 2.0
    level2_factor: float = 10.0
    level2_min_usv_h: float = 1.0
    level3_usv_h: float = 100.0

    def __post_init__(self) -> None:
        if not 1 < self.level1_factor < self.level2_factor < math.inf:
            raise ValueError(f"level1_factor, level2_factor: need 1 < {self.level1_factor} < "
                             f"{self.level2_factor}")
        if not 0 < self.level2_min_usv_h < self.level3_usv_h < math.inf:
            raise ValueError(f"level2_min_usv_h, level3_usv_h: need 0 < "
                             f"{self.level2_min_usv_h} < {self.level3_usv_h}")


DEFAULT_RADIATION = RadiationConfig()


def background_usv_h(valid_values: Iterable[float]) -> float:
    """The station's background ambient dose rate [µSv/h]: the median of the valid readings
    of the last 24 h, selected by the caller (module docstring)."""
    values = list(valid_values)
    if not values:
        raise ValueError("valid_values: no valid reading to estimate the background from")
    if not all(_is_number(v) for v in values):
        raise ValueError("valid_values: every value must be a finite number")
    median = statistics.median(values)
    if median <= 0:
        raise ValueError(f"valid_values: median {median:g} µSv/h is not a background")
    return float(median)


def radiation_levels(*, background_usv_h: float,
                     config: RadiationConfig = DEFAULT_RADIATION) -> tuple[float, float, float]:
    """Dose-rate levels 1–3 [µSv/h] of a station with this background: (f1 × bg,
    max(f2 × bg, 1 µSv/h), 100 µSv/h — TT 12/2023 Phụ lục VIII.IV). Compare with
    ``alarm_level(..., at_or_above=True)``."""
    if not (_is_number(background_usv_h) and background_usv_h > 0):
        raise ValueError(f"background_usv_h: must be a positive number, got "
                         f"{background_usv_h!r}")
    level1 = config.level1_factor * background_usv_h
    level2 = max(config.level2_factor * background_usv_h, config.level2_min_usv_h)
    if level2 >= config.level3_usv_h:
        raise ValueError(f"background_usv_h: {background_usv_h:g} µSv/h puts level 2 at or "
                         f"above level 3 ({config.level3_usv_h:g} µSv/h); not a background")
    return level1, level2, config.level3_usv_h


def alarm_level(value: float, levels: Sequence[float | None], *,
                at_or_above: bool = False) -> int:
    """The highest level 1..3 that ``value`` exceeds (strictly above, as QCVN 05:2023/BTNMT
    maxima are read; ≥ with ``at_or_above``), 0 for none. ``levels`` has up to 3 entries,
    None for a level not set; the set ones must increase. ValueError names the bad level."""
    if len(levels) > 3:
        raise ValueError(f"levels: at most 3, got {len(levels)}")
    below = -math.inf
    for number, limit in enumerate(levels, 1):
        if limit is None:
            continue
        if not _is_number(limit):
            raise ValueError(f"levels: level {number} must be a finite number, got {limit!r}")
        if limit <= below:
            raise ValueError(f"levels: level {number} ({limit:g}) must be above the level "
                             f"before it ({below:g})")
        below = limit
    if value != value:
        raise ValueError("value: NaN has no alarm level")
    level = 0
    for number, limit in enumerate(levels, 1):
        if limit is not None and (value >= limit if at_or_above else value > limit):
            level = number
    return level


@dataclass(slots=True)
class ExceedanceState:
    """Per (station, parameter) confirmation memory: ``runs[i]`` consecutive valid readings
    at level ≥ i + 1, and the level last confirmed (stored as JSON between batches)."""

    runs: list[int] = field(default_factory=lambda: [0, 0, 0])
    level: int = 0

    @classmethod
    def empty(cls) -> ExceedanceState:
        """No run, nothing confirmed."""
        return cls()

    def to_json(self) -> dict[str, Any]:
        return {"runs": list(self.runs), "level": self.level}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ExceedanceState:
        """The state stored by :meth:`to_json`; None or {} is a fresh state."""
        data = data or {}
        unknown = set(data) - {"runs", "level"}
        if unknown:
            raise ValueError(f"exceedance state: unknown field(s) {sorted(unknown)}")
        runs = data.get("runs", [0, 0, 0])
        if not (isinstance(runs, list) and len(runs) == 3 and all(
                isinstance(r, int) and not isinstance(r, bool) and r >= 0 for r in runs)):
            raise ValueError(f"exceedance state: field runs: not 3 counts: {runs!r}")
        level = data.get("level", 0)
        if level not in (0, 1, 2, 3) or isinstance(level, bool):
            raise ValueError(f"exceedance state: field level: not 0..3: {level!r}")
        return cls(runs=list(runs), level=level)


def exceedance_step(*, level_now: int, flags: int, state: ExceedanceState,
                    confirm_count: int = 2) -> int | None:
    """Feed one reading (its :func:`alarm_level` and QC flags) in time order; returns the
    newly confirmed level, or None. Rules in the module docstring (a single flagged value
    never opens an incident)."""
    if level_now not in (0, 1, 2, 3) or isinstance(level_now, bool):
        raise ValueError(f"level_now: must be 0..3, got {level_now!r}")
    if confirm_count < 1:
        raise ValueError(f"confirm_count: must be ≥ 1, got {confirm_count}")
    if flags & DISQUALIFYING:
        return None
    runs = state.runs
    if level_now == 0:
        runs[:] = [0, 0, 0]
        state.level = 0
        return None
    for index in range(3):
        runs[index] = runs[index] + 1 if level_now > index else 0
    for level in (3, 2, 1):
        if runs[level - 1] >= confirm_count:
            if level > state.level:
                state.level = level
                return level
            return None
    return None
