"""Vietnamese water quality index VN_WQI for surface water: Quyết định 1460/QĐ-TCMT
(12/11/2019, Tổng cục Môi trường), "Hướng dẫn kỹ thuật tính toán và công bố chỉ số chất lượng
nước Việt Nam (VN_WQI)"; it replaced Quyết định 879/QĐ-TCMT (01/07/2011).

Sources (the decision's own text was NOT readable in the stored copies: the luatvietnam.vn page
is behind a login and the PDF kept in tranxuanthuy/vnwqi_calculator, docs/Quyết định-1460-
QĐ-TCMT.pdf, is stored as binary only):
- the five parameter groups: https://www.thiennhien.net/2019/11/25/tong-cuc-moi-truong-huong-dan-
  tinh-toan-va-cong-bo-chi-so-chat-luong-nuoc/ ; the scale's top row (91–100 Rất tốt, 51;51;255)
  and the replacement of QĐ 879: tapchimoitruong.vn, "Những điểm mới trong Hướng dẫn tính toán
  chỉ số chất lượng nước (VN-WQI)";
- scale names and ranges: bulletins of the Trung tâm Quan trắc môi trường và Bệnh thủy sản Nam
  Bộ applying QĐ 1460 (vienthuysan2.org.vn, 2021 and 2022); colours and suitable uses as
  transcribed in tranxuanthuy/vnwqi (backend/app/features/vnwqi_calculation/utils/levels.py,
  "Table 7 in vn-wqi calculation guide"); English names after Sustainable Environment Research
  (2022) 32:44, doi 10.1186/s42834-022-00133-y, Table 2;
- breakpoint tables (groups I to V): the transcription in tranxuanthuy/vnwqi_calculator
  (utils/tables.py, units/wqi_si.py, and a stored tables file headed "Table 1 / Table 2 in
  vn-wqi calculation guide", index id 41289603413); pH, pesticide and metal rows agree with a
  second public implementation (a "DSS1" app, index id 43452911076). Our tables reproduce the
  first one's published sample output to 1e-9 (tests);
- the DO saturation polynomial and the minimum-data rule: as implemented there
  ("Cần ít nhất 3 nhóm thông số", "Nhóm IV cần có ít nhất 3 thông số").
Table numbers are not cited: the copies read number the tables differently.

Readings (where the copies are silent, disagree, or could not be checked against the text):
- Aggregate (the guidance's formula with the cube root): WQI = (WQI_I/100)·(WQI_II/100)·
  (WQI_III/100)·[(1/k·Σ WQI_IV)²·(1/l·Σ WQI_V)]^(1/3). The tranxuanthuy implementation
  calls this form "có trọng số" and defaults to √(WQI_IV·WQI_V); we follow the squared-IV form.
- Without group V: WQI = (WQI_I/100)·(WQI_II/100)·(WQI_III/100)·(1/k·Σ WQI_IV), as there.
  A missing group I, II or III is left out of the product (factor 1).
- WQI_II and WQI_III are the geometric means of their parameters' sub-indices (the later of the
  two public versions; an earlier one used the arithmetic mean for group III). WQI_I is the pH
  sub-index.
- Minimum data: at least 3 of the 5 groups, and group IV with at least 3 parameters; otherwise
  no WQI (None) and the reason, with the sub-indices still returned. DO counts only with a
  water temperature.
- Steps: where a table repeats a breakpoint (N-NH4 0.3|0.3, Cd, Pb, Hg, N-NO3 15|15, As,
  Coliform, E.coli, N-NO2, pesticides) or where pH/DO leave the table, a value exactly on the
  step gets the better index (≤ BP_1 is 100, as the guidance's "≤" columns; exactly 15 mg/L
  N-NO3 is 25, above it 10). The tranxuanthuy code gives 75 at exactly N-NH4 0.3 (and Cd 0.005,
  Pb 0.02); we give 100. pH < 5.5 or > 9 and DO < 20 % or > 200 % give 10.
- Sub-indices are exact (decimal inputs read by their shortest repr) and not rounded; only the
  WQI is rounded, half up ("làm tròn thành số nguyên"), computed with 40 significant digits.
- Temperature for DO: 0–50 °C (ours; the polynomial falls monotonically there). Units: group II
  µg/L; groups III and IV mg/L (N-NH4, N-NO3, N-NO2 as N, P-PO4 as P); group V MPN/100 mL.
- No worked example of the guidance was found in the copies read; the tests use hand-computed
  cases and the public implementation's sample rows.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from itertools import pairwise
from typing import Any

#: The five groups (nhóm I–V) and their parameter codes, in the guidance's order. Codes follow
#: core/monitoring/data/parameters.yaml; "Pb_water" and "NO2_water" because "Pb" and "NO2" are
#: the ambient-air codes there; "Cr6" is Cr6+, "Heptachlor" the sum Heptachlor &
#: Heptachlorepoxide, "Ecoli" E.coli.
GROUPS: dict[str, tuple[str, ...]] = {
    "I": ("pH",),
    "II": ("Aldrin", "BHC", "Dieldrin", "DDTs", "Heptachlor"),
    "III": ("As", "Cd", "Pb_water", "Cr6", "Cu", "Zn", "Hg"),
    "IV": ("DO", "BOD5", "COD", "TOC", "NH4", "NO3", "NO2_water", "PO4"),
    "V": ("Coliform", "Ecoli"),
}
GROUP_NAMES: dict[str, tuple[str, str]] = {
    "I": ("pH", "pH"),
    "II": ("thuốc bảo vệ thực vật", "pesticides"),
    "III": ("kim loại nặng", "heavy metals"),
    "IV": ("hữu cơ và dinh dưỡng", "organic matter and nutrients"),
    "V": ("vi sinh", "microbiological"),
}
UNITS: dict[str, str] = {
    "pH": "-", "DO": "mg/L", "Coliform": "MPN/100 mL", "Ecoli": "MPN/100 mL",
    **{code: "µg/L" for code in GROUPS["II"]},
    **{code: "mg/L" for code in GROUPS["III"] + GROUPS["IV"][1:]},
}
_GROUP_OF = {code: group for group, codes in GROUPS.items() for code in codes}
#: Water temperature code (parameters.yaml), used for DO only.
TEMPERATURE = "Temp"
#: Minimum data (see module readings).
MIN_GROUPS = 3
MIN_GROUP_IV_PARAMETERS = 3
TEMPERATURE_RANGE_C = (0, 50)


@dataclass(frozen=True)
class _Scale:
    """Breakpoints (BP_i, q_i) joined linearly; ``below`` / ``above`` outside them."""

    points: tuple[tuple[Fraction, int], ...]
    below: int
    above: int


def _pollutant(breakpoints: str, levels: tuple[int, ...] = (100, 75, 50, 25, 10)) -> _Scale:
    points = tuple(zip((Fraction(bp) for bp in breakpoints.split()), levels, strict=True))
    return _Scale(points, below=100, above=10)


def _limit(limit: str) -> _Scale:
    return _pollutant(f"{limit} {limit}", (100, 10))


#: Breakpoints per parameter: groups IV–V and III with q_i = 100, 75, 50, 25, 10; group II
#: (µg/L) and N-NO2 pass/fail at one limit (100 / 10); pH and DO (% saturation) rise to 100.
SCALES: dict[str, _Scale] = {
    "pH": _Scale(tuple((Fraction(bp), q) for bp, q in
                       (("5.5", 50), ("6", 100), ("8.5", 100), ("9", 50))), below=10, above=10),
    "Aldrin": _limit("0.1"), "BHC": _limit("0.02"), "Dieldrin": _limit("0.1"),
    "DDTs": _limit("1.0"), "Heptachlor": _limit("0.2"),
    "As": _pollutant("0.01 0.02 0.05 0.1 0.1"),
    "Cd": _pollutant("0.005 0.005 0.008 0.01 0.1"),
    "Pb_water": _pollutant("0.02 0.02 0.04 0.05 0.5"),
    "Cr6": _pollutant("0.01 0.02 0.04 0.05 0.1"),
    "Cu": _pollutant("0.1 0.2 0.5 1.0 2.0"),
    "Zn": _pollutant("0.5 1.0 1.5 2.0 3.0"),
    "Hg": _pollutant("0.001 0.001 0.0015 0.002 0.01"),
    "DO": _Scale(tuple((Fraction(bp), q) for bp, q in zip(
        (20, 50, 75, 88, 112, 125, 150, 200), (25, 50, 75, 100, 100, 75, 50, 25), strict=True)),
        below=10, above=10),
    "BOD5": _pollutant("4 6 15 25 50"),
    "COD": _pollutant("10 15 30 50 150"),
    "TOC": _pollutant("4 6 15 25 50"),
    "NH4": _pollutant("0.3 0.3 0.6 0.9 5"),
    "NO3": _pollutant("2 5 10 15 15"),
    "NO2_water": _limit("0.05"),
    "PO4": _pollutant("0.1 0.2 0.3 0.5 4"),
    "Coliform": _pollutant("2500 5000 7500 10000 10000"),
    "Ecoli": _pollutant("20 50 100 200 200"),
}

#: DO_bão hòa = 14.652 − 0.41022·T + 0.0079910·T² − 0.000077774·T³ (mg/L, T in °C).
_DO_SATURATION_COEFFICIENTS = tuple(
    Fraction(c) for c in ("14.652", "-0.41022", "0.0079910", "-0.000077774"))


@dataclass(frozen=True)
class WqiCategory:
    """A row of the VN_WQI scale: range, quality name, colour and suitable water use
    ("Phù hợp với mục đích sử dụng")."""

    level: int
    name_vi: str
    name_en: str
    colour_hex: str
    rgb: tuple[int, int, int]
    use_vi: str
    use_en: str

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "name_vi": self.name_vi, "name_en": self.name_en,
                "colour_hex": self.colour_hex, "rgb": list(self.rgb),
                "use_vi": self.use_vi, "use_en": self.use_en}


def _category(level: int, vi: str, en: str, rgb: tuple[int, int, int], use_vi: str,
              use_en: str) -> WqiCategory:
    return WqiCategory(level, vi, en, "#{:02x}{:02x}{:02x}".format(*rgb), rgb, use_vi, use_en)


#: The VN_WQI scale (upper bound of each range): 91–100, 76–90, 51–75, 26–50, 10–25, < 10.
CATEGORIES: tuple[tuple[int, WqiCategory], ...] = (
    (9, _category(6, "Ô nhiễm rất nặng", "Very heavily polluted", (126, 0, 35),
                  "Nước nhiễm độc, cần có biện pháp khắc phục, xử lý",
                  "Toxic water; remediation and treatment are needed")),
    (25, _category(5, "Kém", "Poor", (255, 0, 0),
                   "Nước ô nhiễm nặng, cần các biện pháp xử lý trong tương lai",
                   "Heavily polluted water; treatment measures are needed")),
    (50, _category(4, "Xấu", "Bad", (255, 126, 0),
                   "Sử dụng cho giao thông thủy và các mục đích tương đương khác",
                   "Suitable for waterway transport and similar uses")),
    (75, _category(3, "Trung bình", "Medium", (255, 255, 0),
                   "Sử dụng cho mục đích tưới tiêu và các mục đích tương đương khác",
                   "Suitable for irrigation and similar uses")),
    (90, _category(2, "Tốt", "Good", (0, 228, 0),
                   "Sử dụng cho mục đích cấp nước sinh hoạt nhưng cần các biện pháp xử lý phù hợp",
                   "Suitable for domestic water supply with appropriate treatment")),
    (100, _category(1, "Rất tốt", "Very good", (51, 51, 255),
                    "Sử dụng tốt cho mục đích cấp nước sinh hoạt",
                    "Good for domestic water supply")),
)


@dataclass(frozen=True)
class WqiResult:
    """A VN_WQI: ``wqi`` (None when the minimum data are missing), the group indices WQI_I..V
    (unrounded, only groups with data), the parameter sub-indices, the category, and what was
    missing or left out, in Vietnamese and English (None when nothing was)."""

    wqi: int | None
    group_indices: dict[str, float]
    sub_indices: dict[str, float | int]
    category: WqiCategory | None
    explanation_vi: str | None
    explanation_en: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"wqi": self.wqi, "group_indices": dict(self.group_indices),
                "sub_indices": dict(self.sub_indices),
                "category": None if self.category is None else self.category.as_dict(),
                "explanation_vi": self.explanation_vi, "explanation_en": self.explanation_en}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _exact(name: str, value: object) -> Fraction:
    """The value as an exact decimal (a float by its shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise ValueError(f"{name}: value must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name}: value must be finite, got {value!r}")
    if isinstance(value, numbers.Rational | Decimal):
        return Fraction(value)
    return Fraction(repr(float(value)))


def _measured(parameter: str, value: object) -> Fraction:
    c = _exact(parameter, value)
    if parameter == "pH" and not 0 <= c <= 14:
        raise ValueError(f"pH: {value} is outside 0–14")
    if c < 0:
        raise ValueError(f"{parameter}: {value} {UNITS[parameter]} is negative")
    return c


def _temperature(temperature_c: object) -> Fraction:
    t = _exact(TEMPERATURE, temperature_c)
    low, high = TEMPERATURE_RANGE_C
    if not low <= t <= high:
        raise ValueError(f"{TEMPERATURE}: water temperature {temperature_c} °C is outside "
                         f"{low}–{high} °C")
    return t


def _do_percent(do_mg_l: Fraction, temperature_c: Fraction) -> Fraction:
    saturation = sum(c * temperature_c**i for i, c in enumerate(_DO_SATURATION_COEFFICIENTS))
    return do_mg_l / saturation * 100


def do_saturation_percent(do_mg_l: float, temperature_c: float) -> float:
    """DO % bão hòa = DO / DO_bão hòa × 100, with DO_bão hòa = 14.652 − 0.41022·T +
    0.0079910·T² − 0.000077774·T³ mg/L (QĐ 1460/QĐ-TCMT, DO sub-index; T in °C, 0–50)."""
    return float(_do_percent(_measured("DO", do_mg_l), _temperature(temperature_c)))


def _on_scale(scale: _Scale, c: Fraction) -> Fraction:
    points = scale.points
    if c < points[0][0]:
        return Fraction(scale.below)
    if c > points[-1][0]:
        return Fraction(scale.above)
    candidates: list[Fraction] = []
    for (bp, q), (bp_next, q_next) in pairwise(points):
        if bp == bp_next == c:
            candidates += [Fraction(q), Fraction(q_next)]
        elif bp <= c <= bp_next and bp != bp_next:
            candidates.append(q + Fraction(q_next - q) * (c - bp) / (bp_next - bp))
    return max(candidates)


def _sub_index(parameter: str, value: object, temperature_c: object) -> Fraction:
    if parameter not in SCALES:
        raise ValueError(f"unknown parameter {parameter!r}; VN_WQI (QĐ 1460/QĐ-TCMT) uses "
                         f"{', '.join(SCALES)}")
    c = _measured(parameter, value)
    if parameter == "DO":
        if _missing(temperature_c):
            raise ValueError("DO: the water temperature (temperature_c) is needed for "
                             "DO % saturation")
        c = _do_percent(c, _temperature(temperature_c))
    return _on_scale(SCALES[parameter], c)


def _number(value: Fraction) -> float | int:
    return value.numerator if value.denominator == 1 else float(value)


def wqi_sub_index(parameter: str, value: float, *,
                  temperature_c: float | None = None) -> float | int:
    """WQI_SI of one parameter (QĐ 1460/QĐ-TCMT, Công thức 1 and 2, which both are the
    straight line between the table's (BP_i, q_i) and (BP_i+1, q_i+1)):
    WQI_SI = (q_i − q_i+1)/(BP_i+1 − BP_i) × (BP_i+1 − C_p) + q_i+1.
    A value on a table step gets the better index; an int when exact. ``temperature_c`` is
    needed for "DO" (mg/L, converted to % saturation) and unused otherwise."""
    return _number(_sub_index(parameter, value, temperature_c))


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _geometric_mean(values: list[Fraction]) -> Decimal:
    return _decimal(math.prod(values, start=Fraction(1))) ** (Decimal(1) / len(values))


def _merge_temperature(values: Mapping[str, object], temperature_c: object) -> object:
    in_values = values.get(TEMPERATURE)
    if _missing(in_values):
        return temperature_c
    if not _missing(temperature_c) and _exact(TEMPERATURE, in_values) != _exact(
            TEMPERATURE, temperature_c):
        raise ValueError(f"{TEMPERATURE}: {in_values} °C in the values disagrees with "
                         f"temperature_c={temperature_c} °C")
    return in_values


def _sentence(notes: list[str]) -> str | None:
    text = "; ".join(notes)
    return text[:1].upper() + text[1:] if text else None


def wqi(values: Mapping[str, float | None], *, temperature_c: float | None = None) -> WqiResult:
    """VN_WQI (QĐ 1460/QĐ-TCMT) of one sample from parameter values keyed by ``GROUPS`` codes
    (units in ``UNITS``; None or NaN where missing; "Temp" or ``temperature_c`` for DO):
    WQI = (WQI_I/100)·(WQI_II/100)·(WQI_III/100)·[(1/k·Σ WQI_IV)²·(1/l·Σ WQI_V)]^(1/3),
    without group V (WQI_I/100)·(WQI_II/100)·(WQI_III/100)·(1/k·Σ WQI_IV); WQI_II and WQI_III
    geometric means; rounded half up. None unless ≥ 3 groups and ≥ 3 group-IV parameters."""
    unknown = sorted(set(values) - set(SCALES) - {TEMPERATURE})
    if unknown:
        raise ValueError(f"unknown parameter {unknown[0]!r}; VN_WQI (QĐ 1460/QĐ-TCMT) uses "
                         f"{', '.join(SCALES)} and {TEMPERATURE}")
    temperature = _merge_temperature(values, temperature_c)
    notes_vi: list[str] = []
    notes_en: list[str] = []
    present: dict[str, list[Fraction]] = {}
    sub: dict[str, float | int] = {}
    for code in SCALES:
        value = values.get(code)
        if _missing(value):
            continue
        if code == "DO" and _missing(temperature):
            notes_vi.append("DO không được tính vì thiếu nhiệt độ nước (Temp)")
            notes_en.append("DO left out: no water temperature (Temp)")
            continue
        q = _sub_index(code, value, temperature)
        sub[code] = _number(q)
        present.setdefault(_GROUP_OF[code], []).append(q)
    absent = [group for group in GROUPS if group not in present]
    if absent:
        notes_vi.append("không có số liệu nhóm " + ", ".join(
            f"{g} ({GROUP_NAMES[g][0]})" for g in absent))
        notes_en.append("no data for group " + ", ".join(
            f"{g} ({GROUP_NAMES[g][1]})" for g in absent))
    n_iv = len(present.get("IV", []))
    enough = len(present) >= MIN_GROUPS and n_iv >= MIN_GROUP_IV_PARAMETERS
    if n_iv < MIN_GROUP_IV_PARAMETERS:
        notes_vi.append(f"nhóm IV cần tối thiểu {MIN_GROUP_IV_PARAMETERS} thông số, có {n_iv}")
        notes_en.append(f"group IV needs at least {MIN_GROUP_IV_PARAMETERS} parameters, "
                        f"has {n_iv}")
    if len(present) < MIN_GROUPS:
        notes_vi.append(f"cần tối thiểu {MIN_GROUPS}/5 nhóm thông số, có {len(present)}")
        notes_en.append(f"at least {MIN_GROUPS} of the 5 groups are needed, has {len(present)}")
    with localcontext() as context:
        context.prec = 40
        groups: dict[str, Decimal] = {}
        for group, q in present.items():
            groups[group] = (_decimal(sum(q, Fraction(0)) / len(q)) if group in ("IV", "V")
                             else _geometric_mean(q))
        result: int | None = None
        if enough:
            index = math.prod((groups.get(g, Decimal(100)) / 100 for g in ("I", "II", "III")),
                              start=Decimal(1))
            if "V" in groups:
                index *= (groups["IV"] ** 2 * groups["V"]) ** (Decimal(1) / 3)
            else:
                index *= groups["IV"]
                notes_vi.append("không có nhóm V: dùng công thức không có nhóm vi sinh")
                notes_en.append("no group V: the formula without the microbiological group")
            result = int(index.quantize(Decimal("1e-20")).quantize(Decimal(1), ROUND_HALF_UP))
    return WqiResult(
        wqi=result,
        group_indices={g: float(groups[g]) for g in GROUPS if g in groups},
        sub_indices=sub,
        category=None if result is None else wqi_category(result),
        explanation_vi=_sentence(notes_vi),
        explanation_en=_sentence(notes_en))


def wqi_category(value: int) -> WqiCategory:
    """The VN_WQI scale row of an integer WQI 0..100 (QĐ 1460/QĐ-TCMT): 91–100 Rất tốt,
    76–90 Tốt, 51–75 Trung bình, 26–50 Xấu, 10–25 Kém, < 10 Ô nhiễm rất nặng."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not (
            0 <= value <= 100):
        raise ValueError(f"VN_WQI is an integer from 0 to 100, got {value!r}")
    return next(category for high, category in CATEGORIES if value <= high)
