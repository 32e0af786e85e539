"""Vietnamese air quality index VN_AQI: Quyết định 1459/QĐ-TCMT (12/11/2019, Tổng cục Môi
trường), "Hướng dẫn kỹ thuật tính toán và công bố chỉ số chất lượng không khí Việt Nam".
Section numbers (§) and tables (Bảng) below are those of the Hướng dẫn attached to it.

Sources:
- the decision's PDF, https://vea.mae.gov.vn/Data/files/QD%201459%20TCMT%20ngay%2012_11_2019
  %20AQI(1).pdf, read through the page-by-page transcription in the public repository
  qnguyenle075/hcmc-air-quality (data/processed/qd_1459_vn_aqi.md; its NOTES.md says the
  formulas were copied by hand from the page images and Bảng 2 checked cell by cell);
- Bảng 1 ranges and RGB codes, and the rule that PM10 or PM2.5 is mandatory, as published by
  the Trung tâm Quan trắc môi trường miền Bắc: https://cem.gov.vn/tin-tuc-moi-truong/
  tong-cuc-moi-truong-ban-hanh-huong-dan-ky-thuat-tinh-toan-va-cong-bo-chi-so-chat-luong-
  khong-khi-viet-nam;
- §1.3–1.4: https://thuvienphapluat.vn/hoi-dap-phap-luat/83A155B-hd-chat-luong-moi-truong-
  khong-khi-o-viet-nam-duoc-phan-lam-may-loai.html.
Bảng 2 agrees value for value with an independent public implementation (which lacks O3 8h).

Readings (where the text is silent or contradicts itself):
- NowCast (§2.2.1.a): for w = 1/2 the text prints Σ (1/2)^i·c_i without dividing by the
  weights; we use the normalised Σ w^(i−1)·c_i / Σ w^(i−1) for every w (the text's own form
  for w > 1/2; it differs by 0.02 % on complete data and is the only form that stays unbiased
  when, as the text says, a missing c_i gets weight 0). C_min and C_max are taken over the
  hours present; hours that are all zero give 0. NaN counts as missing.
- Rounding: "làm tròn thành số nguyên", read as half up on each sub-index, in exact decimal
  arithmetic. The worked example §2.3.b prints AQI(NO2) = 60 for 118.7 µg/m³, which is 59.35;
  no one rounding rule gives every printed result (ceiling would make §2.3.c's NO2 66, not
  65), so the 60 is taken as an error of the example: we give 59.
- Above the top breakpoint (row 8, "≥") the index is 500, the top of Bảng 1's scale.
- O3 daily (§2.2.2.b): the text says C_x is the larger of the day's maximum 1-hour and 8-hour
  means, but its worked example (§2.3.c) takes each with its own column of Bảng 2 and keeps
  the larger sub-index; we follow the example. An 8-hour maximum above 400 µg/m³ is not
  indexed (the text: only the 1-hour maximum is then used).
- PM 24-hour means and PM NowCast values read the same Bảng 2 column (Công thức 1 and 2).
- Without PM10 and PM2.5 there is no AQI (§2.1.b); the other sub-indices are still returned.
- Ties for the dominant pollutant go to the first in ``POLLUTANTS``.
- How many hours a 1-, 8- or 24-hour mean needs is not in the text: the caller decides.
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import TypeIs

#: §2.1.b: the parameters of VN_AQI, in the order used to break ties.
POLLUTANTS = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3")
#: §2.1.b: at least one of these is required.
PARTICULATES = ("PM2.5", "PM10")

#: Bảng 2, column I_i: the index value at each level i = 1..8.
INDEX_LEVELS = (0, 50, 100, 150, 200, 300, 400, 500)

#: Bảng 2: breakpoints BP_i in µg/m³ (CO too) for levels i = 1..8; O3 (8h) stops at i = 6.
BREAKPOINTS_UG_M3: dict[str, tuple[int, ...]] = {
    "O3 (1h)": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "O3 (8h)": (0, 100, 120, 170, 210, 400),
    "CO": (0, 10_000, 30_000, 45_000, 60_000, 90_000, 120_000, 150_000),
    "SO2": (0, 125, 350, 550, 800, 1600, 2100, 2630),
    "NO2": (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    "PM10": (0, 50, 150, 250, 350, 420, 500, 600),
    "PM2.5": (0, 25, 50, 80, 150, 250, 350, 500),
}

#: Which Bảng 2 column a (pollutant, averaging) reads: gases "1h" (§2.2.1.b, and the day's
#: maximum 1-hour mean in §2.2.2.b), O3 "8h" (§2.2.2.b), PM "1h" = NowCast (Công thức 2) and
#: PM "24h" = daily mean (§2.2.2.b).
_COLUMNS = {
    ("O3", "1h"): "O3 (1h)", ("O3", "8h"): "O3 (8h)", ("CO", "1h"): "CO",
    ("SO2", "1h"): "SO2", ("NO2", "1h"): "NO2",
    ("PM10", "1h"): "PM10", ("PM10", "24h"): "PM10",
    ("PM2.5", "1h"): "PM2.5", ("PM2.5", "24h"): "PM2.5",
}

#: §2.2.1.a: NowCast uses the 12 latest hourly means; the weight is at least 1/2.
NOWCAST_HOURS = 12
NOWCAST_MIN_WEIGHT = 0.5
#: §2.2.2.b: an O3 daily maximum 8-hour mean above this is not indexed.
O3_8H_MAX_INDEXED_UG_M3 = 400


@dataclass(frozen=True)
class AqiCategory:
    """A row of Bảng 1 (range, name, RGB colour) with the advice for ordinary people of
    Bảng 5 ("Khuyến nghị hoạt động cho những người bình thường")."""

    level: int
    name_vi: str
    name_en: str
    colour_hex: str
    rgb: tuple[int, int, int]
    advice_vi: str
    advice_en: str

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "name_vi": self.name_vi, "name_en": self.name_en,
                "colour_hex": self.colour_hex, "rgb": list(self.rgb),
                "advice_vi": self.advice_vi, "advice_en": self.advice_en}


def _category(level: int, vi: str, en: str, rgb: tuple[int, int, int], advice_vi: str,
              advice_en: str) -> AqiCategory:
    return AqiCategory(level, vi, en, "#{:02x}{:02x}{:02x}".format(*rgb), rgb, advice_vi,
                       advice_en)


_OUTDOORS_VI = "Tự do thực hiện các hoạt động ngoài trời."
_OUTDOORS_EN = "Enjoy outdoor activities freely."
_MASK_VI = "Nếu cần thiết phải ra ngoài, hãy đeo khẩu trang đạt tiêu chuẩn."
_MASK_EN = "If you must go out, wear a mask that meets the standard."

#: Bảng 1 (upper bound of each AQI range, RGB "0;228;0" …) with Bảng 5's advice.
CATEGORIES: tuple[tuple[int, AqiCategory], ...] = (
    (50, _category(1, "Tốt", "Good", (0, 228, 0), _OUTDOORS_VI, _OUTDOORS_EN)),
    (100, _category(2, "Trung bình", "Moderate", (255, 255, 0), _OUTDOORS_VI, _OUTDOORS_EN)),
    (150, _category(
        3, "Kém", "Poor", (255, 126, 0),
        "Những người thấy có triệu chứng đau mắt, ho hoặc đau họng… nên cân nhắc giảm các "
        "hoạt động ngoài trời. Đối với học sinh, có thể hoạt động bên ngoài, nhưng nên giảm "
        "bớt việc tập thể dục kéo dài.",
        "People with sore eyes, a cough or a sore throat should consider reducing outdoor "
        "activities. Pupils may be active outdoors but should cut down on prolonged exercise.")),
    (200, _category(
        4, "Xấu", "Bad", (255, 0, 0),
        "Mọi người nên giảm các hoạt động mạnh khi ở ngoài trời, tránh tập thể dục kéo dài và "
        "nghỉ ngơi nhiều hơn trong nhà.",
        "Everyone should reduce strenuous activity outdoors, avoid prolonged exercise and rest "
        "more indoors.")),
    (300, _category(
        5, "Rất xấu", "Very bad", (143, 63, 151),
        "Mọi người hạn chế tối đa các hoạt động ngoài trời và chuyển tất cả các hoạt động vào "
        "trong nhà. " + _MASK_VI,
        "Everyone should keep outdoor activities to a minimum and move all activities indoors. "
        + _MASK_EN)),
    (500, _category(
        6, "Nguy hại", "Hazardous", (126, 0, 35),
        "Mọi người nên ở trong nhà, đóng cửa ra vào và cửa sổ. " + _MASK_VI,
        "Everyone should stay indoors with doors and windows closed. " + _MASK_EN)),
)


@dataclass(frozen=True)
class AqiResult:
    """An hourly or daily VN_AQI: ``aqi`` = max of ``sub_indices`` (§2.2.1.c, §2.2.2.c),
    ``dominant`` the pollutant giving it; ``aqi`` is None without PM10 and PM2.5."""

    aqi: int | None
    dominant: str | None
    sub_indices: dict[str, int]
    category: AqiCategory | None

    def as_dict(self) -> dict[str, Any]:
        return {"aqi": self.aqi, "dominant": self.dominant,
                "sub_indices": dict(self.sub_indices),
                "category": None if self.category is None else self.category.as_dict()}


def _missing(value: object) -> TypeIs[None]:  # or NaN: only `not _missing(x)` narrows (to float)
    return value is None or (isinstance(value, float) and math.isnan(value))


def _exact(pollutant: str, value: object) -> Fraction:
    """The concentration as an exact decimal (a float by its shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise ValueError(f"{pollutant}: concentration must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{pollutant}: concentration must be finite, got {value!r}")
    if value < 0:
        raise ValueError(f"{pollutant}: concentration {value} µg/m³ is negative")
    if isinstance(value, numbers.Rational | Decimal):
        return Fraction(value)
    return Fraction(repr(float(value)))


def sub_index(pollutant: str, concentration_ug_m3: float, *, averaging: str = "1h") -> int:
    """AQI_x = (I_{i+1} − I_i) / (BP_{i+1} − BP_i) × (C_x − BP_i) + I_i, rounded half up
    (Công thức 1 and 2, §2.2.1.b and §2.2.2.b, breakpoints Bảng 2), with BP_i ≤ C_x ≤
    BP_{i+1}; 500 at or above the top breakpoint.

    ``averaging``: "1h" (gases: 1-hour mean or the day's maximum one; PM: the NowCast), "8h"
    (O3 only, the day's maximum 8-hour mean, at most 400 µg/m³) or "24h" (PM only).
    """
    if pollutant not in POLLUTANTS:
        raise ValueError(f"unknown pollutant {pollutant!r}; VN_AQI (QĐ 1459/QĐ-TCMT §2.1.b) "
                         f"uses {', '.join(POLLUTANTS)}")
    column = _COLUMNS.get((pollutant, averaging))
    if column is None:
        allowed = " or ".join(repr(a) for p, a in _COLUMNS if p == pollutant)
        raise ValueError(f"{pollutant}: no VN_AQI breakpoints for averaging {averaging!r} "
                         f"(Bảng 2); use {allowed}")
    c = _exact(pollutant, concentration_ug_m3)
    breakpoints = BREAKPOINTS_UG_M3[column]
    if column == "O3 (8h)" and c > O3_8H_MAX_INDEXED_UG_M3:
        raise ValueError(f"O3: an 8-hour mean of {concentration_ug_m3} µg/m³ is above "
                         f"{O3_8H_MAX_INDEXED_UG_M3} and not indexed (§2.2.2.b); use the "
                         "1-hour maximum")
    if c >= breakpoints[-1]:
        return INDEX_LEVELS[len(breakpoints) - 1]
    i = bisect_right(breakpoints, c) - 1
    low, high = breakpoints[i], breakpoints[i + 1]
    value = Fraction(INDEX_LEVELS[i + 1] - INDEX_LEVELS[i], high - low) * (c - low)
    return math.floor(value + INDEX_LEVELS[i] + Fraction(1, 2))


def nowcast_ug_m3(hourly_means_ug_m3: Sequence[float | None]) -> float | None:
    """NowCast of PM10 or PM2.5 (§1.3.5, §2.2.1.a) from the 12 latest hourly means c_1..c_12,
    most recent first, None (or NaN) where missing; a shorter sequence lacks the oldest hours.

    w* = C_min / C_max; w = w* if w* > 1/2, else 1/2;
    NowCast = Σ w^(i−1)·c_i / Σ w^(i−1), a missing c_i counting with weight 0.
    None ("không có dữ liệu") unless at least 2 of c_1, c_2, c_3 are present.
    """
    if len(hourly_means_ug_m3) > NOWCAST_HOURS:
        raise ValueError(f"NowCast takes the {NOWCAST_HOURS} latest hourly means, got "
                         f"{len(hourly_means_ug_m3)}")
    present: list[tuple[int, float]] = []
    for i, c in enumerate(hourly_means_ug_m3):
        if not _missing(c):
            present.append((i, float(_exact(f"NowCast c_{i + 1}", c))))
    if sum(1 for i, _ in present if i < 3) < 2:
        return None
    c_max = max(c for _, c in present)
    if c_max == 0:
        return 0.0
    w = max(min(c for _, c in present) / c_max, NOWCAST_MIN_WEIGHT)
    return sum(w**i * c for i, c in present) / sum(w**i for i, _ in present)


def _result(sub_indices: dict[str, int]) -> AqiResult:
    ordered = {p: sub_indices[p] for p in POLLUTANTS if p in sub_indices}
    if not any(p in ordered for p in PARTICULATES):
        return AqiResult(None, None, ordered, None)
    dominant = max(ordered, key=ordered.__getitem__)
    return AqiResult(ordered[dominant], dominant, ordered, aqi_category(ordered[dominant]))


def aqi_hourly(concentrations_ug_m3: Mapping[str, float | None]) -> AqiResult:
    """AQI^h = max(AQI_x) (§2.2.1.c). Pass the NowCast (``nowcast_ug_m3``) for PM10 and
    PM2.5 and the 1-hour mean for SO2, NO2, CO and O3 (O3 (1h) column, Bảng 2 note);
    None or NaN where missing."""
    unknown = sorted(set(concentrations_ug_m3) - set(POLLUTANTS))
    if unknown:
        raise ValueError(f"unknown pollutant {unknown[0]!r}; VN_AQI (QĐ 1459/QĐ-TCMT §2.1.b) "
                         f"uses {', '.join(POLLUTANTS)}")
    return _result({p: sub_index(p, c) for p, c in concentrations_ug_m3.items()
                    if not _missing(c)})


def aqi_daily(*, pm25_24h_mean_ug_m3: float | None = None,
              pm10_24h_mean_ug_m3: float | None = None,
              o3_1h_max_ug_m3: float | None = None, o3_8h_max_ug_m3: float | None = None,
              no2_1h_max_ug_m3: float | None = None, so2_1h_max_ug_m3: float | None = None,
              co_1h_max_ug_m3: float | None = None) -> AqiResult:
    """AQI^d = max(AQI_x) (§2.2.2.c) from the day's values of §2.2.2: PM 24-hour means
    (01:00 to 00:00), the day's maximum 1-hour means of SO2, NO2, CO and O3, and the day's
    maximum 8-hour mean of O3. AQI_O3 = max(AQI of the 1-hour maximum on O3 (1h), AQI of the
    8-hour maximum on O3 (8h)), the latter left out above 400 µg/m³ (§2.2.2.b, §2.3.c)."""
    sub: dict[str, int] = {}
    for pollutant, value, averaging in (
            ("PM2.5", pm25_24h_mean_ug_m3, "24h"), ("PM10", pm10_24h_mean_ug_m3, "24h"),
            ("SO2", so2_1h_max_ug_m3, "1h"), ("NO2", no2_1h_max_ug_m3, "1h"),
            ("CO", co_1h_max_ug_m3, "1h")):
        if not _missing(value):
            sub[pollutant] = sub_index(pollutant, value, averaging=averaging)
    ozone = [] if _missing(o3_1h_max_ug_m3) else [sub_index("O3", o3_1h_max_ug_m3)]
    if (not _missing(o3_8h_max_ug_m3)
            and _exact("O3", o3_8h_max_ug_m3) <= O3_8H_MAX_INDEXED_UG_M3):
        ozone.append(sub_index("O3", o3_8h_max_ug_m3, averaging="8h"))
    if ozone:
        sub["O3"] = max(ozone)
    return _result(sub)


def aqi_category(aqi: int) -> AqiCategory:
    """The Bảng 1 category of an AQI value 0..500 (0–50 Tốt, 51–100 Trung bình, 101–150 Kém,
    151–200 Xấu, 201–300 Rất xấu, 301–500 Nguy hại)."""
    if isinstance(aqi, bool) or not isinstance(aqi, numbers.Integral) or not 0 <= aqi <= 500:
        raise ValueError(f"VN_AQI is an integer from 0 to 500 (Bảng 1), got {aqi!r}")
    return next(category for high, category in CATEGORIES if aqi <= high)
