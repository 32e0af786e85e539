"""Spelling of nuclide names: one canonical form for every table and form of the system."""

from __future__ import annotations

import re

_NUCLIDE = re.compile(r"^([a-z]{1,2})-?(\d{1,3}m?)(/be)?$", re.IGNORECASE)
# Mass first, the metastable mark must be a small m: "99Mo" is molybdenum, "99mTc" technetium.
_NUCLIDE_MASS_FIRST = re.compile(r"^(\d{1,3}(?-i:m)?)([a-z]{1,2})(/be)?$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s_]+")


def nuclide_normalise(text: str) -> str:
    """``Co60``, ``60Co``, ``co-60``, ``99mTc`` → ``Co-60``, ``Tc-99m``; ``Am-241/Be`` kept as
    a compound (neutron) source. ValueError if ``text`` is not written as a nuclide. Whether
    the nuclide exists is for the tables to say (D-values, half-lives)."""
    cleaned = _SEPARATORS.sub("", text) if isinstance(text, str) else ""
    if match := _NUCLIDE.match(cleaned):
        symbol, mass, compound = match.groups()
    elif match := _NUCLIDE_MASS_FIRST.match(cleaned):
        mass, symbol, compound = match.groups()
    else:
        raise ValueError(f"{text!r} is not a nuclide such as 'Co-60' or 'Am-241/Be'")
    return f"{symbol.capitalize()}-{mass.lower()}{'/Be' if compound else ''}"
