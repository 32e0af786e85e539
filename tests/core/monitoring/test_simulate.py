import datetime as dt
import statistics
from collections import defaultdict

import pytest

from ungpho.core.formats.station_file import FileLine, parse_file_name, parse_lines
from ungpho.core.monitoring.simulate import (
    SIM_STATION_TYPES,
    Ramp,
    SimStation,
    simulate,
    station_file_name,
    station_file_text,
)

UTC = dt.UTC
START = dt.datetime(2026, 11, 1, tzinfo=UTC)
AIR = SimStation("HN-AIR-01", "ambient_air", 300)
WATER = SimStation("HN-SW-01", "surface_water", 300)
GAMMA = SimStation("HN-GAMMA-01", "radiation", 600, {"GammaDR": 0.12})


def _series(readings, symbol):
    return [(r.observed_at, r.value) for r in readings if r.symbol == symbol]


def _hourly_means(series) -> dict[int, float]:
    by_hour = defaultdict(list)
    for moment, value in series:
        by_hour[(moment.hour + 7) % 24].append(value)
    return {hour: statistics.fmean(values) for hour, values in by_hour.items()}


@pytest.fixture(scope="module")
def month():
    return list(simulate([AIR, WATER], start=START, end=START + dt.timedelta(days=30),
                         seed=7))


def test_the_same_seed_gives_the_same_readings_and_another_seed_does_not():
    window = {"start": START, "end": START + dt.timedelta(hours=6)}
    first = list(simulate([AIR, GAMMA], seed=3, **window))
    assert first == list(simulate([AIR, GAMMA], seed=3, **window))
    assert [r.value for r in first] != [r.value for r in simulate([AIR, GAMMA], seed=4,
                                                                  **window)]


def test_a_station_series_does_not_depend_on_the_other_stations_simulated():
    window = {"start": START, "end": START + dt.timedelta(hours=6), "seed": 1}
    together = [r for r in simulate([AIR, WATER, GAMMA], **window) if r.station == GAMMA.code]
    assert together == list(simulate([GAMMA], **window))


def test_readings_fall_on_interval_multiples_of_the_half_open_window_in_time_order():
    start = START + dt.timedelta(seconds=30)
    readings = list(simulate([AIR, GAMMA], start=start, end=START + dt.timedelta(days=1)))
    air = [r for r in readings if r.station == AIR.code]
    # 00:00 is before the start
    assert len(air) == (288 - 1) * len(SIM_STATION_TYPES["ambient_air"])
    assert {r.symbol for r in air} == {"PM2,5", "PM10", "NO2", "SO2", "CO", "O3"}
    assert air[0].observed_at == START + dt.timedelta(minutes=5)
    assert max(r.observed_at for r in readings) == START + dt.timedelta(hours=23, minutes=55)
    gamma_times = [r.observed_at for r in readings if r.station == GAMMA.code]
    assert len(gamma_times) == 143 and all(t.minute % 10 == 0 for t in gamma_times)
    assert [r.observed_at for r in readings] == sorted(r.observed_at for r in readings)
    assert {(r.status, r.observed_at.utcoffset()) for r in readings} == {("00", dt.timedelta(0))}
    assert {r.unit for r in air} == {"µg/Nm³"}
    assert {r.unit for r in readings if r.station == GAMMA.code} == {"µSv/h"}


def test_traffic_gases_peak_at_the_morning_and_evening_rush_hours(month):
    for symbol in ("NO2", "CO"):
        hourly = _hourly_means(_series(month, symbol))
        night = statistics.fmean(hourly[h] for h in (2, 3, 4))
        assert max(hourly, key=hourly.get) in {7, 8, 9, 18, 19, 20}, symbol
        assert hourly[8] > 1.6 * night and hourly[19] > 1.5 * night, symbol
        assert hourly[8] > 1.3 * hourly[13] and hourly[19] > 1.3 * hourly[13], symbol


def test_ozone_peaks_in_the_afternoon_and_is_lowest_at_the_morning_rush(month):
    hourly = _hourly_means(_series(month, "O3"))
    assert max(hourly, key=hourly.get) in {13, 14, 15, 16}
    assert min(hourly, key=hourly.get) in {6, 7, 8}
    assert hourly[14] > 3 * hourly[7]


def test_pm25_is_lowest_in_the_afternoon_and_pm10_is_about_1_6_times_it(month):
    hourly = _hourly_means(_series(month, "PM2,5"))
    assert min(hourly, key=hourly.get) in {13, 14, 15, 16}
    assert hourly[7] > 1.8 * hourly[14] and hourly[20] > 1.8 * hourly[14]
    pm25 = dict(_series(month, "PM2,5"))
    ratios = [value / pm25[moment] for moment, value in _series(month, "PM10")]
    assert statistics.fmean(ratios) == pytest.approx(1.6, abs=0.02)


def test_dissolved_oxygen_and_ph_peak_after_midday_and_ammonium_before_dawn(month):
    for symbol in ("DO", "pH", "Temp"):
        hourly = _hourly_means(_series(month, symbol))
        assert max(hourly, key=hourly.get) in {12, 13, 14, 15, 16, 17}, symbol
        assert min(hourly, key=hourly.get) in {0, 1, 2, 3, 4, 5}, symbol
    nh4 = _hourly_means(_series(month, "NH4"))
    assert max(nh4, key=nh4.get) in {3, 4, 5, 6, 7}
    ph = [value for _, value in _series(month, "pH")]
    assert min(ph) > 7.0 and max(ph) < 7.8


def test_the_background_is_the_daily_mean_and_gamma_noise_is_a_few_percent():
    so2 = SimStation("HN-AIR-02", "ambient_air", 300, {"SO2": 20.0})
    gamma = SimStation("HN-GAMMA-02", "radiation", 600, {"GammaDR": 0.15})
    readings = list(simulate([so2, gamma], start=START, end=START + dt.timedelta(days=60),
                             seed=2))
    assert statistics.fmean(v for _, v in _series(readings, "SO2")) == pytest.approx(20, rel=0.1)
    dose = [v for _, v in _series(readings, "GammaDR")]
    assert statistics.fmean(dose) == pytest.approx(0.15, rel=0.005)
    assert statistics.stdev(dose) / 0.15 == pytest.approx(0.03, abs=0.003)


def test_gamma_noise_grows_as_the_counting_interval_shortens():
    fast = SimStation("HN-GAMMA-03", "radiation", 60)
    dose = [r.value for r in simulate([fast], start=START, end=START + dt.timedelta(days=3))]
    assert statistics.fmean(dose) == pytest.approx(0.10, rel=0.01)  # the default background
    assert statistics.stdev(dose) / 0.10 == pytest.approx(0.03 * 10 ** 0.5, rel=0.1)


def test_every_value_is_positive_and_at_the_sensor_resolution(month):
    assert all(r.value > 0 for r in month)
    assert all(r.value == round(r.value, 2) for r in month if r.symbol in {"pH", "DO", "NH4"})
    assert all(r.value == round(r.value) for r in month if r.symbol == "CO")


def test_a_ramp_to_a_peak_value_rises_linearly_then_holds_and_leaves_earlier_data_alone():
    t0 = START + dt.timedelta(hours=10)
    ramp = Ramp(GAMMA.code, "GammaDR", t0, duration_s=3600, peak_value=1.2)
    window = {"start": START, "end": START + dt.timedelta(hours=20), "seed": 5}
    plain = dict(_series(simulate([AIR, GAMMA], **window), "GammaDR"))
    ramped = dict(_series(simulate([AIR, GAMMA], ramp=ramp, **window), "GammaDR"))
    assert all(ramped[t] == plain[t] for t in plain if t < t0)
    half = ramped[t0 + dt.timedelta(minutes=30)]
    assert 0.5 * (0.12 + 1.2) * 0.85 < half < 0.5 * (0.12 + 1.2) * 1.15
    held = [v for t, v in ramped.items() if t >= t0 + dt.timedelta(hours=1)]
    assert len(held) == 54
    assert statistics.fmean(held) == pytest.approx(1.2, rel=0.02)
    assert all(1.2 * 0.85 < v < 1.2 * 1.15 for v in held)
    assert len(set(held)) > 10  # noisy like an instrument, never flat


def test_a_ramp_by_a_factor_multiplies_the_undisturbed_values_of_that_parameter_only():
    t0 = START + dt.timedelta(hours=2)
    ramp = Ramp(AIR.code, "PM2,5", t0, duration_s=0, peak_factor=5)
    window = {"start": START, "end": START + dt.timedelta(hours=4)}
    plain = list(simulate([AIR], **window))
    ramped = list(simulate([AIR], ramp=ramp, **window))
    for before, after in zip(plain, ramped, strict=True):
        if before.symbol == "PM2,5" and before.observed_at >= t0:
            assert after.value == pytest.approx(5 * before.value, abs=0.3)
        else:
            assert after == before


def test_the_file_text_reads_back_to_the_same_readings():
    readings = list(simulate([AIR, WATER, GAMMA], start=START,
                             end=START + dt.timedelta(hours=1)))
    text = station_file_text(readings)
    assert text.splitlines()[0] == "PM2,5\t" + repr(readings[0].value) + "\tµg/Nm³\t" \
        "20261101070000\t00"
    lines = list(parse_lines(text.encode().splitlines(keepends=True)))
    assert all(isinstance(line, FileLine) for line in lines)
    assert [(x.symbol, x.value, x.unit, x.observed_at, x.status) for x in lines] == [
        (r.symbol, r.value, r.unit, r.observed_at, r.status) for r in readings]


def test_a_tiny_value_is_written_without_an_exponent():
    reading = next(iter(simulate([GAMMA], start=START, end=START + dt.timedelta(minutes=1))))
    text = station_file_text([reading._replace(value=0.00002)])
    assert text.split("\t")[1] == "0.00002"


def test_the_file_name_carries_the_local_sending_time():
    # The worked example of TT 10/2021 Phụ lục 15 as given in core/formats/station_file.py.
    sent_at = dt.datetime(2026, 11, 21, 3, 5, tzinfo=UTC)
    assert station_file_name("HN_NMNHADAU_KHI01", sent_at) == \
        "HN_NMNHADAU_KHI01_20261121100500.txt"
    name = parse_file_name(station_file_name("VN_DEMO_HN-AIR-01", sent_at))
    assert (name.province, name.facility, name.station, name.sent_at) == (
        "VN", "DEMO", "HN-AIR-01", sent_at)


@pytest.mark.parametrize(("call", "field"), [
    (lambda: simulate([SimStation("X", "stack_emission", 300)], start=START,
                      end=START + dt.timedelta(hours=1)), "stations[0].type"),
    (lambda: simulate([SimStation("X", "radiation", 0)], start=START,
                      end=START + dt.timedelta(hours=1)), "stations[0].interval_s"),
    (lambda: simulate([AIR, SimStation("X", "radiation", 60, {"PM2,5": 3.0})], start=START,
                      end=START + dt.timedelta(hours=1)), "stations[1].background"),
    (lambda: simulate([SimStation("X", "radiation", 60, {"GammaDR": -1.0})], start=START,
                      end=START + dt.timedelta(hours=1)), "stations[0].background['GammaDR']"),
    (lambda: simulate([AIR, AIR], start=START, end=START + dt.timedelta(hours=1)),
     "stations: code 'HN-AIR-01'"),
    (lambda: simulate([AIR], start=dt.datetime(2026, 11, 1), end=START), "start:"),
    (lambda: simulate([AIR], start=START, end=START), "end:"),
    (lambda: simulate([AIR], start=START, end=START + dt.timedelta(hours=1),
                      ramp=Ramp("NOPE", "NO2", START, 60, peak_factor=2)), "ramp.station"),
    (lambda: simulate([AIR], start=START, end=START + dt.timedelta(hours=1),
                      ramp=Ramp(AIR.code, "PM2.5", START, 60, peak_factor=2)),
     "ramp.parameter: 'PM2.5'"),
    (lambda: Ramp(AIR.code, "NO2", START, 60), "ramp: give exactly one"),
    (lambda: Ramp(AIR.code, "NO2", START, -1, peak_value=3), "ramp.duration_s"),
    (lambda: station_file_name("HN_NMNHADAU", START), "prefix:"),
    (lambda: station_file_name("HN_NM_A_B", START), "prefix:"),
])
def test_bad_input_is_refused_naming_the_field(call, field):
    with pytest.raises(ValueError, match=f"^{field}".replace("[", r"\[").replace("]", r"\]")
                       .replace("(", r"\(")):
        call()
