"""Quality control of readings on arrival: a bitmask per reading, never a deletion.

Every reading is stored with the flags of :func:`qc_flags`. Readings whose flags meet
:data:`DISQUALIFYING` are kept but do not count for thresholds and averages; the other flags
(STUCK, SPIKE) mark a reading as *suspect*: shown to operators for validation, still counted.

Sources:
- Status codes 00 đang đo / 01 hiệu chuẩn / 02 báo lỗi and the record layout: TT 10/2021/
  TT-BTNMT, Phụ lục 15 (see ``data/parameters.yaml`` header for the copies read); the data
  logger keeps thông số, kết quả, đơn vị, thời gian đo, trạng thái (Chương VIII, Điều 39).
- Physical ranges: ``data/parameters.yaml`` (ours: analyser full scales, not law).
- Spike rule: a Hampel-type test (median and a robust spread of a moving window; Pearson,
  R. K. (2002), "Outliers in process modeling and identification", IEEE Trans. Control
  Syst. Technol. 10(1), 55–63), with the interquartile range / 1.349 as the spread (the IQR
  of a normal distribution is 1.349 σ).
- Two-tier flagging (invalid vs valid-but-suspect) as in the EEA air-quality e-Reporting
  validity flags (1 valid, −1 not valid) with separate verification, and the German gamma
  dose-rate network, where automatic checks mark data "to be validated" by a person
  (http://wiki.intamap.org/index.php/V._Description_of_early_warning_procedures_in_the_
  German_gamma_dose_rate_network).

Readings (where the texts are silent):
- NEGATIVE: value < 0 for a quantity whose range_min is ≥ 0 (a temperature of −5 °C is not
  negative in this sense). ZERO: value exactly 0 where range_min > 0 (pressure 0 hPa: a
  dropped signal, not a measurement). Each is raised *instead of* OUT_OF_RANGE, being the
  more specific cause; OUT_OF_RANGE covers the rest, NaN and ±∞ included.
- DISQUALIFYING: status 01 and 02, OUT_OF_RANGE, NEGATIVE, ZERO (all physically impossible
  or not a measurement), FUTURE and TOO_OLD (the time cannot be trusted, so the reading
  cannot be placed in an average). NOT disqualifying: STUCK (a steady pH or temperature at
  the analyser's resolution legitimately repeats) and SPIKE (the first readings of a real
  release are jumps; disqualifying them would delay the alarm, and a single reading never
  opens an incident anyway, see ``limits.exceedance_step``). Small negative readings of a
  noisy analyser near zero are disqualified; this biases a mean near zero slightly upwards.
- Stateful checks (STUCK, SPIKE) run only on the live front: a reading newer than the last
  one seen (``state.last_at_s``). A FUTURE reading never advances the front, or one wrong
  clock would silence the checks until that date. Back-filled readings get the stateless
  checks only. The state follows valid (non-disqualified) readings only.
- STUCK: the same value ``stuck_count`` times in a row (default 6, 30 min at 5 min), the
  6th and following flagged; runs of exact zeros are not flagged (a dry rain gauge, a gas
  below detection).
- SPIKE: with m the median and q1, q3 the quartiles of the last ``spike_window`` (5) valid
  values, a value is a spike when |v − m| > k · max((q3 − q1)/1.349, rel_floor·|m|, floor),
  default k = 4, rel_floor = 0.25: it departs from the recent median by more than 4 robust
  standard deviations and by more than the median itself. Checked once the window is full.
  Spikes enter the window, so a real step change stops being flagged after at most
  ⌈window/2⌉ readings (2 for a clean step: the quartiles then straddle it). With floor = 0,
  a series of exact zeros flags any non-zero value; give a per-parameter floor where that
  matters.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_INF = math.inf


class Flag(enum.IntFlag):
    """QC flags of one reading (bit values are stored: never renumber)."""

    CALIBRATING = 1
    DEVICE_ERROR = 2
    OUT_OF_RANGE = 4
    NEGATIVE = 8
    ZERO = 16
    STUCK = 32
    SPIKE = 64
    FUTURE = 128
    TOO_OLD = 256

    @property
    def name_vi(self) -> str:
        return "; ".join(vi for _, vi, _ in flag_labels(self))

    @property
    def name_en(self) -> str:
        return "; ".join(en for _, _, en in flag_labels(self))


_LABELS: dict[Flag, tuple[str, str]] = {
    Flag.CALIBRATING: ("Đang hiệu chuẩn (trạng thái 01)", "Calibrating (status 01)"),
    Flag.DEVICE_ERROR: ("Thiết bị báo lỗi (trạng thái 02)", "Device error (status 02)"),
    Flag.OUT_OF_RANGE: ("Ngoài dải đo vật lý", "Outside the physical range"),
    Flag.NEGATIVE: ("Giá trị âm", "Negative value"),
    Flag.ZERO: ("Giá trị 0 bất thường", "Implausible zero"),
    Flag.STUCK: ("Giá trị không đổi kéo dài", "Value stuck"),
    Flag.SPIKE: ("Đột biến so với chuỗi gần nhất", "Spike against the recent series"),
    Flag.FUTURE: ("Thời gian đo ở tương lai", "Observed in the future"),
    Flag.TOO_OLD: ("Dữ liệu quá cũ", "Observed too long ago"),
}
_ALL = sum(_LABELS)

#: Flags that make a reading invalid for thresholds and averages (module docstring).
DISQUALIFYING: int = int(Flag.CALIBRATING | Flag.DEVICE_ERROR | Flag.OUT_OF_RANGE
                         | Flag.NEGATIVE | Flag.ZERO | Flag.FUTURE | Flag.TOO_OLD)

#: TT 10/2021/TT-BTNMT Phụ lục 15 status codes → flags.
STATUS_FLAGS: dict[str, int] = {"00": 0, "01": int(Flag.CALIBRATING),
                                "02": int(Flag.DEVICE_ERROR)}

_OUT_OF_RANGE, _NEGATIVE, _ZERO = int(Flag.OUT_OF_RANGE), int(Flag.NEGATIVE), int(Flag.ZERO)
_STUCK, _SPIKE = int(Flag.STUCK), int(Flag.SPIKE)
_FUTURE, _TOO_OLD = int(Flag.FUTURE), int(Flag.TOO_OLD)


def flag_labels(mask: int) -> list[tuple[str, str, str]]:
    """``(name, name_vi, name_en)`` of each flag set in ``mask``, in bit order."""
    if isinstance(mask, bool) or not isinstance(mask, int) or mask < 0 or mask & ~_ALL:
        raise ValueError(f"flags: {mask!r} is not a QC flag mask")
    return [(str(flag.name), *_LABELS[flag]) for flag in _LABELS if mask & flag]


@dataclass(frozen=True, slots=True)
class QcConfig:
    """Tunables of :func:`qc_flags` (defaults and their reasons in the module docstring)."""

    stuck_count: int = 6
    spike_window: int = 5
    spike_k: float = 4.0
    spike_rel_floor: float = 0.25
    spike_floor: float = 0.0
    future_s: float = 300.0
    too_old_s: float = 30 * 86400.0

    def __post_init__(self) -> None:
        if self.stuck_count < 2:
            raise ValueError(f"stuck_count: must be ≥ 2, got {self.stuck_count}")
        if self.spike_window < 3 or self.spike_window % 2 == 0:
            raise ValueError(f"spike_window: must be odd and ≥ 3, got {self.spike_window}")
        for name in ("spike_k", "spike_rel_floor", "spike_floor", "future_s", "too_old_s"):
            value = getattr(self, name)
            if not 0 <= value < _INF:
                raise ValueError(f"{name}: must be finite and ≥ 0, got {value}")
        if self.spike_k == 0:
            raise ValueError("spike_k: must be > 0")


DEFAULT_QC = QcConfig()


@dataclass(slots=True)
class SeriesState:
    """Memory of one (station, parameter) series between batches (stored as JSON)."""

    last_at_s: float | None = None
    last_value: float | None = None
    repeats: int = 0
    recent: list[float] = field(default_factory=list)

    @classmethod
    def empty(cls) -> SeriesState:
        """The state of a series that has seen no reading."""
        return cls()

    def to_json(self) -> dict[str, Any]:
        return {"last_at_s": self.last_at_s, "last_value": self.last_value,
                "repeats": self.repeats, "recent": list(self.recent)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> SeriesState:
        """The state stored by :meth:`to_json`; None or {} is a fresh state."""
        data = data or {}
        unknown = set(data) - {"last_at_s", "last_value", "repeats", "recent"}
        if unknown:
            raise ValueError(f"series state: unknown field(s) {sorted(unknown)}")
        state = cls()
        for name in ("last_at_s", "last_value"):
            value = data.get(name)
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, int | float)
                                      or not math.isfinite(value)):
                raise ValueError(f"series state: field {name}: not a finite number: {value!r}")
            setattr(state, name, None if value is None else float(value))
        repeats = data.get("repeats", 0)
        if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 0:
            raise ValueError(f"series state: field repeats: not a count: {repeats!r}")
        state.repeats = repeats
        recent = data.get("recent", [])
        if not isinstance(recent, list) or any(
                isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
                for v in recent):
            raise ValueError(f"series state: field recent: not a list of numbers: {recent!r}")
        state.recent = [float(v) for v in recent]
        return state


def qc_flags(value: float, status: str, observed_at_s: float, received_at_s: float,
             range_min: float | None, range_max: float | None, state: SeriesState,
             config: QcConfig = DEFAULT_QC) -> int:
    """QC flags (an int of :class:`Flag` bits) of one reading; updates ``state`` on the
    live front only (``observed_at_s`` after ``state.last_at_s``). Positional arguments
    are allowed for ingestion's hot loop, which calls it for every reading; elsewhere, name
    them.

    Status per TT 10/2021/TT-BTNMT Phụ lục 15 (00, 01, 02; anything else is a ValueError
    naming the field); every rule and default is in the module docstring. Times are POSIX
    seconds.
    """
    try:
        flags = STATUS_FLAGS[status]
    except KeyError:
        raise ValueError(f"status: {status!r} is not 00, 01 or 02") from None
    if not -_INF < value < _INF:
        flags |= _OUT_OF_RANGE
    elif range_min is not None and value < range_min:
        if value < 0.0 <= range_min:
            flags |= _NEGATIVE
        elif value == 0.0:
            flags |= _ZERO
        else:
            flags |= _OUT_OF_RANGE
    elif range_max is not None and value > range_max:
        flags |= _OUT_OF_RANGE
    if observed_at_s - received_at_s > config.future_s:
        return flags | _FUTURE
    if received_at_s - observed_at_s > config.too_old_s:
        flags |= _TOO_OLD
    last_at_s = state.last_at_s
    if last_at_s is not None and observed_at_s <= last_at_s:
        return flags
    state.last_at_s = observed_at_s
    if flags & DISQUALIFYING:
        return flags
    if value == state.last_value:
        state.repeats += 1
        if state.repeats >= config.stuck_count and value != 0.0:
            flags |= _STUCK
    else:
        state.last_value = value
        state.repeats = 1
    recent = state.recent
    window = config.spike_window
    if len(recent) >= window:
        if len(recent) > window:  # stored under a larger window
            del recent[: len(recent) - window]
        ordered = sorted(recent)
        middle = ordered[window >> 1]
        quarter = window >> 2
        scale = (ordered[window - 1 - quarter] - ordered[quarter]) / 1.349
        # max(spread, rel_floor·|m|, floor) without the call: this runs for every reading
        if (relative := config.spike_rel_floor * abs(middle)) > scale:
            scale = relative
        if config.spike_floor > scale:
            scale = config.spike_floor
        if abs(value - middle) > config.spike_k * scale:
            flags |= _SPIKE
        del recent[0]
    recent.append(value)
    return flags
