"""Radioactive decay A(t) = A₀·2^(−t/T½): the half-lives of every D-value nuclide, name
normalisation, back-calculation and the refusals (naive datetimes, negative activity)."""

import math
from datetime import UTC, datetime, timedelta, timezone
from importlib.resources import files

import pytest
import yaml

from ungpho.core.science.decay import (
    HalfLifeDataError,
    UnknownNuclide,
    _table_from_document,
    activity_at_bq,
    decay_factor,
    half_life_s,
    known_nuclides,
    nuclide_canonical,
)

DAY_S = 86400.0
YEAR_S = 365.25 * DAY_S  # Julian year, the "a" of DDEP
REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)


def d_value_nuclides() -> list[str]:
    resource = (
        files("ungpho.core.rules")
        .joinpath("iaea_epr_d_values_2006")
        .joinpath("d_values.yaml")
    )
    document = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return [row["nuclide"] for row in document["values"]]


def test_co60_source_loses_half_its_activity_in_5_27_years():
    t_half = half_life_s("Co-60")
    assert t_half == pytest.approx(5.2711 * YEAR_S)
    assert decay_factor(t_half, t_half) == pytest.approx(0.5, rel=1e-15)
    at = REFERENCE + timedelta(seconds=t_half)
    assert activity_at_bq(
        activity_bq=1e12, reference=REFERENCE, at=at, nuclide="Co-60"
    ) == pytest.approx(0.5e12, rel=1e-12)


def test_every_tabulated_half_life_halves_the_activity():
    for nuclide in known_nuclides():
        t_half = half_life_s(nuclide)
        assert decay_factor(t_half, t_half) == pytest.approx(0.5, rel=1e-14), nuclide
        assert decay_factor(2 * t_half, t_half) == pytest.approx(0.25, rel=1e-14), nuclide


def test_cs137_source_after_30_05_years_is_a_hair_under_half():
    # DDEP 2023 gives 30.018 a (the former DDEP value was 30.05 a): after 30.05 a a little
    # less than half is left, 2^(−30.05/30.018) = 0.49963.
    at = REFERENCE + timedelta(seconds=30.05 * YEAR_S)
    left = activity_at_bq(activity_bq=100.0, reference=REFERENCE, at=at, nuclide="Cs-137")
    assert left == pytest.approx(100.0 * 2 ** (-30.05 / 30.018), rel=1e-12)
    assert left == pytest.approx(49.963, abs=5e-4)
    assert 49.9 < left < 50.0


def test_ir192_radiography_source_of_3_7_tbq_is_1_85_tbq_after_74_days():
    # T½ = 73.827 d: 74 d is 1.00234 half-lives.
    at = REFERENCE + timedelta(days=74)
    left = activity_at_bq(activity_bq=3.7e12, reference=REFERENCE, at=at, nuclide="Ir-192")
    assert left == pytest.approx(3.7e12 * math.exp(-math.log(2) * 74 / 73.827), rel=1e-12)
    assert left == pytest.approx(1.847e12, rel=5e-4)


def test_back_calculation_gives_the_activity_before_the_reference_date():
    # An I-131 capsule calibrated at 1 GBq: two half-lives earlier it held 4 GBq.
    t_half = half_life_s("I-131")
    before = REFERENCE - timedelta(seconds=2 * t_half)
    earlier = activity_at_bq(activity_bq=1e9, reference=REFERENCE, at=before, nuclide="I-131")
    assert earlier == pytest.approx(4e9, rel=1e-9)
    assert decay_factor(-t_half, t_half) == pytest.approx(2.0, rel=1e-15)
    # Forward then back returns the start.
    later = REFERENCE + timedelta(days=17)
    there = activity_at_bq(activity_bq=5e8, reference=REFERENCE, at=later, nuclide="I-131")
    back = activity_at_bq(activity_bq=there, reference=later, at=REFERENCE, nuclide="I-131")
    assert back == pytest.approx(5e8, rel=1e-12)


def test_zero_elapsed_and_zero_activity_change_nothing():
    assert activity_at_bq(
        activity_bq=7.0, reference=REFERENCE, at=REFERENCE, nuclide="H-3"
    ) == pytest.approx(7.0)
    later = REFERENCE + timedelta(days=1000)
    assert activity_at_bq(activity_bq=0.0, reference=REFERENCE, at=later, nuclide="H-3") == 0.0


def test_time_zones_do_not_change_the_elapsed_time():
    hanoi = timezone(timedelta(hours=7))
    same_instant = REFERENCE.astimezone(hanoi) + timedelta(hours=6)
    utc_form = REFERENCE + timedelta(hours=6)
    a = activity_at_bq(activity_bq=1e9, reference=REFERENCE, at=same_instant, nuclide="F-18")
    b = activity_at_bq(activity_bq=1e9, reference=REFERENCE, at=utc_form, nuclide="F-18")
    assert a == b


def test_every_d_value_nuclide_has_a_half_life():
    nuclides = d_value_nuclides()
    assert len(nuclides) >= 30
    missing = [n for n in nuclides if n not in known_nuclides()]
    assert missing == []
    for nuclide in nuclides:
        assert half_life_s(nuclide) > 0


def test_neutron_sources_decay_with_their_alpha_emitter():
    assert half_life_s("Am-241/Be") == half_life_s("Am-241")
    assert half_life_s("Pu-239/Be") == half_life_s("Pu-239")


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Cs-137", "Cs-137"),
        ("Cs137", "Cs-137"),
        ("cs-137", "Cs-137"),
        ("CS137", "Cs-137"),
        ("137Cs", "Cs-137"),
        (" 137 cs ", "Cs-137"),
        ("Tc-99m", "Tc-99m"),
        ("99mTc", "Tc-99m"),
        ("tc99m", "Tc-99m"),
        ("99Mo", "Mo-99"),
        ("H3", "H-3"),
        ("3H", "H-3"),
        ("Am241/Be", "Am-241/Be"),
        ("241Am/Be", "Am-241/Be"),
        ("am-241/be", "Am-241/Be"),
    ],
)
def test_aliases_normalise_to_the_canonical_name(name, canonical):
    assert nuclide_canonical(name) == canonical
    assert half_life_s(name) == half_life_s(canonical)


def test_unknown_nuclide_error_names_it_and_lists_the_known_ones():
    with pytest.raises(UnknownNuclide) as caught:
        half_life_s("Xx-999")
    message = str(caught.value)
    assert "'Xx-999'" in message
    assert ", ".join(sorted(known_nuclides())) in message
    assert isinstance(caught.value, ValueError)
    with pytest.raises(UnknownNuclide):
        nuclide_canonical("Tc-99")  # the ground state is not the isomer
    with pytest.raises(UnknownNuclide):
        activity_at_bq(activity_bq=1.0, reference=REFERENCE, at=REFERENCE, nuclide="Cs-138")


def test_known_nuclides_are_sorted_and_canonical():
    names = known_nuclides()
    assert list(names) == sorted(names)
    assert all(nuclide_canonical(n) == n for n in names)


@pytest.mark.parametrize("field", ["reference", "at"])
def test_naive_datetime_is_refused(field):
    times = {"reference": REFERENCE, "at": REFERENCE + timedelta(days=1)}
    times[field] = times[field].replace(tzinfo=None)
    with pytest.raises(ValueError, match=field):
        activity_at_bq(activity_bq=1.0, nuclide="Co-60", **times)


@pytest.mark.parametrize("activity", [-1.0, -1e-30, math.nan, math.inf, True, "1"])
def test_negative_or_non_finite_activity_is_refused(activity):
    with pytest.raises(ValueError, match="activity_bq"):
        activity_at_bq(activity_bq=activity, reference=REFERENCE, at=REFERENCE, nuclide="Co-60")


@pytest.mark.parametrize(
    ("elapsed_s", "t_half_s"), [(1.0, 0.0), (1.0, -5.0), (1.0, math.nan), (math.inf, 1.0)]
)
def test_decay_factor_refuses_meaningless_times(elapsed_s, t_half_s):
    with pytest.raises(ValueError):
        decay_factor(elapsed_s, t_half_s)


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ({"nuclide": "Co-60", "half_life": "5.27 y", "source": "DDEP"}, "unknown unit"),
        ({"nuclide": "Co-60", "half_life": "0 a", "source": "DDEP"}, "positive"),
        ({"nuclide": "Co-60", "half_life": "-5.27 a", "source": "DDEP"}, "positive"),
        ({"nuclide": "Co-60", "half_life": "5.27a", "source": "DDEP"}, "<value> <unit>"),
        ({"nuclide": "Co-60", "half_life": "long a", "source": "DDEP"}, "not a number"),
        ({"nuclide": "Co-60", "half_life": "5.27 a", "source": "memory"}, "source"),
        ({"nuclide": "co60", "half_life": "5.27 a", "source": "DDEP"}, "canonical"),
        ({"nuclide": "Co-60/Be", "same_as": "Co-59", "source": "DDEP"}, "same_as"),
        ({"nuclide": "Co-60", "source": "DDEP"}, "exactly one"),
    ],
)
def test_malformed_data_entry_is_refused_naming_the_nuclide(entry, complaint):
    with pytest.raises(HalfLifeDataError, match=complaint) as caught:
        _table_from_document({"values": [entry]})
    assert entry["nuclide"] in str(caught.value)


def test_duplicate_data_entry_is_refused():
    row = {"nuclide": "Co-60", "half_life": "5.2711 a", "source": "DDEP"}
    with pytest.raises(HalfLifeDataError, match="Co-60: listed twice"):
        _table_from_document({"values": [row, row]})


def test_units_of_the_data_file_convert_to_seconds():
    table = _table_from_document(
        {
            "values": [
                {"nuclide": "F-18", "half_life": "109.728 min", "source": "DDEP"},
                {"nuclide": "Mo-99", "half_life": "65.924 h", "source": "DDEP"},
                {"nuclide": "U-238", "half_life": "4.468e9 a", "source": "DDEP"},
                {"nuclide": "Po-212", "half_life": "300e-9 s", "source": "DDEP"},
            ]
        }
    )
    assert table["F-18"] == pytest.approx(109.728 * 60)
    assert table["Mo-99"] == pytest.approx(65.924 * 3600)
    assert table["U-238"] == pytest.approx(4.468e9 * YEAR_S)
    assert table["Po-212"] == pytest.approx(3e-7)
