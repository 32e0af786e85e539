"""Simulated traffic of automatic monitoring stations, for the demo and for benchmarks.

A station's reading is ``mean × diurnal shape(local hour) × slow factor × instrument noise``:
the shape has a daily mean of exactly 1 and is a sum of wrapped Gaussian "bumps" over the
local (UTC+07:00) hour; the slow factor is a mean-one log-normal AR(1) process (weather,
pollution episodes); the instrument noise is mean-one log-normal and independent per
reading. Everything is drawn from ``numpy.random.default_rng``, one generator per station
seeded by ``(seed, CRC-32 of the code)``, so a station's series depends only on the seed,
its own definition and the time window, not on which other stations are simulated.

Sources (read through the stored public copies of the ``search`` tool):

- PM2.5 in Hà Nội, 2017–2018: higher from 02:00 to 08:00, falling from 11:00 to 19:00, lowest
  at 14:00–15:00 (Tran, Ta, Duong, Phan, Nguyen (2020), J. Environ. Prot. 11, 246–256,
  doi:10.4236/jep.2020.113014); PM peaks at the morning and evening rush hours, 24-hour PM2.5
  26–143 µg/m³ in winter (Hai, Kim Oanh (2013), Atmos. Environ. 78, doi:10.1016/j.atmosenv.
  2012.05.006).
- Traffic gases: at a Hà Nội arterial road, rush-hour NO2, CO, SO2 and PM were 1.9–2.6 times
  the non-rush levels ("Analysis of roadside air pollutant concentrations and potential
  health risk of exposure in Hanoi", Chua Boc street); inner-city means O3 19.3 ppb, CO
  1.3 ppm, NO2 21.4 ppb, October 2015 – December 2016, motorcycles the main source of CO and
  NOx (Sakamoto et al. (2018), Atmos. Pollut. Res. 9(3), 544–551, doi:10.1016/j.apr.2017.
  12.001), converted here with ``units.unit_factor`` (25 °C, 1 atm).
- O3: a photochemical secondary pollutant; the Hà Nội episode maximum was 74 ppb at Láng at
  14:00 (VNU repository 11126/5022, 2014); O3 and NOx diurnal cycles are inverse, O3 peaking
  at mid-day (Pancholi et al. (2018), Sustain. Environ. Res. 28, 79–89).
- Surface water: dissolved oxygen rises after sunrise to a maximum soon after mid-day and is
  lowest through the night; pH follows it (photosynthesis takes up CO2); ammoniacal N rises
  when oxygen is low (Butcher, Pentelow, Woodley (1927), Biochem. J. 21(4), 945–957,
  doi:10.1042/bj0210945).
- Ambient gamma dose rate: a normal background is about 0.05–0.20 µSv/h
  (https://seintl.com/frequently_asked/what-do-the-readings-mean/); counting statistics make
  the relative noise of a reading fall as 1/√(counting time).
- File name and line layout: TT 10/2021/TT-BTNMT Phụ lục 15, see
  ``ungpho.core.formats.station_file``.

Readings (assumptions; where no source is given the numbers are illustrative):

- Levels: PM2.5 40 µg/Nm³ (between the winter range above and a cleaner summer), SO2
  15 µg/Nm³, the surface-water levels (pH 7.4, DO 5.5, COD 20, TSS 35, NH4 0.8 mg/L, 27 °C)
  and every bump width and amplitude are illustrative, chosen to give the timing the sources
  describe: traffic gases peak at 08:00 and 19:00 (peak / night ≈ 2.3, inside 1.9–2.6);
  PM2.5 is high through the night and at both rush hours and lowest at 14:30; O3 peaks at
  14:30 and is titrated at the morning rush; DO, pH and temperature peak in the afternoon and
  NH4 before dawn; COD and TSS rise a little with the morning discharges.
- PM10 = ratio × PM2.5 with its own instrument noise; ratio 1.6 (PM2.5 ≈ 60 % of PM10,
  illustrative), or the ratio of the two backgrounds when PM10 is given.
- Gamma: 0.10 µSv/h unless given, no diurnal cycle, 3 % relative noise for a 10-minute
  count (× √(600 s / interval_s) for other intervals), no slow component.
- A ramp acts on one parameter of one station only (PM10 does not follow a PM2.5 ramp): from
  its start the value moves linearly from the undisturbed reading to the peak over
  ``duration_s`` and then holds. The peak is the undisturbed reading × ``peak_factor``, or
  ``peak_value`` × the reading's instrument noise (a real analyser is never perfectly flat,
  and a flat series would be flagged as stuck by quality control). Readings outside the ramp
  are identical with and without it.
- Times are multiples of ``interval_s`` since the Unix epoch in ``[start, end)``, so 5-minute
  readings fall on local :00, :05, …; values are rounded to the sensor's usual resolution.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, cast

import numpy as np

from ungpho.core.monitoring.units import unit_factor

__all__ = ["SIM_STATION_TYPES", "Ramp", "SimReading", "SimStation", "simulate",
           "station_file_name", "station_file_text"]

_VIETNAM_UTC_OFFSET_S = 7 * 3600
_DAY_S = 86400
_CHUNK_S = _DAY_S  # simulated time generated at once, so memory stays bounded
_GAMMA_COUNT_S = 600
_PREFIX_PART_RE = re.compile(r"[A-Za-z0-9-]+")
_STATUSES = ("00", "01", "02")


class _Bump(NamedTuple):
    hour: float  # local hour of the maximum (of the minimum for a negative amplitude)
    width_h: float  # standard deviation of the wrapped Gaussian
    amplitude: float  # relative to the daily mean


class _Profile(NamedTuple):
    symbol: str  # as the station writes it (TT 10/2021 Phụ lục 15, Bảng 34)
    unit: str
    mean: float  # default daily mean, in ``unit``
    bumps: tuple[_Bump, ...]
    slow_rel: float  # standard deviation of the slow log-deviation
    slow_tau_s: float  # its correlation time
    white_rel: float  # standard deviation of the instrument's log-noise per reading
    decimals: int
    derived_from: str | None = None  # PM10 follows PM2,5


def _ppb_as_ug_nm3(ppb: float, gas: str) -> float:
    scale, offset = unit_factor("ppb", "µg/Nm³", gas=gas)
    return ppb * scale + offset


_RUSH = (_Bump(8.0, 1.5, 0.8), _Bump(19.0, 2.0, 0.7))
_AIR_SLOW, _AIR_TAU_S = 0.25, 6 * 3600.0
_WATER_TAU_S = 12 * 3600.0
_PM10_RATIO = 1.6

_PROFILES: dict[str, tuple[_Profile, ...]] = {
    "ambient_air": (
        _Profile("PM2,5", "µg/Nm³", 40.0, (_Bump(7.5, 1.5, 0.35), _Bump(19.5, 2.0, 0.35),
                                           _Bump(2.0, 4.0, 0.4), _Bump(14.5, 2.5, -0.3)),
                 _AIR_SLOW, _AIR_TAU_S, 0.05, 1),
        _Profile("PM10", "µg/Nm³", 40.0 * _PM10_RATIO, (), _AIR_SLOW, _AIR_TAU_S, 0.05, 1,
                 derived_from="PM2,5"),
        _Profile("NO2", "µg/Nm³", round(_ppb_as_ug_nm3(21.4, "NO2"), 1), _RUSH,
                 _AIR_SLOW, _AIR_TAU_S, 0.04, 1),
        _Profile("SO2", "µg/Nm³", 15.0, (_Bump(9.0, 3.0, 0.25),), _AIR_SLOW, _AIR_TAU_S,
                 0.05, 1),
        _Profile("CO", "µg/Nm³", round(_ppb_as_ug_nm3(1300.0, "CO")), _RUSH,
                 _AIR_SLOW, _AIR_TAU_S, 0.03, 0),
        _Profile("O3", "µg/Nm³", round(_ppb_as_ug_nm3(19.3, "O3"), 1),
                 (_Bump(14.5, 2.5, 1.4), _Bump(7.5, 1.5, -0.25)), _AIR_SLOW, _AIR_TAU_S,
                 0.05, 1),
    ),
    "surface_water": (
        _Profile("pH", "-", 7.4, (_Bump(14.0, 4.0, 0.015),), 0.003, _WATER_TAU_S, 0.002, 2),
        _Profile("DO", "mg/L", 5.5, (_Bump(14.0, 4.0, 0.25),), 0.05, _WATER_TAU_S, 0.02, 2),
        _Profile("Temp", "°C", 27.0, (_Bump(15.0, 4.0, 0.03),), 0.01, _WATER_TAU_S, 0.002, 2),
        _Profile("COD", "mg/L", 20.0, (_Bump(9.0, 3.0, 0.1),), 0.08, _WATER_TAU_S, 0.03, 1),
        _Profile("TSS", "mg/L", 35.0, (_Bump(9.0, 3.0, 0.15),), 0.1, _WATER_TAU_S, 0.05, 1),
        _Profile("NH4", "mg/L", 0.8, (_Bump(5.0, 4.0, 0.15),), 0.1, _WATER_TAU_S, 0.03, 2),
    ),
    "radiation": (
        _Profile("GammaDR", "µSv/h", 0.10, (), 0.0, 1.0, 0.03, 3),
    ),
}

#: Station types that can be simulated, each with the symbols (as sent) it simulates.
SIM_STATION_TYPES: dict[str, tuple[str, ...]] = {
    kind: tuple(p.symbol for p in profiles) for kind, profiles in _PROFILES.items()}


@dataclass(frozen=True)
class SimStation:
    """A station to simulate: its code, station type (``SIM_STATION_TYPES``), reporting
    interval and the daily mean of any symbol that should differ from the default
    (``{"GammaDR": 0.12}`` µSv/h, ``{"PM2,5": 60.0}`` µg/Nm³; units as the module lists)."""

    code: str
    type: str
    interval_s: int
    background: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Ramp:
    """An incident: from ``start`` the parameter (the symbol as sent, e.g. ``GammaDR``) of
    ``station`` rises linearly over ``duration_s`` to its peak, then holds; the peak is the
    undisturbed value × ``peak_factor`` or ``peak_value`` (in the symbol's unit), exactly one
    of the two. ``duration_s == 0`` is a step."""

    station: str
    parameter: str
    start: dt.datetime
    duration_s: float
    peak_factor: float | None = None
    peak_value: float | None = None

    def __post_init__(self):
        if (self.peak_factor is None) == (self.peak_value is None):
            raise ValueError("ramp: give exactly one of peak_factor or peak_value")
        if self.peak_factor is not None and not (math.isfinite(self.peak_factor)
                                                 and self.peak_factor > 0):
            raise ValueError(f"ramp.peak_factor: must be a positive number, got "
                             f"{self.peak_factor!r}")
        if self.peak_value is not None and not (math.isfinite(self.peak_value)
                                                and self.peak_value >= 0):
            raise ValueError(f"ramp.peak_value: must be a number ≥ 0, got {self.peak_value!r}")
        if not (math.isfinite(self.duration_s) and self.duration_s >= 0):
            raise ValueError(f"ramp.duration_s: must be ≥ 0 seconds, got {self.duration_s!r}")
        _require_aware(self.start, "ramp.start")


class SimReading(NamedTuple):
    station: str
    symbol: str
    value: float
    unit: str
    observed_at: dt.datetime  # aware, UTC
    status: str = "00"


def simulate(stations: Sequence[SimStation], *, start: dt.datetime, end: dt.datetime,
             seed: int = 0, ramp: Ramp | None = None) -> Iterator[SimReading]:
    """Readings of ``stations`` at their intervals in ``[start, end)``, in time order (then
    in the order of ``stations``, then of ``SIM_STATION_TYPES``); the model and its sources
    are in the module docstring. Same arguments, same readings. ValueError naming the field
    (``stations[1].type``, ``ramp.parameter``, …) before anything is generated."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end <= start:
        raise ValueError(f"end: {end.isoformat()} is not after start {start.isoformat()}")
    runs = [_StationRun(station, index, seed) for index, station in enumerate(stations)]
    codes = [station.code for station in stations]
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    if duplicated:
        raise ValueError(f"stations: code {duplicated[0]!r} is given more than once")
    if ramp is not None:
        run = next((r for r in runs if r.station.code == ramp.station), None)
        if run is None:
            raise ValueError(f"ramp.station: {ramp.station!r} is not among the stations "
                             f"simulated ({', '.join(codes)})")
        run.ramp_set(ramp)
    return _readings(runs, start.timestamp(), end.timestamp())


def station_file_name(prefix: str, sent_at: dt.datetime) -> str:
    """``<Province>_<Facility>_<Station>_<yyyyMMddHHmmss>.txt`` with the local (UTC+07:00)
    time of ``sent_at`` (TT 10/2021/TT-BTNMT Phụ lục 15). ``prefix`` is the three name parts
    joined by '_', each of ASCII letters, digits and '-'; ValueError ``"prefix: ..."``."""
    parts = prefix.split("_")
    if len(parts) != 3 or not all(_PREFIX_PART_RE.fullmatch(part) for part in parts):
        raise ValueError(f"prefix: {prefix!r} must be <Province>_<Facility>_<Station>, each "
                         "part ASCII letters, digits or '-'")
    _require_aware(sent_at, "sent_at")
    return f"{prefix}_{_local_stamp(sent_at)}.txt"


def station_file_text(readings: Iterable[SimReading]) -> str:
    """The readings as a TT 10/2021/TT-BTNMT Phụ lục 15 data file: one line per reading,
    ``symbol<TAB>value<TAB>unit<TAB>yyyyMMddHHmmss<TAB>status`` in local time (UTC+07:00),
    LF line ends, values in the shortest decimal text that reads back to the same number.
    ValueError naming the reading and field that cannot be written."""
    lines = []
    for index, reading in enumerate(readings):
        for name in ("symbol", "unit"):
            text = getattr(reading, name)
            if not text or any(c.isspace() for c in text):
                raise ValueError(f"readings[{index}].{name}: {text!r} must be non-empty and "
                                 "without spaces")
        if not math.isfinite(reading.value):
            raise ValueError(f"readings[{index}].value: {reading.value!r} is not finite")
        if reading.status not in _STATUSES:
            raise ValueError(f"readings[{index}].status: {reading.status!r} is not one of "
                             f"{', '.join(_STATUSES)}")
        _require_aware(reading.observed_at, f"readings[{index}].observed_at")
        lines.append(f"{reading.symbol}\t{_decimal(reading.value)}\t{reading.unit}\t"
                     f"{_local_stamp(reading.observed_at)}\t{reading.status}\n")
    return "".join(lines)


def _require_aware(moment: dt.datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name}: {moment.isoformat()} has no UTC offset")


def _local_stamp(moment: dt.datetime) -> str:
    local = moment.astimezone(dt.UTC) + dt.timedelta(seconds=_VIETNAM_UTC_OFFSET_S)
    return local.strftime("%Y%m%d%H%M%S")


def _decimal(value: float) -> str:
    text = repr(float(value))
    if "e" in text:  # below 1e-4 or above 1e16: write it out without an exponent
        text = np.format_float_positional(value, trim="-")
    return text


def _shape(profile: _Profile, local_hour: np.ndarray) -> np.ndarray:
    """1 + Σ a·(g − ḡ) with g a Gaussian wrapped over 24 h; ḡ = w√(2π)/24 is its daily mean,
    so the shape's daily mean is exactly 1."""
    shape = np.ones_like(local_hour)
    for bump in profile.bumps:
        wrapped = sum(np.exp(-0.5 * ((local_hour - bump.hour + 24.0 * k) / bump.width_h) ** 2)
                      for k in (-1, 0, 1))
        shape += bump.amplitude * (wrapped - bump.width_h * math.sqrt(2 * math.pi) / 24.0)
    return shape


class _StationRun:
    """One station's generator, profiles and slow-process state across chunks."""

    def __init__(self, station: SimStation, index: int, seed: int):
        where = f"stations[{index}]"
        profiles = _PROFILES.get(station.type)
        if profiles is None:
            raise ValueError(f"{where}.type: {station.type!r} cannot be simulated (known: "
                             f"{', '.join(_PROFILES)})")
        if isinstance(station.interval_s, bool) or not isinstance(station.interval_s, int) \
                or station.interval_s < 1:
            raise ValueError(f"{where}.interval_s: must be a whole number of seconds ≥ 1, got "
                             f"{station.interval_s!r}")
        known = {p.symbol for p in profiles}
        for symbol, level in station.background.items():
            if symbol not in known:
                raise ValueError(f"{where}.background: {symbol!r} is not simulated for a "
                                 f"{station.type} station (known: {', '.join(sorted(known))})")
            if not (isinstance(level, int | float) and math.isfinite(level) and level > 0):
                raise ValueError(f"{where}.background[{symbol!r}]: must be a positive number, "
                                 f"got {level!r}")
        self.station = station
        self.profiles = profiles
        self.means = np.array([_mean(p, station.background) for p in profiles])
        self.sources = [next((i for i, q in enumerate(profiles) if q.symbol == p.derived_from),
                             None) for p in profiles]
        white = np.array([p.white_rel for p in profiles])
        if station.type == "radiation":
            white = white * math.sqrt(_GAMMA_COUNT_S / station.interval_s)
        self.white = white
        self.slow = np.array([p.slow_rel for p in profiles])
        self.rho = np.exp(-station.interval_s / np.array([p.slow_tau_s for p in profiles]))
        self.rng = np.random.default_rng([seed, zlib.crc32(station.code.encode())])
        self.z = self.rng.standard_normal(len(profiles))  # slow process, stationary start
        self.ramp: Ramp | None = None
        self.ramp_row = -1

    def ramp_set(self, ramp: Ramp) -> None:
        symbols = [p.symbol for p in self.profiles]
        if ramp.parameter not in symbols:
            raise ValueError(f"ramp.parameter: {ramp.parameter!r} is not simulated at "
                             f"{ramp.station} (known: {', '.join(symbols)})")
        self.ramp, self.ramp_row = ramp, symbols.index(ramp.parameter)

    def times(self, from_s: float, to_s: float) -> np.ndarray:
        interval = self.station.interval_s
        first = math.ceil(from_s / interval) * interval
        return np.arange(first, to_s, interval, dtype=np.int64)

    def values(self, times_s: np.ndarray) -> np.ndarray:
        """(symbol, time) values, rounded, for the times of one chunk."""
        count = len(times_s)
        slow_eps = self.rng.standard_normal((len(self.profiles), count))
        white_eps = self.rng.standard_normal((len(self.profiles), count))
        z = np.empty_like(slow_eps)
        innovation = np.sqrt(1.0 - self.rho ** 2)
        state = self.z
        for k in range(count):
            state = self.rho * state + innovation * slow_eps[:, k]
            z[:, k] = state
        self.z = state
        sigma = self.slow[:, None]
        slow = np.exp(sigma * z - 0.5 * sigma ** 2)
        white = np.exp(self.white[:, None] * white_eps - 0.5 * self.white[:, None] ** 2)
        local_hour = ((times_s + _VIETNAM_UTC_OFFSET_S) % _DAY_S) / 3600.0
        smooth = np.empty_like(z)
        for row, profile in enumerate(self.profiles):
            source = self.sources[row]
            if source is None:
                smooth[row] = self.means[row] * _shape(profile, local_hour) * slow[row]
            else:
                smooth[row] = smooth[source] * (self.means[row] / self.means[source])
        values = smooth * white
        if self.ramp is not None:
            self._ramp_apply(values[self.ramp_row], white[self.ramp_row], times_s)
        decimals = [p.decimals for p in self.profiles]
        return np.vstack([np.round(values[row], decimals[row]) for row in range(len(decimals))])

    def _ramp_apply(self, row: np.ndarray, white: np.ndarray, times_s: np.ndarray) -> None:
        ramp = cast(Ramp, self.ramp)  # called when there is one
        elapsed_s = times_s - ramp.start.timestamp()
        inside = elapsed_s >= 0
        if not inside.any():
            return
        fraction = (np.ones_like(row) if ramp.duration_s == 0
                    else np.clip(elapsed_s / ramp.duration_s, 0.0, 1.0))
        peak = row * ramp.peak_factor if ramp.peak_factor is not None else (
            ramp.peak_value * white)
        row[inside] += (peak[inside] - row[inside]) * fraction[inside]


def _mean(profile: _Profile, background: Mapping[str, float]) -> float:
    if profile.symbol in background:
        return float(background[profile.symbol])
    if profile.derived_from in background:
        return float(background[cast(str, profile.derived_from)]) * _PM10_RATIO
    return profile.mean


def _readings(runs: list[_StationRun], start_s: float, end_s: float) -> Iterator[SimReading]:
    chunk_from = start_s
    while chunk_from < end_s:
        chunk_to = min(chunk_from + _CHUNK_S, end_s)
        keys_time, keys_run, keys_row, all_values = [], [], [], []
        for index, run in enumerate(runs):
            times_s = run.times(chunk_from, chunk_to)
            if len(times_s) == 0:
                continue
            values = run.values(times_s)
            rows = len(run.profiles)
            keys_time.append(np.tile(times_s, rows))
            keys_run.append(np.full(rows * len(times_s), index))
            keys_row.append(np.repeat(np.arange(rows), len(times_s)))
            all_values.append(values.ravel())
        if keys_time:
            times, run_of, row_of = (np.concatenate(keys_time), np.concatenate(keys_run),
                                     np.concatenate(keys_row))
            values = np.concatenate(all_values)
            moments: dict[int, dt.datetime] = {}
            for at in np.lexsort((row_of, run_of, times)):
                time_s = int(times[at])
                moment = moments.get(time_s)
                if moment is None:
                    moment = moments[time_s] = dt.datetime.fromtimestamp(time_s, dt.UTC)
                run = runs[run_of[at]]
                profile = run.profiles[row_of[at]]
                yield SimReading(run.station.code, profile.symbol, float(values[at]),
                                 profile.unit, moment)
        chunk_from = chunk_to
