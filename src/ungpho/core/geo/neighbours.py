"""Neighbouring provinces: the units whose polygons touch, or come within a small tolerance
(the polygons are simplified and not legal boundaries, so shared borders may show gaps or
overlaps of a few hundred metres; ``ungpho.core.geo.provinces``).

Used to tell the other localities concerned (TT 12/2023/TT-BKHCN Điều 26.5.e: the provincial
plan sets how other localities concerned are told and asked for help; Phụ lục III, Cấp 3:
an event in another province seriously affecting this one)."""

from __future__ import annotations

from functools import lru_cache

from ungpho.core.geo.provinces import _index, load_provinces

#: Degrees of latitude per metre (mean Earth radius 6,371 km): the tolerance is applied in
#: longitude/latitude degrees, which at 8–24°N overstates east–west distance by ≤ 9 %.
_DEG_PER_M = 1.0 / 111_195.0


@lru_cache(maxsize=8)
def _neighbours(within_m: float) -> dict[str, tuple[str, ...]]:
    provinces, tree = load_provinces(), _index()
    found: dict[str, set[str]] = {p.code: set() for p in provinces}
    left, right = tree.query([p.geometry for p in provinces], predicate="dwithin",
                             distance=within_m * _DEG_PER_M)
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i != j:
            found[provinces[i].code].add(provinces[j].code)
    return {code: tuple(sorted(codes)) for code, codes in found.items()}


def province_neighbours(code: str, *, within_m: float = 2_000.0) -> tuple[str, ...]:
    """Codes of the units within ``within_m`` [m] of unit ``code``'s polygon, sorted.

    >>> "79" in province_neighbours("80")  # Tây Ninh borders Hồ Chí Minh City
    True
    """
    table = _neighbours(float(within_m))
    if code not in table:
        raise ValueError(f"code: no province {code!r}")
    return table[code]
