"""Units of station readings: spelling normalisation and linear conversion factors.

A station writes its unit in column 3 of its data file (TT 10/2021/TT-BTNMT, Phụ lục 15,
Bảng 34; see ``data/parameters.yaml``) with whatever keyboard it has: ``ug/m3``, ``µg/m3``,
``μg/m³`` (Greek mu U+03BC rather than the micro sign U+00B5), ``mg/Nm3``, ``uSv/h``, ``oC``,
``degC``. :func:`unit_normalise` maps those to one canonical spelling (µ U+00B5, ³, °) and
:func:`unit_factor` gives ``(scale, offset)`` with ``to = from × scale + offset``.

Sources:
- SI prefixes and the kelvin: BIPM, The International System of Units (SI brochure, 9th ed.,
  2019), §2.3.3 (T/K = t/°C + 273.15) and Table 7 (prefixes).
- ppb → µg/m³ = ppb × M / 24.45, with 24.45 L/mol the molar volume of an ideal gas at 25 °C
  and 1 atm, the form used by US EPA air-quality work (worked examples: 50 ppb O3 ≈ 98.2
  µg/m³, 1 ppm CO ≈ 1.145 mg/m³: https://quemist.com/convert/ppb-air-to-ug-per-m3 ;
  Kansas State University "understanding units of measurement", quoted at
  https://www.teesing.com/en/page/library/tools/ppm-mg3-converter). 25 °C and 101.325 kPa are
  also the conditions we read for "Nm³" in QCVN 05:2023/BTNMT (``data/qcvn05_2023.yaml``).
- Molar masses from the IUPAC conventional standard atomic weights (CIAAW 2021):
  H 1.008, C 12.011, N 14.007, O 15.999, S 32.06.
- 1 mmHg = 101325/760 Pa (760 mmHg = 1 standard atmosphere, as QCVN 05:2023 writes it).

Readings (where the texts are silent):
- m³ and Nm³ are treated as the same volume basis: ``mg/m3`` converts to ``µg/Nm³`` by the
  prefix alone (× 1000). TT 10/2021 equipment tables themselves write mg/m³ for stack
  concentrations that QCVN 19/20 and TT 10 reporting give at standard conditions, and
  analysers transmit values already normalised; converting actual to normal conditions would
  need the flue-gas temperature, pressure (and O2, moisture) of each reading, which a unit
  string does not carry. No temperature or pressure correction is ever applied here.
- Mass concentrations in air (per m³) and in water (per L) are different families and never
  converted into each other, although mg/L = g/m³ dimensionally.
- ppb/ppm ↔ mass concentration only with ``gas=`` (SO2, NO2, NO, CO, O3, NH3, H2S, and NOx
  counted as NO2 as QCVN 19 expresses it); without it a ValueError says why. A catalogue code
  with the ``_stack`` suffix is accepted as its gas (``SO2_stack`` → SO2).
- Exposure rate (R/h), air-kerma or absorbed-dose rate (Gy/h) and count rates (cps, cpm) are
  not converted to ambient dose-equivalent rate (Sv/h): the factor depends on photon energy
  and on the detector's calibration, so they are refused with that reason.
- Temperatures convert as absolute temperatures (the offset applies), not as differences.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

#: Molar volume of an ideal gas at 25 °C and 1 atm [L/mol], as conventionally rounded.
MOLAR_VOLUME_L_MOL = 24.45

_H, _C, _N, _O, _S = 1.008, 12.011, 14.007, 15.999, 32.06
#: Molar masses [g/mol] of the gases that stations report in ppb/ppm.
MOLAR_MASS_G_MOL: dict[str, float] = {
    "SO2": _S + 2 * _O,
    "NO2": _N + 2 * _O,
    "NOx": _N + 2 * _O,  # as NO2
    "NO": _N + _O,
    "CO": _C + _O,
    "O3": 3 * _O,
    "NH3": _N + 3 * _H,
    "H2S": 2 * _H + _S,
}

_MASS_AIR = "mass concentration in air"
_MASS_WATER = "mass concentration in water"
_MIXING = "mixing ratio"

# unit → (family, scale to the family's base unit, offset to the base unit)
_UNITS: dict[str, tuple[str, Fraction, Fraction]] = {}


def _family(name: str, units: dict[str, Fraction | int],
            offsets: dict[str, str] | None = None) -> None:
    for unit, scale in units.items():
        _UNITS[unit] = (name, Fraction(scale), Fraction((offsets or {}).get(unit, "0")))


_MILLI, _MICRO, _NANO = Fraction(1, 10**3), Fraction(1, 10**6), Fraction(1, 10**9)
for _basis in ("m³", "Nm³"):
    _family(_MASS_AIR, {f"ng/{_basis}": _MILLI, f"µg/{_basis}": 1, f"mg/{_basis}": 10**3,
                        f"g/{_basis}": 10**6})
_family(_MASS_WATER, {"ng/L": _MICRO, "µg/L": _MILLI, "mg/L": 1, "g/L": 10**3})
_family(_MIXING, {"ppb": 1, "ppm": 10**3})
_family("dose rate", {"nSv/h": _MILLI, "µSv/h": 1, "mSv/h": 10**3, "Sv/h": 10**6})
_family("temperature", {"K": 1, "°C": 1}, {"°C": "273.15"})
_family("pressure", {"Pa": 1, "hPa": 100, "mbar": 100, "kPa": 10**3,
                     "mmHg": Fraction(101325, 760), "atm": 101325})
_family("flow rate", {"m³/h": 1, "Nm³/h": 1, "m³/s": 3600, "L/s": Fraction(36, 10),
                      "L/min": Fraction(6, 100)})
_family("conductivity", {"µS/cm": 1, "mS/cm": 10**3})
_family("speed", {"m/s": 1, "km/h": Fraction(10, 36)})
for _unit in ("%", "-", "°", "mm", "W/m²", "NTU", "Pt-Co"):
    _family(_unit, {_unit: 1})

_NOT_DOSE_EQUIVALENT = ("is not an ambient dose-equivalent rate; the factor to Sv/h depends "
                        "on photon energy and the detector's calibration")
_REFUSED: dict[str, str] = {
    **{f"{p}R/h": f"exposure rate {_NOT_DOSE_EQUIVALENT}" for p in ("", "m", "µ")},
    **{f"{p}Gy/h": f"air-kerma or absorbed-dose rate {_NOT_DOSE_EQUIVALENT}"
       for p in ("", "m", "µ", "n")},
    "cps": f"a count rate {_NOT_DOSE_EQUIVALENT}",
    "cpm": f"a count rate {_NOT_DOSE_EQUIVALENT}",
}

_SPELLINGS = {
    "oC": "°C", "degC": "°C", "deg.C": "°C", "C°": "°C", "℃": "°C", "degK": "K",
    "deg": "°", "pH": "-", "PtCo": "Pt-Co", "Pt/Co": "Pt-Co",
    "%V": "%", "%v": "%", "%vol": "%", "vol%": "%", "%v/v": "%",
    "PPB": "ppb", "PPM": "ppm", "ppbv": "ppb", "ppmv": "ppm",
}
_POWER3 = re.compile(r"(?<=m)(?:3|\^3)(?=$|/)")
_POWER2 = re.compile(r"(?<=m)(?:2|\^2)(?=$|/)")
_LITRE = re.compile(r"(?<![A-Za-z])l(?=$|/)")


def _spelling(unit: str) -> str:
    text = "".join(unit.split()).replace("μ", "µ").replace("º", "°")
    text = _POWER2.sub("²", _POWER3.sub("³", text))
    text = _LITRE.sub("L", text)
    if text[:1] == "u" and text[1:2].isalpha():
        text = "µ" + text[1:]
    return _SPELLINGS.get(text, text)


def unit_normalise(unit: str) -> str:
    """The canonical spelling of ``unit`` (µ U+00B5, superscript ³ and ², °), e.g.
    ``ug/m3`` → ``µg/m³``, ``mg/Nm3`` → ``mg/Nm³``, ``uSv/h`` → ``µSv/h``, ``oC`` → ``°C``.

    Spellings as stations write them under TT 10/2021/TT-BTNMT Phụ lục 15 (see module
    docstring). Raises ValueError naming the unit when it is unknown or refused.
    """
    if not isinstance(unit, str):
        raise ValueError(f"unit {unit!r}: must be a string")
    text = _spelling(unit)
    if text in _REFUSED:
        raise ValueError(f"unit {unit!r}: {_REFUSED[text]}")
    if text not in _UNITS:
        raise ValueError(f"unit {unit!r}: unknown unit")
    return text


def _gas_molar_mass(gas: str | None, from_unit: str, to_unit: str) -> float:
    if gas is None:
        raise ValueError(
            f"cannot convert {from_unit} to {to_unit}: a mixing ratio (ppb, ppm) becomes a "
            "mass concentration only through the molar mass of the gas; pass gas= (one of "
            f"{', '.join(MOLAR_MASS_G_MOL)})")
    formula = gas.removesuffix("_stack")
    if formula not in MOLAR_MASS_G_MOL:
        raise ValueError(f"gas {gas!r}: no molar mass known (known: "
                         f"{', '.join(MOLAR_MASS_G_MOL)})")
    return MOLAR_MASS_G_MOL[formula]


@lru_cache(maxsize=1024)
def unit_factor(from_unit: str, to_unit: str, *, gas: str | None = None) -> tuple[float, float]:
    """``(scale, offset)`` such that ``to = from × scale + offset``.

    Prefix conversions per the SI brochure (BIPM 2019, Table 7); °C ↔ K per §2.3.3; ppb/ppm
    ↔ µg/Nm³/mg/Nm³ per ``ppb × M / 24.45`` at 25 °C, 1 atm (only with ``gas``). Both units
    go through :func:`unit_normalise`. Raises ValueError naming the units when they are of
    different quantities, or when a mixing ratio is converted without ``gas``.
    """
    source, target = unit_normalise(from_unit), unit_normalise(to_unit)
    family_from, scale_from, offset_from = _UNITS[source]
    family_to, scale_to, offset_to = _UNITS[target]
    if family_from == family_to:
        scale = scale_from / scale_to
        return float(scale), float((offset_from - offset_to) / scale_to)
    pair = {family_from, family_to}
    if pair == {_MIXING, _MASS_AIR}:
        molar = _gas_molar_mass(gas, source, target)
        # base units: ppb and µg/m³; 1 ppb = M / 24.45 µg/m³
        per_ppb = molar / MOLAR_VOLUME_L_MOL
        to_base = float(scale_from) * (per_ppb if family_from == _MIXING else 1 / per_ppb)
        return to_base / float(scale_to), 0.0
    raise ValueError(f"cannot convert {source} ({family_from}) to {target} ({family_to})")
