"""Untrusted bytes shown to a person: control characters and bidirectional overrides escaped,
bytes that are not UTF-8 shown as \\xNN, the rest as it is."""

from ungpho.core.printable import printable_text


def test_terminal_controls_bidi_overrides_and_bad_bytes_are_escaped_and_text_kept():
    data = "Trạm <b>\x1b]0;pwned\x07 \u202eabc\x00".encode() + b"\xff\tok\n"
    assert printable_text(data) == "Trạm <b>\\x1b]0;pwned\\x07 \\u202eabc\\x00\\xff\tok\n"


def test_one_line_escapes_tabs_and_newlines_too():
    assert printable_text("a\tb\nc", one_line=True) == "a\\tb\\nc"


def test_a_lone_surrogate_is_escaped_and_long_text_cut_with_what_was_left_out():
    assert printable_text("name_\udcff.txt") == "name_\\udcff.txt"
    assert printable_text("x" * 20, max_chars=5) == "xxxxx… (+15 characters)"
