"""Untrusted bytes shown to a person: a dead letter's payload on a terminal or an admin page.

A terminal obeys the control characters it prints (ESC sequences can retitle the window,
rewrite what is on screen, or on some terminals answer back as typed input), and bidirectional
overrides make text read differently from what it holds (N. Boucher and R. Anderson, "Trojan
Source: Invisible Vulnerabilities", USENIX Security 2023). What is shown is therefore the
text with every such character written as its Python escape; HTML escaping is the page's
own business (Django's autoescape).
"""

from __future__ import annotations

import re

#: C0 controls but TAB and LF, DEL, C1 controls, the line and paragraph separators, and the
#: bidirectional embeddings, overrides and isolates (Unicode Standard Annex #9).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e"
                          "\u2066-\u2069\ud800-\udfff]")
#: The same and TAB and LF, for text that must stay on one line (a list, a log line).
_UNPRINTABLE_ON_A_LINE = re.compile(f"[\t\n{_UNPRINTABLE.pattern[1:-1]}]")


def printable_text(data: bytes | str, *, max_chars: int | None = None,
                   one_line: bool = False) -> str:
    """``data`` as text safe to print: UTF-8 where it is valid and every other byte as
    ``\\xNN``, each character of ``_UNPRINTABLE`` (and, ``one_line``, TAB and LF) as its
    escape (``\\x1b``, ``\\u202e``, ``\\n``); cut to ``max_chars`` with a note of how much
    was left out. Escapes cannot be told from the same characters written literally: where the
    exact bytes matter, use them."""
    text = data.decode("utf-8", "backslashreplace") if isinstance(data, bytes) else data
    unprintable = _UNPRINTABLE_ON_A_LINE if one_line else _UNPRINTABLE
    if unprintable.search(text):
        text = unprintable.sub(
            lambda m: m.group().encode("unicode_escape", "backslashreplace").decode(), text)
    if max_chars is not None and len(text) > max_chars:
        text = f"{text[:max_chars]}… (+{len(text) - max_chars} characters)"
    return text
