"""State of a monitoring station for the map, computed continuously from plain facts.

Sources:
- The states and the offline rule: the ungpho monitoring issue, "Offline (no data for
  interval + 15 min)".
- Status codes 01 (hiệu chuẩn) and 02 (báo lỗi): TT 10/2021/TT-BTNMT, Phụ lục 15, carried
  by the QC flags of :mod:`ungpho.core.monitoring.qc`.
- Colours: contrast with white text of at least 4.5 : 1 (WCAG 2.1, success criterion
  1.4.3), so a state label can be printed on its colour.

Readings (where the issue is silent):
- Precedence offline > device error > calibrating > exceeding > good. Offline first: the
  latest data no longer describe the present. A fault before calibration: it needs someone
  on site. Both before exceeding: while an analyser is in error or calibrating its current
  values are not measurements, so the station cannot say it exceeds *now*. An incident
  already opened by a confirmed exceedance stays open in the incident list whatever colour
  the map shows.
- One faulty or calibrating parameter makes the whole station DEVICE_ERROR / CALIBRATING:
  a station is one symbol on the map; the station panel shows the parameter.
- ``last_reading_s`` is the observation time of the station's latest reading (not FUTURE-
  flagged): a station whose clock lags by more than the grace shows offline, since its
  data cannot be placed at the present. Exactly interval + 15 min without data is still
  online (offline is "more than").
- Colours: good green, exceeding red, offline grey, calibrating blue, device error purple
  (not orange: orange reads as a lesser exceedance next to red, and is the VN_AQI "kém"
  colour of the public map).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from ungpho.core.monitoring.qc import Flag

#: The issue's "+ 15 min" added to the reporting interval before a station is offline.
OFFLINE_GRACE_S = 15 * 60


class StationState(StrEnum):
    """Map state of a station, with ``name_vi``, ``name_en`` and ``colour`` (hex)."""

    GOOD = "good"
    EXCEEDING = "exceeding"
    OFFLINE = "offline"
    CALIBRATING = "calibrating"
    DEVICE_ERROR = "device_error"

    @property
    def name_vi(self) -> str:
        return _NAMES[self][0]

    @property
    def name_en(self) -> str:
        return _NAMES[self][1]

    @property
    def colour(self) -> str:
        return _NAMES[self][2]


_NAMES: dict[StationState, tuple[str, str, str]] = {
    StationState.GOOD: ("Hoạt động bình thường", "Good", "#2E7D32"),
    StationState.EXCEEDING: ("Vượt ngưỡng", "Exceeding", "#C62828"),
    StationState.OFFLINE: ("Mất kết nối", "Offline", "#616161"),
    StationState.CALIBRATING: ("Đang hiệu chuẩn", "Calibrating", "#1565C0"),
    StationState.DEVICE_ERROR: ("Thiết bị báo lỗi", "Device error", "#6A1B9A"),
}

#: Highest precedence first (module docstring).
PRECEDENCE = (StationState.OFFLINE, StationState.DEVICE_ERROR, StationState.CALIBRATING,
              StationState.EXCEEDING, StationState.GOOD)


def station_state(*, now_s: float, last_reading_s: float | None, interval_s: int,
                  latest_flags: Iterable[int], exceeding: bool) -> StationState:
    """The station's state now.

    Offline when nothing was observed for more than ``interval_s`` + 15 min (the issue's
    rule) or never; else device error / calibrating when any latest reading (one per
    parameter) carries the TT 10/2021 Phụ lục 15 status 02 / 01 flag; else exceeding when
    ``exceeding`` (a confirmed exceedance, ``limits.exceedance_step``); else good.
    """
    if isinstance(interval_s, bool) or not isinstance(interval_s, int) or interval_s <= 0:
        raise ValueError(f"interval_s: must be a positive number of seconds, got {interval_s!r}")
    if last_reading_s is None or now_s - last_reading_s > interval_s + OFFLINE_GRACE_S:
        return StationState.OFFLINE
    seen = 0
    for flags in latest_flags:
        seen |= flags
    if seen & Flag.DEVICE_ERROR:
        return StationState.DEVICE_ERROR
    if seen & Flag.CALIBRATING:
        return StationState.CALIBRATING
    return StationState.EXCEEDING if exceeding else StationState.GOOD


#: The public map's state of a radiation station whose exceedance no officer has confirmed
#: yet: neutral (brown, 7.6 : 1 with white text), not the red of an alarm.
VERIFYING = "verifying"
VERIFYING_NAMES = ("Đang xác minh", "Being verified", "#6D4C41")


def public_state(state: str, *, radiation: bool, confirmed: bool) -> str:
    """The state the public map shows: a radiation station exceeding before an officer
    confirmed it (classified its incident) or a public message was released is VERIFYING
    (TT 12/2023/TT-BKHCN Phụ lục VIII.II: the public is informed by approved messages, not by
    an unverified alarm); any other state as it is."""
    if state == StationState.EXCEEDING and radiation and not confirmed:
        return VERIFYING
    return str(state)
