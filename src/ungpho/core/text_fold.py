"""Vietnamese text folded for search: lower case, tone marks and vowel marks removed, đ → d,
so that "hai ha" finds "Hải Hà" and "DINH VU" finds "Đình Vũ".

Sources:
- Unicode Standard Annex #15 (normalization forms): NFD decomposes a precomposed Vietnamese
  letter into its base letter and combining marks (ả = a + U+0309), which are dropped.
- Đ/đ (U+0110/U+0111) is a letter of its own, not a D with a mark: NFD leaves it whole, so it
  is mapped to d explicitly (the usual Vietnamese search convention).

Readings:
- The database folds with a character map, not NFD (SQLite and PostgreSQL have no Unicode
  normalisation built in): ``fold_map`` gives every precomposed Latin letter of U+00C0–U+024F
  and U+1E00–U+1EFF whose decomposition starts with an ASCII letter, upper and lower case,
  plus Đ/đ, each with its folded ASCII letter. A text in NFD (base letter + combining mark)
  is not matched by the map; input from forms and registries is NFC.
"""

from __future__ import annotations

import unicodedata
from functools import cache

_LETTER_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))
_OWN_LETTERS = {"Đ": "d", "đ": "d"}


def folded(text: str) -> str:
    """``text`` in lower case without diacritics (module docstring)."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(_OWN_LETTERS.get(c, c) for c in stripped).lower()


@cache
def fold_map() -> tuple[str, str]:
    """(from, to): equally long strings, each character of ``from`` folding to the one at the
    same place in ``to`` (lower-case ASCII), for SQL ``translate``."""
    source, target = [], []
    for low, high in _LETTER_RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            base = unicodedata.normalize("NFD", char)[0]
            if char not in _OWN_LETTERS and base != char and base.isascii() and base.isalpha():
                source.append(char)
                target.append(base.lower())
    for char, letter in _OWN_LETTERS.items():
        source.append(char)
        target.append(letter)
    return "".join(source), "".join(target)
