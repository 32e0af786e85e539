"""What the database can hold: the one place that bounds values before they are stored.

Text reaching a database column must be valid UTF-8 (no lone surrogates, which Python strings
can carry and no encoder accepts) and, for PostgreSQL, free of NUL (``text`` cannot hold
U+0000: PostgreSQL documentation, "Character Types").
"""

from __future__ import annotations

import re

#: U+0000 and the lone surrogates U+D800–U+DFFF.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(text: object, *, max_chars: int) -> str:
    """Any value as text a database column of ``max_chars`` can hold, for diagnostics (a
    reason, a source, a rejected line): each unstorable character written as its escape
    (``\\x00``, ``\\ud800``), cut to ``max_chars`` with an ellipsis."""
    text = text if isinstance(text, str) else str(text)
    if _UNSTORABLE.search(text):
        text = _UNSTORABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
    if len(text) > max_chars:
        text = text[:max_chars - 1] + "…"
    return text
