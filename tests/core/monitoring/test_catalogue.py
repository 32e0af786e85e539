from __future__ import annotations

import pytest

from ungpho.core.monitoring.catalogue import (
    STATION_TYPES,
    catalogue,
    catalogue_load,
    station_type_name,
    unit_factor,
    unit_normalise,
)

# ── resolution of station symbols ────────────────────────────────────────────────────────


def test_pm2_comma_5_resolves_to_pm2_5_for_ambient_air():
    assert catalogue().find("PM2,5", "ambient_air").code == "PM2.5"


def test_so2_at_a_stack_resolves_to_so2_stack():
    spec = catalogue().find("SO2", "stack_emission")
    assert (spec.code, spec.unit) == ("SO2_stack", "mg/Nm³")


def test_so2_in_ambient_air_is_the_ambient_quantity():
    spec = catalogue().find("SO2", "ambient_air")
    assert (spec.code, spec.unit) == ("SO2", "µg/Nm³")


def test_no_is_nitric_oxide_not_a_yaml_boolean():
    assert catalogue().find("NO", "ambient_air").code == "NO"
    assert catalogue().find("NO", "stack_emission").code == "NO_stack"


def test_temp_resolves_per_station_type():
    assert catalogue().find("Temp", "surface_water").code == "Temp"
    assert catalogue().find("Temp", "stack_emission").code == "Temp_stack"


def test_symbol_of_another_station_type_is_not_found():
    assert catalogue().find("PM2,5", "wastewater") is None


def test_symbols_are_case_sensitive():
    assert catalogue().find("Co", "ambient_air") is None


def test_unknown_station_type_is_an_error_naming_it():
    with pytest.raises(ValueError, match="station_type 'river'"):
        catalogue().find("pH", "river")


def test_every_code_and_alias_resolves_to_its_own_entry():
    params = catalogue().parameters
    assert len(params) > 40
    for spec in params.values():
        for symbol in (spec.code, *spec.aliases):
            for station_type in spec.station_types:
                assert catalogue().find(symbol, station_type) is spec


def test_catalogue_is_loaded_once():
    assert catalogue() is catalogue()


def test_station_types_have_vietnamese_and_english_names():
    assert station_type_name("wastewater") == ("Nước thải", "Wastewater")
    assert all(len(station_type_name(code)) == 2 for code in STATION_TYPES)
    with pytest.raises(ValueError, match="station_type 'sea'"):
        station_type_name("sea")


# ── bad parameter files ─────────────────────────────────────────────────────────────────

_GOOD = """\
  - code: PM10
    name_vi: Bụi PM10
    name_en: Particulate matter PM10
    unit: µg/Nm³
    range_min: 0
    range_max: 10000
    station_types: [ambient_air]
    citation: test
"""


def _load(tmp_path, entries: str):
    path = tmp_path / "parameters.yaml"
    path.write_text("parameters:\n" + _GOOD + entries, encoding="utf-8")
    return catalogue_load(path)


def _entry(**fields) -> str:
    base = {"code": "X", "name_vi": "x", "name_en": "x", "unit": "mg/L", "range_min": 0,
            "range_max": 1, "station_types": "[wastewater]", "citation": "test"}
    base.update(fields)
    lines = [f"{key}: {value}" for key, value in base.items() if value is not None]
    return "  - " + "\n    ".join(lines) + "\n"


def test_good_file_loads(tmp_path):
    assert list(_load(tmp_path, "").parameters) == ["PM10"]


def test_unquoted_no_is_reported_as_a_boolean_with_its_line(tmp_path):
    with pytest.raises(ValueError, match=r"line 10: entry .*field code: got the boolean False"):
        _load(tmp_path, _entry(code="NO"))


def test_range_min_above_range_max_names_entry_and_field(tmp_path):
    with pytest.raises(ValueError, match=r"entry 'X': field range_min: 5 must be below"):
        _load(tmp_path, _entry(range_min=5))


def test_non_numeric_range_is_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"field range_max: must be a finite number"):
        _load(tmp_path, _entry(range_max="high"))


def test_unknown_station_type_is_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"field station_types: 'river' unknown"):
        _load(tmp_path, _entry(station_types="[river]"))


def test_unit_must_be_in_canonical_spelling(tmp_path):
    with pytest.raises(ValueError, match=r"field unit: write 'µg/m³', not 'ug/m3'"):
        _load(tmp_path, _entry(unit="ug/m3"))


def test_unknown_unit_is_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"field unit: unit 'furlong': unknown unit"):
        _load(tmp_path, _entry(unit="furlong"))


def test_missing_and_unknown_fields_are_named(tmp_path):
    with pytest.raises(ValueError) as error:
        _load(tmp_path, _entry(citation=None, colour="red"))
    assert "field citation: missing" in str(error.value)
    assert "field colour: unknown" in str(error.value)


def test_duplicate_code_is_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"entry 'PM10': field code: already used at "
                                         r"parameters.yaml line 2"):
        _load(tmp_path, _entry(code="PM10", station_types="[ambient_air]"))


def test_alias_resolving_to_two_entries_is_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"entry 'PM10b': field aliases: symbol 'PM10' at "
                                         r"station type 'ambient_air' already names 'PM10'"):
        _load(tmp_path, _entry(code="PM10b", aliases="[PM10]", station_types="[ambient_air]"))


def test_same_alias_on_disjoint_station_types_is_allowed(tmp_path):
    params = _load(tmp_path, _entry(code="PM10_stack", aliases="[PM10]",
                                    station_types="[stack_emission]"))
    assert params.find("PM10", "stack_emission").code == "PM10_stack"
    assert params.find("PM10", "ambient_air").code == "PM10"


def test_duplicate_yaml_key_is_reported_with_its_line(tmp_path):
    with pytest.raises(ValueError, match=r"parameters.yaml line 14: duplicate key 'unit'"):
        _load(tmp_path, _entry(unit="mg/L\n    unit: mg/L"))


def test_every_problem_is_listed_and_good_entries_are_not_blamed(tmp_path):
    with pytest.raises(ValueError) as error:
        _load(tmp_path, _entry(code="A", range_min=9) + _entry(code="B", unit="ug/m3"))
    message = str(error.value)
    assert "2 problem(s)" in message
    assert "'A'" in message and "'B'" in message and "'PM10'" not in message


# ── units ───────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("written", "canonical"), [
    ("ug/m3", "µg/m³"),
    ("μg/m³", "µg/m³"),  # Greek mu U+03BC
    ("µg/m3", "µg/m³"),  # micro sign U+00B5
    ("mg/Nm3", "mg/Nm³"),
    ("ug/Nm^3", "µg/Nm³"),
    ("uSv/h", "µSv/h"),
    ("oC", "°C"),
    ("degC", "°C"),
    ("mg/l", "mg/L"),
    ("uS/cm", "µS/cm"),
    (" W/m2 ", "W/m²"),
    ("%vol", "%"),
])
def test_unit_spellings_normalise(written, canonical):
    assert unit_normalise(written) == canonical


def test_mg_m3_to_ug_m3_is_times_1000():
    assert unit_factor("mg/m3", "µg/m³") == (1000.0, 0.0)


def test_mg_m3_written_for_an_ug_nm3_parameter_converts_by_the_prefix():
    assert unit_factor("mg/m3", "µg/Nm³") == (1000.0, 0.0)


def test_nsv_h_to_usv_h_is_one_thousandth():
    scale, offset = unit_factor("nSv/h", "µSv/h")
    assert 85 * scale + offset == pytest.approx(0.085, rel=1e-12)


def test_msv_h_to_nsv_h_is_a_million():
    assert unit_factor("mSv/h", "nSv/h") == (1e6, 0.0)


def test_mg_l_to_ug_l_is_times_1000():
    assert unit_factor("mg/l", "ug/L") == (1000.0, 0.0)


def test_celsius_to_kelvin_and_back():
    scale, offset = unit_factor("oC", "K")
    assert 25 * scale + offset == pytest.approx(298.15, abs=1e-9)
    scale, offset = unit_factor("K", "degC")
    assert 273.15 * scale + offset == pytest.approx(0.0, abs=1e-9)


def test_ppm_to_ppb_needs_no_gas():
    assert unit_factor("ppm", "ppb") == (1000.0, 0.0)


def test_ppb_to_mass_without_gas_says_why():
    with pytest.raises(ValueError, match="molar mass"):
        unit_factor("ppb", "µg/Nm³")


def test_100_ppb_so2_is_262_ug_nm3():
    # 100 ppb × 64.06 g/mol / 24.45 L/mol (US EPA form; quemist.com: 261.8 with M = 64)
    scale, _ = unit_factor("ppb", "µg/Nm³", gas="SO2")
    assert 100 * scale == pytest.approx(262.0, abs=0.1)


def test_50_ppb_ozone_is_98_ug_m3():
    scale, _ = unit_factor("ppb", "ug/m3", gas="O3")
    assert 50 * scale == pytest.approx(98.16, abs=0.05)


def test_1_ppm_co_at_a_stack_is_1_145_mg_nm3():
    scale, _ = unit_factor("ppm", "mg/Nm3", gas="CO_stack")
    assert scale == pytest.approx(1.145, abs=0.001)


def test_mass_to_ppb_is_the_inverse():
    forward, _ = unit_factor("ppb", "µg/Nm³", gas="NO2")
    back, _ = unit_factor("µg/Nm³", "ppb", gas="NO2")
    assert forward * back == pytest.approx(1.0, rel=1e-12)


def test_unknown_gas_is_named():
    with pytest.raises(ValueError, match="gas 'CH4'"):
        unit_factor("ppb", "µg/m³", gas="CH4")


def test_dose_rate_does_not_convert_to_a_concentration():
    with pytest.raises(ValueError, match=r"cannot convert µSv/h \(dose rate\) to mg/L"):
        unit_factor("µSv/h", "mg/L")


def test_air_and_water_concentrations_are_not_mixed():
    with pytest.raises(ValueError, match="cannot convert"):
        unit_factor("mg/L", "mg/m³")


def test_microroentgen_per_hour_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="exposure rate"):
        unit_factor("uR/h", "µSv/h")


def test_gray_per_hour_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="absorbed-dose rate"):
        unit_factor("nGy/h", "nSv/h")


def test_unknown_unit_is_named():
    with pytest.raises(ValueError, match="unit 'bananas/h': unknown unit"):
        unit_normalise("bananas/h")


def test_every_catalogue_unit_converts_to_itself():
    for spec in catalogue().parameters.values():
        assert unit_factor(spec.unit, spec.unit) == (1.0, 0.0)
